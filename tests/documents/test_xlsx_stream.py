"""The streaming XLSX writer (documents/xlsx_stream.py): what goes in comes out when the
file is opened with openpyxl, text stays text, and what a cell cannot hold is refused."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from documents.xlsx_stream import StreamingWorkbook, column_letters


def written(*sheets):
    out = io.BytesIO()
    with StreamingWorkbook(out, created=dt.date(2016, 11, 1), title="档案", creator="test") as wb:
        made = [(wb.sheet(name), rows) for name, rows in sheets]
        for sheet, rows in made:  # rows of the sheets interleaved, as the export writes them
            for row in rows:
                sheet.append(row)
    return load_workbook(io.BytesIO(out.getvalue()))


def test_values_come_back_as_written():
    rows = [["户号", "姓名", "人数", "月收入"], ["H1", "张三", 3, Decimal("1650.50")], ["H2", None, 1, None],
            ["H3", "", 0, Decimal("-2.25")]]
    wb = written(("户", rows), ("成员", [["H1", "李四", 1], ["H1", "王五", 2]]))
    assert wb.sheetnames == ["户", "成员"]
    got = list(wb["户"].iter_rows(values_only=True))
    assert got == [("户号", "姓名", "人数", "月收入"), ("H1", "张三", 3, 1650.5), ("H2", None, 1, None),
                   ("H3", None, 0, -2.25)]
    assert list(wb["成员"].iter_rows(values_only=True)) == [("H1", "李四", 1), ("H1", "王五", 2)]
    assert wb.properties.created == dt.datetime(2016, 11, 1) and wb.properties.title == "档案"


def test_text_is_only_text():
    tricky = ["=1+1", "a & b <c>", " 前后空格 ", "line\nbreak", "bell\x07gone", "\t", "=HYPERLINK(\"x\")", "😀",
              "cr\r\nlf"]
    wb = written(("s", [tricky, ["plain", "=SUM(A1:A2)"]]))
    ws = wb["s"]
    assert [c.value for c in ws[1]] == ["=1+1", "a & b <c>", " 前后空格 ", "line\nbreak", "bellgone", "\t",
                                        "=HYPERLINK(\"x\")", "😀", "cr\r\nlf"]
    assert all(c.data_type == "s" for c in ws[1]) and ws["B2"].data_type == "s"  # no formula


def test_what_a_cell_cannot_hold_is_refused():
    for bad in (True, 1.5, dt.date(2016, 1, 1), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises((TypeError, ValueError)):
            with StreamingWorkbook(io.BytesIO(), created=dt.date(2016, 1, 1)) as wb:
                wb.sheet("s").append(["ok", bad])
    with pytest.raises(ValueError):
        StreamingWorkbook(io.BytesIO(), created=dt.date(2016, 1, 1)).sheet("a/b")


def test_column_letters():
    assert [column_letters(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
