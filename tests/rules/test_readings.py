"""二.3 / 三(三)3⑤ read literally, with the other reading reported when it decides
differently; figures never negative; rounded-equal figures shown exactly."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest

from dialogs.context import Context
from dialogs.render import text_of
from dialogs.result import reason_lines
from locales import LANGUAGES, translator
from rules import evaluate, facts_for, load_edition
from rules.cli import main

ED = load_edition()
TODAY = dt.date(2016, 10, 15)
BASE = {"union_member": True, "labor_relation": True, "wage_earner_head": True, "filed_elsewhere": False,
        "homes_owned": 0, "owns_business": False, "child_private_or_abroad": False,
        "operates_vehicles": False, "hukou": "urban", "sex": "male", "birth_date": "1975-06-01",
        "dibao_certificate": False, "residence": "nanchang-city", "workplace": "nanchang-city"}
# 3 people, 30,000 a year, 1,000 out of pocket: literal (10000 − 1000) ÷ 12 = 750.00 ≤ 765;
# other reading (30000 − 1000) ÷ 3 ÷ 12 = 805.56 > 765.
ILL = BASE | {"household_size": 3, "household_annual_income": "30000", "major_illness": True,
              "medical_out_of_pocket": "1000", "child_education_hardship": False, "disaster": False}
HIT = BASE | {"household_size": 3, "household_annual_income": "30000", "major_illness": False,
              "disease_paralysis": False, "child_education_hardship": False, "disaster": True,
              "disaster_costs": "1000"}


def decide(raw):
    return evaluate(facts_for(raw, edition=ED, today=TODAY), ED)


def rendered(decision, lang: str) -> str:
    t = translator(lang)
    return "\n".join(text_of(m, t) for m in reason_lines(decision, Context(ED, TODAY)))


@pytest.mark.parametrize(("raw", "category"), [(ILL, "illness"), (HIT, "disaster")])
def test_the_other_reading_is_noted_when_it_decides_otherwise(raw, category) -> None:
    d = decide(raw)
    assert category in d.categories  # the literal reading decides
    assert d.figures[f"{category}_adjusted_monthly"] == Decimal("750.00")
    [note] = [n for n in d.notes if n.note == "alternative_reading"]
    assert (note.category, note.figure, note.outcome) == (category, Decimal("805.56"), "fail")


def test_no_note_when_both_readings_agree() -> None:
    d = decide(ILL | {"medical_out_of_pocket": "5000"})  # 25000 ÷ 3 ÷ 12 = 694.44 passes too
    assert d.notes == ()


def test_screen_json_lists_the_notes(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(ILL)))
    assert main(["screen", "--today", "2016-10-15"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["notes"] == [{"note": "alternative_reading", "category": "illness", "figure": "805.56",
                             "outcome": "fail"}]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_result_shows_both_figures_and_who_decides(lang) -> None:
    text = rendered(decide(ILL), lang)
    assert "750.00" in text and "805.56" in text
    assert ("单位工会决定" in text) if lang.startswith("zh") else ("union decides" in text)


@pytest.mark.parametrize(("cost_fact", "category"), [("medical_out_of_pocket", "illness"),
                                                     ("disaster_costs", "disaster")])
def test_costs_above_the_income_floor_the_figure_at_zero(cost_fact, category) -> None:
    raw = (ILL if category == "illness" else HIT) | {cost_fact: "40000"}
    d = decide(raw)
    assert d.figures[f"{category}_adjusted_monthly"] == Decimal("0.00")
    assert any(n.note == "costs_exceed_income" and n.category == category for n in d.notes)
    assert all(v >= 0 for v in d.figures.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_costs_above_the_income_are_said_never_a_negative_figure(lang) -> None:
    text = rendered(decide(ILL | {"medical_out_of_pocket": "40000"}), lang)
    assert not re.search(r"[-−]\s*[¥\d]", text), text  # no negative amount anywhere
    assert ("超过了家庭收入" in text) if lang.startswith("zh") else ("exceed the household's income" in text)


# 27,540.01 for 3 people in 南昌市城区: 765.0003 a month, shown as 765.00 > 765.00.
MARGINAL_EDGE = BASE | {"household_size": 3, "household_annual_income": "27540.01", "major_illness": True}


def test_the_engine_gives_the_annual_figures_compared() -> None:
    reason = decide(MARGINAL_EDGE).reason("marginal")
    assert reason.outcome == "fail"
    assert (reason.params["compared"], reason.params["limit"]) == (Decimal("27540.01"), Decimal("27540.000"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_rounded_equal_figures_show_the_exact_comparison(lang) -> None:
    text = rendered(decide(MARGINAL_EDGE), lang)
    assert "27,540.01" in text and "27,540.00" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_exact_comparison_for_the_cost_categories(lang) -> None:
    # (27540.01 + 3 × 100 − 3 × 100) vs 27540: illness fails by one cent after costs
    raw = ILL | {"household_annual_income": "27840.01", "medical_out_of_pocket": "100", "major_illness": True}
    d = decide(raw)
    assert d.reason("illness").outcome == "fail"
    assert "27,540.01" in rendered(d, lang)


def test_no_exact_line_when_the_rounded_figures_differ() -> None:
    t = translator("en")
    d = decide(MARGINAL_EDGE | {"household_annual_income": "30000"})
    assert "exactly" not in "\n".join(text_of(m, t) for m in reason_lines(d, Context(ED, TODAY)))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_exact_line_under_a_category_that_fails_for_another_reason(lang) -> None:
    # 765.00 a month by rounding, a cent above: the marginal and illness lines say so exactly,
    # but "no disaster" is why the disaster category fails: no income comparison belongs there
    d = decide(ILL | {"household_size": 1, "household_annual_income": "9180.01", "medical_out_of_pocket": "0"})
    assert (d.reason("disaster").outcome, d.reason("disaster").detail) == ("fail", "no_disaster")
    t = translator(lang)
    exact = t.gettext("compare.marginal.above").split("{")[0]  # how every exact comparison begins
    lines = rendered(d, lang).splitlines()
    at = next(i for i, line in enumerate(lines) if t.gettext("reason.disaster.no_disaster") in line)
    assert not lines[at + 1:at + 2] or not lines[at + 1].startswith(exact), lines
    assert sum(line.startswith(exact) for line in lines) == 2, lines  # the marginal and the illness ones


def test_the_english_exact_comparison_reads_right_for_one_person() -> None:
    d = decide(ILL | {"household_size": 1, "household_annual_income": "9180.01", "medical_out_of_pocket": "0"})
    text = rendered(d, "en")
    assert "household size 1 ×" in text and "1 people" not in text, text
