"""The shared renderers: ticked boxes survive any line breaking, Chinese text extracts,
and the package stays below the channels (no storage, Telegram or dialogs)."""
import subprocess
import sys

from doc_readers import docx_text, pdf_text
from hypothesis import example, given, settings
from hypothesis import strategies as st

from documents.docx_out import to_docx
from documents.layout import Layout, Para, cell, grid
from documents.pdf_out import to_pdf

PIECES = ["☑", "□", "低保户", "a", "1.", "yes", " ", "；", "(", "12345678901234567890", "\n"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.integers(min_value=1, max_value=6))
@example(["☑", "☑", "a", "(", "☑", "低保户", "a", "a", "☑", "☑"], 2)  # reportlab's breaker met an empty fragment
def test_boxes_survive_line_breaking(pieces, narrow):
    text = "".join(pieces)
    layout = Layout("t", (Para(text), grid([narrow, 10], [[cell(text), cell("")]])))
    extracted = pdf_text(to_pdf(layout))
    assert extracted.count("☑") == 2 * text.count("☑")
    assert extracted.count("□") == 2 * text.count("□")


def test_chinese_extracts_from_pdf_and_docx():
    layout = Layout("标题", (Para("困难职工登记表 ☑低保户 □低保边缘户"),))
    assert "困难职工登记表 ☑低保户 □低保边缘户" in pdf_text(to_pdf(layout))
    assert "困难职工登记表 ☑低保户 □低保边缘户" in docx_text(to_docx(layout))


def test_a_row_must_fill_its_grid():
    import pytest
    with pytest.raises(ValueError):
        grid([1, 1, 1], [[cell("a", span=2)]])


def test_documents_import_no_channel_or_storage():
    code = ("import sys, pkgutil, importlib, documents\n"
            "for m in pkgutil.walk_packages(documents.__path__, 'documents.'): importlib.import_module(m.name)\n"
            "print(' '.join(sorted({n.split('.')[0] for n in sys.modules})))")
    loaded = set(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split())
    assert not loaded & {"telegram", "storage", "dialogs", "bot", "aiosqlite", "locales"}
