"""Rule cases as data (OpenFisca style): one YAML file per rule under ``cases/``.

Every case is checked through ``rules.screen``; a few per file also go through the
real command line (``python -m rules screen``). The expected values in the YAML
files were written by hand from the policy text and eligibility.md.

Case keys: ``name``, ``today`` (default 2016-10-15), ``facts``, and either
``expect`` or ``error: {fact, code}``; ``dialog: false`` marks a decided case whose
facts are deliberately too incomplete for a dialog to reach its decision.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

import rules
from rules.edition import EditionError, load_edition, load_edition_from

CASES_DIR = Path(__file__).parent / "cases"
ROOT = Path(__file__).resolve().parents[2]
RULE_FILES = ("scope", "exclusions", "one_household", "age", "migrant", "dibao", "marginal",
              "illness", "disaster", "id_number", "partial", "errors")
DEFAULT_TODAY = dt.date(2016, 10, 15)
CASE_KEYS = {"name", "today", "facts", "expect", "error", "dialog"}
EXPECT_KEYS = {"eligible", "decided", "primary", "categories", "worker_type", "missing",
               "missing_first", "missing_excludes", "outcomes", "figures", "flips"}
RULES = ("scope", "exclusions", "one_household", "age", "migrant", "dibao", "marginal",
         "illness", "disaster")
CLI_CASES_PER_FILE = 3


def _load(stem: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((CASES_DIR / f"{stem}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, f"{stem}.yaml must be a non-empty list of cases"
    return data


ALL_CASES = [(stem, case) for stem in RULE_FILES for case in _load(stem)]


def _id(stem: str, case: dict[str, Any]) -> str:
    return f"{stem}::{case['name']}"


def _today(case: dict[str, Any]) -> dt.date:
    today = case.get("today", DEFAULT_TODAY)
    return today if isinstance(today, dt.date) else dt.date.fromisoformat(today)


def _raw(case: dict[str, Any]) -> dict[str, Any]:
    """The case's facts as a plain dict (YAML merge keys already resolved)."""
    return dict(case["facts"])


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialise {value!r}")


def _flip_key(flip: dict[str, Any]) -> tuple[str, str, str, str]:
    return (flip["category"], flip["fact"], flip["relation"], str(flip["value"]))


def check_expect(result: dict[str, Any], expect: dict[str, Any]) -> None:
    """Assert every key of ``expect`` against a screen result."""
    unknown = set(expect) - EXPECT_KEYS
    assert not unknown, f"unknown expect keys {sorted(unknown)}"
    for key in ("eligible", "decided", "primary", "worker_type"):
        if key in expect:
            assert result[key] == expect[key] and type(result[key]) is type(expect[key]), \
                f"{key}: got {result[key]!r}, expected {expect[key]!r}"
    if "categories" in expect:
        assert result["categories"] == expect["categories"]
    if "missing" in expect:
        assert result["missing"] == expect["missing"]
    if "missing_first" in expect:
        assert result["missing"], "missing is empty"
        assert result["missing"][0] == expect["missing_first"], result["missing"]
    if "missing_excludes" in expect:
        assert not set(expect["missing_excludes"]) & set(result["missing"]), result["missing"]
    if "outcomes" in expect:
        got = {r["rule"]: r["outcome"] for r in result["reasons"]}
        for rule, outcome in expect["outcomes"].items():
            assert got[rule] == outcome, f"rule {rule}: got {got[rule]}, expected {outcome}"
    if "figures" in expect:
        for name, value in expect["figures"].items():
            assert name in result["figures"], f"figure {name} absent: {result['figures']}"
            assert result["figures"][name] == str(value), f"figure {name}: {result['figures'][name]}"
    if "flips" in expect:
        got = sorted(_flip_key(f) for f in result["flips"])
        assert got == sorted(_flip_key(f) for f in expect["flips"])


def check_invariants(result: dict[str, Any], raw: dict[str, Any], today: dt.date) -> None:
    """Properties eligibility.md states for every screening."""
    assert result["eligible"] in (True, False, None)
    assert result["decided"] == (result["eligible"] is False or result["primary"] is not None)
    if result["decided"]:
        assert result["missing"] == []
    else:
        assert result["missing"], "an undecided screening must say what it needs"
    if result["primary"] is not None:
        assert result["eligible"] is True
        assert result["primary"] == result["categories"][0]
    if result["eligible"] is not True:
        assert result["primary"] is None
    assert len(result["missing"]) == len(set(result["missing"]))
    assert [r["rule"] for r in result["reasons"]] == list(RULES)
    facts = rules.facts_for(raw, edition=load_edition(), today=today)  # sex derived from an ID
    never = {"marital_status", "id_number"}
    if facts.sex == "male":
        never.add("cadre")
    if facts.hukou == "urban":
        never.add("provincial_contract_year")
    for place in ("residence", "workplace"):
        if getattr(facts, place) not in (None, "other"):
            never.add(f"{place}_dibao_line")
    assert not never & set(result["missing"]), result["missing"]


# --- the cases, through the Python API ------------------------------------------------

def test_every_rule_has_its_file_and_cases_are_well_formed():
    assert sorted(p.stem for p in CASES_DIR.glob("*.yaml")) == sorted(RULE_FILES)
    for stem in RULE_FILES:
        cases = _load(stem)
        names = [c["name"] for c in cases]
        assert len(names) == len(set(names)), f"duplicate case names in {stem}.yaml"
        for case in cases:
            assert set(case) <= CASE_KEYS, (stem, case["name"], set(case) - CASE_KEYS)
            assert isinstance(case["facts"], dict)
            assert ("expect" in case) != ("error" in case), (stem, case["name"])
            if "expect" in case:
                assert set(case["expect"]) <= EXPECT_KEYS, (stem, case["name"])


@pytest.mark.parametrize(("stem", "case"), ALL_CASES, ids=[_id(s, c) for s, c in ALL_CASES])
def test_case(stem: str, case: dict[str, Any]):
    raw = _raw(case)
    if "error" in case:
        with pytest.raises(rules.FactError) as info:
            rules.screen(raw, today=_today(case))
        assert info.value.fact == case["error"]["fact"]
        assert info.value.code == case["error"]["code"]
        return
    result = rules.screen(raw, today=_today(case))
    check_expect(result, case["expect"])
    check_invariants(result, raw, _today(case))
    json.dumps(result, ensure_ascii=False)  # the result is plain JSON


# --- a decided profile can be reached by a dialog asking missing[0] ------------------

def ask_in_order(raw: dict[str, Any], today: dt.date, ed: rules.Edition, limit: int = 60):
    """Start from no facts and answer ``missing[0]`` from the profile until decided.

    Returns (decision, questions asked, the fact the profile lacked or None). Sex and
    birth date derived from an ID number count as answered by the profile.
    """
    full = rules.facts_for(raw, edition=ed, today=today)
    known: dict[str, Any] = {}
    for asked in range(limit):
        decision = rules.evaluate(rules.facts_for(known, edition=ed, today=today), ed)
        if decision.decided:
            return decision, asked, None
        fact = decision.missing[0]
        value = getattr(full, fact)
        if value is None:
            return decision, asked, fact
        known[fact] = value
    raise AssertionError(f"no decision after {limit} questions")


DIALOG_CASES = [(s, c) for s, c in ALL_CASES
                if "expect" in c and c["expect"].get("decided") is True and c.get("dialog", True)]


@pytest.mark.parametrize(("stem", "case"), DIALOG_CASES, ids=[_id(s, c) for s, c in DIALOG_CASES])
def test_dialog_reaches_the_same_decision(stem: str, case: dict[str, Any]):
    ed = load_edition()
    today = _today(case)
    full = rules.screen(_raw(case), today=today)
    decision, asked, lacked = ask_in_order(_raw(case), today, ed)
    assert lacked is None, f"the profile lacks {lacked!r}, asked after {asked} questions"
    assert (decision.eligible, decision.primary) == (full["eligible"], full["primary"])


# --- a few cases per file through the real command line ------------------------------

CLI_CASES = [(s, c) for stem in RULE_FILES for s, c in
             [(stem, c) for c in _load(stem)][:CLI_CASES_PER_FILE]]
# plus the ID errors of id_number.yaml and every other case of errors.yaml (exit 2)
CLI_CASES += [(s, c) for s, c in ALL_CASES if s == "id_number" and "error" in c][:3]
CLI_CASES += [(s, c) for s, c in ALL_CASES if s == "errors"][CLI_CASES_PER_FILE::2]


def run_cli(args: list[str], stdin: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "rules", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", cwd=ROOT, timeout=60)


@pytest.mark.parametrize(("stem", "case"), CLI_CASES, ids=[_id(s, c) for s, c in CLI_CASES])
def test_case_through_cli(stem: str, case: dict[str, Any]):
    stdin = json.dumps(_raw(case), ensure_ascii=False, default=_json_default)
    proc = run_cli(["screen", "--today", _today(case).isoformat()], stdin)
    assert "Traceback" not in proc.stderr
    if "error" in case:
        assert proc.returncode == 2, proc.stdout
        assert proc.stdout == ""
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert case["error"]["fact"] in lines[0]
        return
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result = json.loads(proc.stdout)
    check_expect(result, case["expect"])
    check_invariants(result, _raw(case), _today(case))


@pytest.mark.parametrize("stdin", ["", "not json", "[1, 2]", "{\"union_member\": true,}"])
def test_cli_rejects_input_that_is_not_one_object(stdin: str):
    proc = run_cli(["screen"], stdin)
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "input" in proc.stderr and "Traceback" not in proc.stderr


def test_api_rejects_input_that_is_not_an_object():
    with pytest.raises(rules.FactError) as info:
        rules.screen([("union_member", True)])  # type: ignore[arg-type]
    assert info.value.fact == "(input)"


def test_bundled_example_is_a_marginal_household():
    # 25200 / 3 / 12 = 700.00 ≤ 1.5 × 510 with a major illness (二.2(1)).
    raw = json.loads((ROOT / "rules" / "examples" / "marginal.json").read_text(encoding="utf-8"))
    result = rules.screen(raw, today=DEFAULT_TODAY)
    assert (result["eligible"], result["primary"], result["figures"]["per_capita_monthly"]) == \
        (True, "marginal", "700.00")


# --- a malformed edition names the file and the key -----------------------------------

@pytest.fixture
def edition_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "rules" / "editions" / "jiangxi-2016", tmp_path / "broken")
    return tmp_path / "broken"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_copied_edition_loads(edition_copy: Path):
    ed = load_edition_from("broken", edition_copy.parent)
    assert ed.dibao_line("nanchang-city") == Decimal("510")


def test_malformed_edition_names_file_and_key(edition_copy: Path):
    _replace(edition_copy / "edition.yaml", 'dibao_line: "510"', 'dibao_line: "-510"')
    with pytest.raises(EditionError) as info:
        load_edition_from("broken", edition_copy.parent)
    message = str(info.value)
    assert "edition.yaml" in message
    assert "localities.items.nanchang-city.dibao_line" in message


def test_malformed_materials_file_is_named(edition_copy: Path):
    _replace(edition_copy / "materials.yaml", "  copies_rule:\n", "  copies_rules:\n")
    with pytest.raises(EditionError) as info:
        load_edition_from("broken", edition_copy.parent)
    message = str(info.value)
    assert "materials.yaml" in message and "materials.copies_rule" in message


def test_misspelt_age_cutoff_key_is_named(edition_copy: Path):
    _replace(edition_copy / "edition.yaml", "  female: 1967-01-01", "  femal: 1967-01-01")
    with pytest.raises(EditionError) as info:
        load_edition_from("broken", edition_copy.parent)
    message = str(info.value)
    assert "edition.yaml" in message and "age_cutoffs.femal" in message


def test_key_defined_in_two_files_is_named(edition_copy: Path):
    (edition_copy / "zz_extra.yaml").write_text("clauses: {scope: x}\n", encoding="utf-8")
    with pytest.raises(EditionError) as info:
        load_edition_from("broken", edition_copy.parent)
    message = str(info.value)
    assert "zz_extra.yaml" in message and "clauses" in message and "edition.yaml" in message


def test_unreadable_yaml_is_named(edition_copy: Path):
    (edition_copy / "edition.yaml").write_text("edition: [unclosed\n", encoding="utf-8")
    with pytest.raises(EditionError) as info:
        load_edition_from("broken", edition_copy.parent)
    assert "edition.yaml" in str(info.value)


def test_unknown_edition_lists_the_available_ones(edition_copy: Path):
    with pytest.raises(EditionError) as info:
        load_edition_from("nowhere-2099", edition_copy.parent)
    assert "nowhere-2099" in str(info.value) and "broken" in str(info.value)
