"""A small page description shared by the DOCX and PDF renderers: paragraphs,
ruled grids of cells (with column spans) and page breaks. A document builds one
:class:`Layout`; :mod:`documents.docx_out` and :mod:`documents.pdf_out` draw it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Union

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Cell:
    """One table cell: its lines (each a paragraph), how many columns it spans."""

    lines: tuple[str, ...]
    span: int = 1
    align: Align = "left"
    bold: bool = False


@dataclass(frozen=True)
class Grid:
    """A ruled table; ``widths`` are relative column widths; every row fills them."""

    widths: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        for i, row in enumerate(self.rows):
            if sum(c.span for c in row) != len(self.widths):
                raise ValueError(f"grid row {i} spans {sum(c.span for c in row)} of {len(self.widths)} columns")


@dataclass(frozen=True)
class Para:
    """A paragraph outside the tables."""

    text: str
    align: Align = "left"
    size: float | None = None
    bold: bool = False


@dataclass(frozen=True)
class PageBreak:
    """Start a new page."""


Block = Union[Para, Grid, PageBreak]


@dataclass(frozen=True)
class Layout:
    """A whole document: blocks in order, page orientation, base font size (pt)."""

    title: str
    blocks: tuple[Block, ...]
    landscape: bool = False
    font_size: float = 9.0
    meta: dict[str, str] = field(default_factory=dict)


def cell(*lines: str, span: int = 1, align: Align = "left", bold: bool = False) -> Cell:
    """A cell from its lines (None-free strings)."""
    return Cell(tuple(lines) or ("",), span, align, bold)


def label(text: str, span: int = 1) -> Cell:
    """A centred label cell, as on the paper forms."""
    return Cell((text,), span, "center")


def grid(widths: list[float], rows: list[list[Cell]]) -> Grid:
    """A grid from lists."""
    return Grid(tuple(widths), tuple(tuple(r) for r in rows))


def text_of(layout: Layout) -> str:
    """All the text of a layout (for checks that need no renderer)."""
    out: list[str] = []
    for block in layout.blocks:
        if isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, Grid):
            out += [line for row in block.rows for c in row for line in c.lines]
    return "\n".join(out)
