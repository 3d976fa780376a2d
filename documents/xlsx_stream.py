"""A minimal streaming XLSX writer for large plain tables: sheets of rows of text and
numbers, no styles, no formulas, written row by row so memory stays flat.

Why not a library: openpyxl's write-only mode took 108 s and XlsxWriter's
constant_memory mode ~75 s for the 100,000-household records export (about 7 million
cells; docs/benchmarks.md): both spend ~10 µs of Python per cell. Here a row is one
string join. The first sheet is compressed straight into the ZIP as it is written;
the other sheets go deflated to temporary files (a ZIP member is written one at a
time) and are copied in at the end.

Text is always inline text (``t="inlineStr"``): a leading ``=`` is never a formula and
characters XML 1.0 cannot carry (control characters) are dropped. Numbers are
``int`` or ``Decimal`` (``bool`` is refused: render it as text); ``None`` and ``""``
are an empty cell. The file's dates are the caller's (no clock read).
"""
from __future__ import annotations

import datetime as dt
import re
import tempfile
import zlib
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any, BinaryIO
from xml.sax.saxutils import escape, quoteattr
from zipfile import ZIP_DEFLATED, ZipFile

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|^[ \t\n]|[ \t\n]$")
# over a row's texts joined by "\n": most rows need no escaping at all, found with two
# searches instead of one per cell (an outer XML whitespace of a value touches a "\n")
_ROW_CHARS = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ROW_EDGES = re.compile("[ \t\n]\n|\n[ \t\n]")
_HEAD = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {_NS}><sheetData>'
_TAIL = "</sheetData></worksheet>"
MAX_ROWS, MAX_COLS = 1_048_576, 16_384
_COMPRESSION = 1  # zlib level: the XML is repetitive; level 1 is ~3x faster than 6 for ~15% more bytes


def column_letters(index: int) -> str:
    """The column name of a 0-based index: 0 -> A, 26 -> AA."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _special_text(value: str) -> str:
    """Inline text that needs escaping, dropped characters or kept outer whitespace."""
    text = escape(_ILLEGAL.sub("", value)).replace("\r", "&#13;")  # a bare CR would read back as LF
    return f'<is><t xml:space="preserve">{text}</t></is>'


_EMPTY = type(None)
_KINDS = {str: "text", int: "number", Decimal: "number"}
_TEMPLATES_AT_MOST = 512  # row shapes remembered per sheet (memory stays bounded)
_FLUSH_ROWS = 256


class _Sheet:
    """One sheet's XML, written to ``out`` (UTF-8) a few hundred rows at a time.

    A row whose texts need no escaping is formatted with one ``str.format`` call on a
    template made once per row shape (which columns are empty, text or a number); other
    rows cell by cell."""

    def __init__(self, name: str, out: Any) -> None:
        self.name, self.out, self.rows = name, out, 0
        self._cells: list[str] = []  # '<c r="A' per column: the row number follows
        self._templates: dict[tuple[type, ...], str] = {}
        self._pending: list[str] = []
        out.write(_HEAD.encode())

    def append(self, values: Sequence[Any]) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS or len(values) > MAX_COLS:
            raise ValueError(f"sheet {self.name!r}: more than {MAX_ROWS} rows or {MAX_COLS} columns")
        strings = [v for v in values if v.__class__ is str]
        if "" in strings:
            values = [None if v.__class__ is str and not v else v for v in values]
            strings = [v for v in strings if v]
        texts = "\n".join(strings)
        if _ROW_CHARS.search(texts) is not None or _ROW_EDGES.search(f"\n{texts}\n") is not None:
            self._pending.append(self._cell_by_cell(values))
            return self._flush_now_and_then()
        shape = tuple([v.__class__ for v in values])
        template = self._templates.get(shape) or self._template(shape)
        xml = template.format(self.rows, *[v for v in values if v is not None])
        if Decimal in shape and ("NaN" in xml or "Infinity" in xml):  # Decimal("NaN") is no cell value
            self._finite(values)
        self._pending.append(xml)
        self._flush_now_and_then()

    def _flush_now_and_then(self) -> None:
        if len(self._pending) >= _FLUSH_ROWS:
            self._flush()

    def _template(self, shape: tuple[type, ...]) -> str:
        """The row's XML with ``{0}`` for the row number and ``{i}`` for its i-th value."""
        self._columns(len(shape))
        parts, i = ['<row r="{0}">'], 0
        for col, kind in enumerate(shape):
            if kind is _EMPTY:
                continue
            if kind not in _KINDS:
                raise TypeError(f"sheet {self.name!r}: a cell holds str, int or Decimal, not {kind.__name__}")
            i += 1
            if _KINDS[kind] == "text":
                parts.append(f'{self._cells[col]}{{0}}" t="inlineStr"><is><t>{{{i}}}</t></is></c>')
            else:
                parts.append(f'{self._cells[col]}{{0}}"><v>{{{i}}}</v></c>')
        parts.append("</row>")
        if len(self._templates) >= _TEMPLATES_AT_MOST:
            self._templates.clear()
        self._templates[shape] = template = "".join(parts)
        return template

    def _cell_by_cell(self, values: list[Any]) -> str:
        """A row with text to escape (or outer whitespace to keep), one cell at a time."""
        self._columns(len(values))
        n, parts = self.rows, [f'<row r="{self.rows}">']
        self._finite(values)
        for col, value in enumerate(values):
            if value is None:
                continue
            if value.__class__ not in _KINDS:
                raise TypeError(f"sheet {self.name!r}: a cell holds str, int or Decimal, not "
                                f"{value.__class__.__name__}")
            if value.__class__ is not str:
                parts.append(f'{self._cells[col]}{n}"><v>{value}</v></c>')
            elif _SPECIAL.search(value) is None:
                parts.append(f'{self._cells[col]}{n}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                parts.append(f'{self._cells[col]}{n}" t="inlineStr">{_special_text(value)}</c>')
        parts.append("</row>")
        return "".join(parts)

    def _columns(self, count: int) -> None:
        while len(self._cells) < count:
            self._cells.append(f'<c r="{column_letters(len(self._cells))}')

    def _finite(self, values: list[Any]) -> None:
        for v in values:
            if v.__class__ is Decimal and not v.is_finite():
                raise ValueError(f"sheet {self.name!r}: {v} is not a number a cell can hold")

    def _flush(self) -> None:
        self.out.write("".join(self._pending).encode("utf-8", "replace"))  # a lone surrogate: "?"
        self._pending.clear()

    def close(self) -> None:
        self._flush()
        self.out.write(_TAIL.encode())


class _Spool:
    """A later sheet's XML kept deflated in a temporary file until its turn in the ZIP
    (a tenth of the disk the plain XML would take)."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()
        self._deflate = zlib.compressobj(_COMPRESSION)

    def write(self, data: bytes) -> None:
        self._file.write(self._deflate.compress(data))

    def copy_to(self, out: IO[bytes]) -> None:
        self._file.write(self._deflate.flush())
        self._file.seek(0)
        inflate = zlib.decompressobj()
        while chunk := self._file.read(1 << 16):  # ~1 MB of XML at a time
            out.write(inflate.decompress(chunk))
        out.write(inflate.flush())

    def close(self) -> None:
        self._file.close()


class StreamingWorkbook:
    """Sheets written row by row into an XLSX on ``stream``; use as a context manager.

    ``sheet(name)`` adds a sheet (the first one is written straight into the file);
    ``sheet.append(values)`` writes a row. Closing the workbook writes the rest.
    """

    def __init__(self, stream: BinaryIO, *, created: dt.date, title: str = "", creator: str = "") -> None:
        self._zip = ZipFile(stream, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=_COMPRESSION)
        self._created, self._title, self._creator = created, title, creator
        self._sheets: list[_Sheet] = []
        self._spools: list[_Spool] = []

    def sheet(self, name: str) -> _Sheet:
        if len(name) > 31 or any(c in name for c in "[]:*?/\\") or name in (s.name for s in self._sheets):
            raise ValueError(f"not a sheet name Excel accepts: {name!r}")
        index = len(self._sheets) + 1
        out: Any
        if index == 1:
            out = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        else:
            out = _Spool()
            self._spools.append(out)
        self._sheets.append(_Sheet(name, out))
        return self._sheets[-1]

    def close(self) -> None:
        """Finishes every sheet and writes the package parts."""
        for i, sheet in enumerate(self._sheets, 1):
            sheet.close()
            if i == 1:
                sheet.out.close()
                continue
            with self._zip.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as member:
                sheet.out.copy_to(member)
            sheet.out.close()
        for name, text in self._parts().items():
            self._zip.writestr(name, text)
        self._zip.close()

    def __enter__(self) -> StreamingWorkbook:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.close()
            return
        for spool in self._spools:  # failed: let go of the files (what was written is not a workbook)
            spool.close()
        if self._sheets:
            self._sheets[0].out.close()
        self._zip.close()

    def _parts(self) -> dict[str, str]:
        xml = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        n = range(1, len(self._sheets) + 1)
        stamp = dt.datetime(self._created.year, self._created.month, self._created.day).isoformat() + "Z"
        sheets = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{i}" r:id="rId{i}"/>'
                         for i, s in enumerate(self._sheets, 1))
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                       for i in n)
        styles_id = len(self._sheets) + 1
        return {
            "[Content_Types].xml": xml + f'<Types xmlns="{_PKG}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>' for i in n)
            + '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>',
            "_rels/.rels": xml + f'<Relationships xmlns="{_PKG}/relationships">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG}/relationships/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
            "docProps/core.xml": xml + f'<cp:coreProperties xmlns:cp="{_PKG}/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(self._title)}</dc:title><dc:creator>{escape(self._creator)}</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>',
            "xl/workbook.xml": xml + f'<workbook {_NS} xmlns:r="{_DOC}/relationships"><sheets>{sheets}</sheets>'
            "</workbook>",
            "xl/_rels/workbook.xml.rels": xml + f'<Relationships xmlns="{_PKG}/relationships">{rels}'
            f'<Relationship Id="rId{styles_id}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>',
            "xl/styles.xml": xml + f"<styleSheet {_NS}>"
            '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
        }

