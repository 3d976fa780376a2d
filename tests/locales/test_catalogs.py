"""Every message the code can produce is translated in both catalogs, with the
same placeholders; and the check really fails when one is not (proved on doctored
copies of the catalogs)."""
from __future__ import annotations

import copy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from locales import LANGUAGES, LOCALES_DIR, catalog_ids, tools

ROOT = LOCALES_DIR.parent


@pytest.fixture(scope="module")
def catalogs():
    return tools.read_catalogs()


@pytest.fixture(scope="module")
def expected(catalogs) -> dict[str, list[tuple[str, int]]]:
    ids, problems = tools.expected_ids(catalogs)
    assert not problems, "\n".join(map(str, problems))
    return ids


def test_every_id_the_code_produces_is_translated_in_both_languages(catalogs) -> None:
    problems = [p for p in tools.check(catalogs) if p.fatal]
    assert not problems, "catalog problems:\n" + "\n".join(map(str, problems))


@pytest.mark.parametrize("msgid", [
    "nav.stale",                                   # a literal Msg("...")
    "bot.description",                             # a literal t("...") in the Telegram adapter
    "mark.pass", "btn.why", "ans.no",              # ids kept in tables and conditionals
    "fmt.list_sep", "fmt.money",                   # used by the renderer and the translator
    "ask.union_member", "why.cadre", "idk.workplace_dibao_line", "fact.marital_status",
    "hint.birth_date", "hint.money",
    "choice.hukou.rural", "choice.marital_status.widowed", "lang.name.en", "cmd.screen",
    "checklist.ask.child_education_hardship",
    "err.money.precision", "err.date.check_digit", "err.size.too_small", "err.choice.too_long",
    "err.fact.money.not_positive",
    "reason.illness.adjusted_income_within_line", "reason.exclusions.operates_vehicles",
    "reason.age.born_before_cutoff", "flip.household_annual_income.above",
    "flip.medical_out_of_pocket.at_least",
])
def test_the_tool_finds_ids_of_every_origin(expected, msgid: str) -> None:
    assert msgid in expected


def test_families_expand_to_what_the_code_can_reach(expected) -> None:
    from rules.edition import load_edition

    ed = load_edition()
    reasons = {i for i in expected if i.startswith("reason.") and i != "reason.line"}
    assert len(reasons) == 29, sorted(reasons)     # 9 rules, their pass and fail details
    assert {i for i in expected if i.startswith("flip.")} == {
        "flip.household_annual_income.at_most", "flip.household_annual_income.above",
        "flip.medical_out_of_pocket.at_least", "flip.disaster_costs.at_least"}
    assert {f"ask.{fact}" for fact in ed.facts} <= set(expected)
    assert "err.money.too_small" not in expected and "err.bool.negative" not in expected
    assert not any(i.startswith("hint.union_member") for i in expected)


def test_placeholders_are_the_same_in_both_languages(catalogs) -> None:
    import string

    def fields(text: str) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    from locales.tools import _plural_variant

    zh, en = (catalog_ids(lang) for lang in LANGUAGES)
    # a plural form a language has of its own ("resume.screen.one" in English; Chinese has none)
    only_zh = sorted(i for i in set(zh) - set(en) if not _plural_variant(i, en))
    only_en = sorted(i for i in set(en) - set(zh) if not _plural_variant(i, zh))
    assert not only_zh and not only_en, f"only zh_CN: {only_zh}; only en: {only_en}"
    different = {i: (fields(zh[i]), fields(en[i])) for i in zh if i in en and fields(zh[i]) != fields(en[i])}
    for variant in set(en) - set(zh):  # a plural form keeps its base's placeholders
        assert fields(en[variant]) == fields(en[variant.rpartition(".")[0]]), variant
    assert not different, different


# ---- the check fails when it should -------------------------------------------------------

def _doctored(catalogs, change):
    out = {lang: copy.deepcopy(c) for lang, c in catalogs.items()}
    change(out)
    return out


def test_a_deliberately_missing_translation_is_reported(catalogs) -> None:
    def change(c):
        c["en"].delete("nav.stale")
        c["zh_CN"]["ask.hukou"].string = ""
        c["en"]["why.cadre"].flags.add("fuzzy")
        c["en"]["progress.left"].string = "(at most {count} questions left)"

    problems = {str(p) for p in tools.check(_doctored(catalogs, change)) if p.fatal}
    assert any(p.startswith("missing [en]: nav.stale") for p in problems), problems
    assert "empty [zh_CN]: ask.hukou" in problems
    assert "fuzzy [en]: why.cadre" in problems
    assert any(p.startswith("placeholders: progress.left") for p in problems), problems
    assert len(problems) == 4, problems


def test_a_missing_member_of_a_family_is_reported(catalogs) -> None:
    problems = tools.check(_doctored(catalogs, lambda c: c["zh_CN"].delete("reason.migrant.rural_no_contract")))
    assert [str(p).split(" (")[0] for p in problems if p.fatal] == ["missing [zh_CN]: reason.migrant.rural_no_contract"]


def test_a_new_family_the_tool_cannot_expand_is_reported(tmp_path: Path, catalogs) -> None:
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "new.py").write_text(
        'from dialogs.types import Msg\n\n'
        'def f(thing, ok):\n'
        '    return [Msg(f"novel.{thing}"), Msg("nav.brand_new"), Msg("ans.yes" if ok else "ans.maybe")]\n',
        encoding="utf-8")
    problems = {str(p).split(" (")[0] for p in tools.check(catalogs, root=tmp_path) if p.fatal}
    assert "family: novel.{thing}" in problems
    assert "missing [zh_CN]: nav.brand_new" in problems and "missing [en]: nav.brand_new" in problems
    assert "missing [en]: ans.maybe" in problems
    assert not any("ans.yesans" in p for p in problems), "babel's joined conditional is not an id"


def _run_tools(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "locales.tools", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)


def test_the_command_line_check_passes_and_fails(tmp_path: Path) -> None:
    ok = _run_tools("check", "--quiet")
    assert ok.returncode == 0, ok.stderr
    assert "ok" in ok.stdout

    for lang in LANGUAGES:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po", target)
    po = tmp_path / "en" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="en")
    catalog.delete("result.eligible")
    with po.open("wb") as fh:
        write_po(fh, catalog)
    bad = _run_tools("check", "--dir", str(tmp_path))
    assert bad.returncode == 1
    assert "missing [en]: result.eligible" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_template_lists_every_id(tmp_path: Path, expected) -> None:
    out = tmp_path / "messages.pot"
    done = _run_tools("extract", "-o", str(out))
    assert done.returncode == 0, done.stderr
    with out.open("rb") as fh:
        template = read_po(fh)
    assert {m.id for m in template if m.id} == set(expected)
    assert all(m.locations for m in template if m.id), "every id says where the code uses it"
    shipped = LOCALES_DIR / "messages.pot"
    if shipped.exists():
        with shipped.open("rb") as fh:
            assert {m.id for m in read_po(fh) if m.id} == set(expected), \
                "locales/messages.pot is stale: run python -m locales.tools extract"
