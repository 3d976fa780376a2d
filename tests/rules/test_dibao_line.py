"""The typed monthly 低保 line (locality `other`) is bounded by edition data, and the
dialogs have a message for each way it is questioned, in both languages."""
from __future__ import annotations

from decimal import Decimal

import pytest

from locales import LANGUAGES, catalog_ids
from rules.cli import main
from rules.edition import load_edition
from rules.facts import FactError, dibao_line_range, read_facts


def test_the_range_is_edition_data_with_descriptions() -> None:
    ed = load_edition()
    assert dibao_line_range(ed) == (Decimal("100"), Decimal("3000"))
    for name in ("dibao_line_min", "dibao_line_max"):
        assert ed.parameters[name].description and ed.parameters[name].reference


@pytest.mark.parametrize(("fact", "value", "code"), [
    ("residence_dibao_line", "6万", "dibao_line.too_high"),
    ("workplace_dibao_line", "6120", "dibao_line.too_high"),
    ("residence_dibao_line", 50, "dibao_line.too_low"),
])
def test_implausible_lines_are_fact_errors_naming_the_fact(fact, value, code) -> None:
    with pytest.raises(FactError) as info:
        read_facts({fact: value})
    assert (info.value.fact, info.value.code) == (fact, code)


def test_a_narrower_range_can_come_from_another_edition() -> None:
    with pytest.raises(FactError):
        read_facts({"residence_dibao_line": "510"}, line_range=(Decimal(600), Decimal(900)))


def test_screen_exits_2_with_one_line_naming_the_fact(monkeypatch, capsys) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO('{"residence": "other", "residence_dibao_line": "60000"}'))
    with pytest.raises(SystemExit) as info:
        main(["screen", "--today", "2016-10-15"])
    err = capsys.readouterr().err.strip().splitlines()
    assert info.value.code == 2 and len(err) == 1
    assert "residence_dibao_line" in err[0] and "dibao_line.too_high" in err[0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_way_of_questioning_a_line_has_a_message(lang) -> None:
    ids = catalog_ids(lang)
    for code in ("too_low", "too_high"):
        assert ids[f"err.fact.dibao_line.{code}"].strip()
    for fact in ("residence_dibao_line", "workplace_dibao_line"):
        assert "510" in ids[f"hint.{fact}"]  # a monthly example, not hint.money's 25200
        assert "25200" not in ids[f"hint.{fact}"]


def test_the_catalog_tool_expects_the_new_ids() -> None:
    from locales import tools

    ids, _ = tools.expected_ids()  # (other parts' problems are test_catalogs' business)
    assert {"err.fact.dibao_line.too_low", "err.fact.dibao_line.too_high"} <= set(ids)
    assert {"hint.residence_dibao_line", "hint.workplace_dibao_line"} <= set(ids)
