"""Saving openpyxl workbooks to a binary stream with the caller's date as the file's
created/modified date (openpyxl's own ``save`` stamps the current time)."""
from __future__ import annotations

import datetime as dt
from typing import BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.writer.excel import ExcelWriter

FONT = "宋体"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def font(size: float = 11, bold: bool = False) -> Font:
    """The sheet font (宋体) at ``size``."""
    return Font(name=FONT, size=size, bold=bold)


def save(workbook: Workbook, stream: BinaryIO, when: dt.date, title: str) -> None:
    """Write ``workbook`` to ``stream`` dated ``when`` (no clock read)."""
    stamp = dt.datetime(when.year, when.month, when.day)
    props = workbook.properties
    props.created = props.modified = stamp
    props.creator, props.title = "hardship-filing-assistant", title
    ExcelWriter(workbook, ZipFile(stream, "w", ZIP_DEFLATED, allowZip64=True)).save()
