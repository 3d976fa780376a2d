"""Render a :class:`~documents.layout.Layout` as DOCX (python-docx).

python-docx writes real Word tables with merged cells, so the office can still
edit the form in Word or WPS; Chinese text is set in 宋体 (SimSun) as East Asian font.
"""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from documents.layout import Cell, Grid, Layout, PageBreak, Para

_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT}
EAST_ASIAN_FONT = "宋体"


def _fonts(doc, size: float) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _page(doc, landscape: bool) -> float:
    """Set A4 and margins; the usable width in mm."""
    section = doc.sections[0]
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(12))
    return (297 if landscape else 210) - 24


def _fill(target, item: Cell) -> None:
    first = target.paragraphs[0]
    for i, line in enumerate(item.lines):
        para = first if i == 0 else target.add_paragraph()
        para.alignment = _ALIGN[item.align]
        run = para.add_run(line)
        run.bold = item.bold or None


def _grid(doc, block: Grid, usable_mm: float) -> None:
    table = doc.add_table(rows=len(block.rows), cols=len(block.widths))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(block.widths)
    widths = [Mm(usable_mm * w / total) for w in block.widths]
    for r, row in enumerate(block.rows):
        col = 0
        for c, width in zip(table.rows[r].cells, widths):
            c.width = width
        for item in row:
            target = table.cell(r, col)
            if item.span > 1:
                target = target.merge(table.cell(r, col + item.span - 1))
            _fill(target, item)
            col += item.span


def to_docx(layout: Layout) -> bytes:
    """The layout as DOCX bytes."""
    doc = Document()
    _fonts(doc, layout.font_size)
    usable = _page(doc, layout.landscape)
    doc.core_properties.title = layout.title
    previous = None
    for block in layout.blocks:
        if isinstance(block, Para):
            para = doc.add_paragraph()
            para.alignment = _ALIGN[block.align]
            run = para.add_run(block.text)
            run.bold = block.bold or None
            if block.size:
                run.font.size = Pt(block.size)
        elif isinstance(block, Grid):
            if isinstance(previous, Grid):  # keep adjacent tables apart (Word would join them)
                doc.add_paragraph().paragraph_format.line_spacing = Pt(1)
            _grid(doc, block, usable)
        elif isinstance(block, PageBreak):
            doc.add_page_break()
        previous = block
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
