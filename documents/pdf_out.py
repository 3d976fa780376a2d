"""Render a :class:`~documents.layout.Layout` as PDF (reportlab).

Chinese text uses reportlab's built-in CID font STSong-Light (no font file; the
viewer supplies the glyphs). That font has no ☑, so a ticked box is drawn as a
vector square with a tick over an invisible ☑, which text extraction still reads.
The canvas is ``invariant`` (fixed dates), so the same input gives the same bytes.
"""
from __future__ import annotations

import builtins
import io
import re
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import PageBreak as RLPageBreak
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus import paragraph as reportlab_paragraph

from documents.layout import Cell, Grid, Layout, PageBreak, Para
from documents.text import TICKED

FONT = "STSong-Light"
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
# The invisible ☑ comes first and the drawing callback after it: reportlab's CJK line
# breaker backtracks through non-CJK text and fails on an empty (callback) fragment, so
# the character after a box must be CJK or a space (see markup).
_TICK_MARKUP = '<font color="transparent">' + TICKED + '</font><onDraw name="tickbox" label=""/>'
_AFTER_BOX = re.compile(TICKED + r"(?=[^\s\u3000-\U0010ffff])")


def _ord_or_zero(ch: str) -> int:
    """``ord`` for reportlab's CJK line breaker, which calls it on the empty fragment of
    an ``<onDraw>`` (our drawn ☑) when it looks back for a place to break and meets one:
    "ord() expected a character" for about one paragraph in a hundred with boxes and
    Latin text (hypothesis found it). An empty fragment is then neither a space nor CJK,
    as the breaker already takes it when it does not crash."""
    return builtins.ord(ch) if ch else 0


reportlab_paragraph.ord = _ord_or_zero  # the breaker's module looks ``ord`` up there first


def _register() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _tickbox(canvas, kind, label) -> None:
    """Draw ☑ where the invisible one sits (called by the paragraph's <onDraw>)."""
    info = canvas._curr_tx_info
    s = info["tx"]._fontsize or info["xs"].style.fontSize
    x, y = info["cur_x"] - s, info["cur_y"]  # the callback runs just after the ☑
    canvas.saveState()
    canvas.setLineWidth(0.45)
    canvas.rect(x + 0.12 * s, y - 0.06 * s, 0.76 * s, 0.76 * s)
    canvas.setLineWidth(0.9)
    path = canvas.beginPath()
    path.moveTo(x + 0.24 * s, y + 0.33 * s)
    path.lineTo(x + 0.44 * s, y + 0.1 * s)
    path.lineTo(x + 0.8 * s, y + 0.64 * s)
    canvas.drawPath(path)
    canvas.restoreState()


def _canvas(*args, **kwargs) -> Canvas:
    kwargs["invariant"] = 1
    canvas = Canvas(*args, **kwargs)
    canvas.setNamedCB("tickbox", _tickbox)
    return canvas


def markup(text: str) -> str:
    """Paragraph markup for plain text: escaped, ☑ drawn, line breaks kept."""
    spaced = _AFTER_BOX.sub(TICKED + " ", text)
    return escape(spaced).replace(TICKED, _TICK_MARKUP).replace("\n", "<br/>")


def _style(size: float, align: str = "left") -> ParagraphStyle:
    return ParagraphStyle(f"s{size}{align}", fontName=FONT, fontSize=size, leading=size * 1.35,
                          alignment=_ALIGN[align], wordWrap="CJK")


def _cell(item: Cell, size: float) -> Paragraph:
    return Paragraph("<br/>".join(markup(line) for line in item.lines), _style(size, item.align))


def _table(block: Grid, width: float, size: float) -> Table:
    total = sum(block.widths)
    data, spans = [], []
    for r, row in enumerate(block.rows):
        line, col = [], 0
        for item in row:
            line += [_cell(item, size)] + [""] * (item.span - 1)
            if item.span > 1:
                spans.append(("SPAN", (col, r), (col + item.span - 1, r)))
            col += item.span
        data.append(line)
    table = Table(data, colWidths=[width * w / total for w in block.widths])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 2.5), ("RIGHTPADDING", (0, 0), (-1, -1), 2.5),
                               ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                               *spans]))
    return table


def to_pdf(layout: Layout) -> bytes:
    """The layout as PDF bytes (A4)."""
    _register()
    out = io.BytesIO()
    page = landscape(A4) if layout.landscape else A4
    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=layout.title,
                            author=layout.meta.get("author", ""), creator="hardship-filing-assistant")
    flow = []
    for block in layout.blocks:
        if isinstance(block, Para):
            size = block.size or layout.font_size
            para = Paragraph(markup(block.text), _style(size, block.align))
            para.spaceAfter = size * 0.4
            flow.append(para)
        elif isinstance(block, Grid):
            flow.append(_table(block, doc.width, layout.font_size))
        elif isinstance(block, PageBreak):
            flow.append(RLPageBreak())
    doc.build(flow, canvasmaker=_canvas)
    return out.getvalue()
