"""A union clerk asks for the materials list without a screening: /materials, the
category, the worker type, then the conditions that change the list (answered or
skipped). The list shown is ``rules.checklist`` for the same picks, in both
languages, and ends with the rule on copies."""
from __future__ import annotations

from typing import Any

import pytest
from harness import WORKER, Person, assert_checklist, msg

from rules import checklist, load_edition, read_facts

ED = load_edition()
CATEGORIES = ED.category_order
WORKER_TYPES = list(ED.worker_types)
CONDITIONS = ("marital_status", "major_illness", "disaster", "child_education_hardship", "spouse_other_unit")
PICKS = {"marital_status": "divorced", "major_illness": True, "disaster": False,
         "child_education_hardship": True, "spouse_other_unit": True}


def condition_asked(p: Person, lang: str) -> str | None:
    """The condition the open checklist question asks (None once the list is shown)."""
    for fact in CONDITIONS:
        if p.question and msg(f"checklist.ask.{fact}", lang) in p.question.text:
            return fact
    return None


async def pick(p: Person, category: str, worker_type: str, lang: str,
               answers: dict[str, Any] | None, typed: bool = False) -> tuple[dict[str, Any], list[str]]:
    """Runs the clerk's flow; ``answers=None`` skips every condition. Returns the
    conditions answered and the ones asked, in order."""
    await p.command("materials")
    assert msg("checklist.ask_category", lang) in p.text
    assert p.buttons == [f"cat:{c}" for c in CATEGORIES]
    await p.press(f"cat:{category}")
    assert msg("checklist.ask_worker_type", lang) in p.text
    assert dict(p.question.choices)[f"wt:{worker_type}"] == ED.worker_types[worker_type].get(lang)
    await p.press(f"wt:{worker_type}")
    given, asked = {}, []
    while (fact := condition_asked(p, lang)) is not None:
        assert fact not in asked, f"{fact} asked twice"
        asked.append(fact)
        assert "skip" in p.buttons
        if answers is None or fact not in answers:
            await p.press("skip")
            continue
        value = answers[fact]
        if isinstance(value, bool):
            if typed:
                await p.say(msg("ans.yes" if value else "ans.no", lang))
            else:
                await p.press("yes" if value else "no")
        else:
            await p.press(value)
        given[fact] = value
    return given, asked


def needed_conditions(category: str, worker_type: str, given: dict[str, Any]) -> set[str]:
    """The facts the list's conditional items depend on (from the edition data), those
    that apply given the picks (the spouse's unit only for a married applicant)."""
    spec = ED.materials.lists["migrant_worker" if worker_type == "migrant_worker" else category]
    facts = set()
    for entry in spec.items:
        for alt in entry.when or []:
            if "primary" in alt and category not in alt["primary"]:
                continue
            facts |= {f for f in alt if f != "primary"}
    return {f for f in facts
            if all(given.get(k) == v for k, v in (ED.facts[f].applies_when or {}).items())}


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("worker_type", WORKER_TYPES)
@pytest.mark.parametrize("category", CATEGORIES)
async def test_the_list_is_the_rules_list_for_the_same_picks(open_assistant, category: str,
                                                             worker_type: str, lang: str) -> None:
    clerk = Person(await open_assistant(language=lang), "tg:5005")
    given, asked = await pick(clerk, category, worker_type, lang, PICKS, typed=lang == "en")
    assert set(asked) == needed_conditions(category, worker_type, given), "asks only what changes the list"
    expected = checklist(read_facts(given), category, worker_type, ED)
    items = assert_checklist(clerk.text, expected, lang, f"{category}/{worker_type}")
    proof = ED.materials.items["marital_proof"].get(lang)
    assert any(proof in line for line in items), "a divorced applicant brings the proof"
    assert msg("checklist.done", lang) in clerk.text
    assert clerk.buttons == ["menu:materials", "menu:screen"]


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("worker_type", WORKER_TYPES)
@pytest.mark.parametrize("category", CATEGORIES)
async def test_skipping_leaves_the_items_conditional(open_assistant, category: str, worker_type: str,
                                                    lang: str) -> None:
    clerk = Person(await open_assistant(language=lang), "tg:5005")
    given, asked = await pick(clerk, category, worker_type, lang, None)
    assert given == {} and set(asked) == needed_conditions(category, worker_type, given)
    expected = checklist(read_facts({}), category, worker_type, ED)
    assert any(i.status == "conditional" for i in expected.items)
    items = assert_checklist(clerk.text, expected, lang, f"{category}/{worker_type} skipped")
    marital = ED.materials.items["marital_proof"]
    line = next(line for line in items if marital.get(lang) in line)
    assert marital.if_.get(lang) in line, "the proof is marked: only if divorced or widowed"


@pytest.mark.parametrize(("status", "has_proof"), [("divorced", True), ("widowed", True),
                                                   ("married", False), ("unmarried", False)])
async def test_marital_status_decides_the_proof(person: Person, status: str, has_proof: bool) -> None:
    given, _ = await pick(person, "illness", "worker", "zh_CN", {"marital_status": status, "spouse_other_unit": False})
    expected = checklist(read_facts(given), "illness", "worker", ED)
    items = assert_checklist(person.text, expected, "zh_CN")
    proof = ED.materials.items["marital_proof"].zh_CN
    assert any(proof in line for line in items) is has_proof
    assert not any("【" in line for line in items), "every condition was answered"


async def test_a_typed_marital_status_and_a_wrong_answer(person: Person) -> None:
    await person.command("materials")
    await person.press("cat:dibao")
    await person.press("wt:worker")
    assert condition_asked(person, "zh_CN") == "marital_status"
    seq = person.question.seq
    await person.say("不告诉你")
    assert msg("err.pick_a_button") in person.text
    assert condition_asked(person, "zh_CN") == "marital_status" and person.question.seq == seq
    await person.say("丧偶")
    assert condition_asked(person, "zh_CN") == "major_illness"
    await person.say("否")
    expected = checklist(read_facts({"marital_status": "widowed", "major_illness": False}), "dibao",
                         "worker", ED)
    assert_checklist(person.text, expected, "zh_CN")


async def test_typing_instead_of_picking_the_category_re_asks(person: Person) -> None:
    await person.command("materials")
    seq = person.question.seq
    await person.say("低保")
    assert msg("err.pick_a_button") in person.text and msg("checklist.ask_category") in person.text
    assert person.question.seq == seq
    await person.press("cat:marginal")
    await person.press("wt:nobody")                  # forged
    assert person.replies[0].stale
    await person.press("wt:worker")
    assert condition_asked(person, "zh_CN") is not None


async def test_another_checklist_and_back_to_screening(person: Person) -> None:
    await pick(person, "disaster", "worker", "zh_CN", None)
    await person.press("menu:materials")
    assert msg("checklist.ask_category") in person.text
    await person.press("cat:dibao")
    await person.press("wt:migrant_worker")
    given, _ = await pick(person, "dibao", "migrant_worker", "zh_CN", PICKS)
    assert given["marital_status"] == "divorced"
    assert_checklist(person.text, checklist(read_facts(given), "dibao", "migrant_worker", ED), "zh_CN")
    await person.press("menu:screen")
    assert person.asks == "group:scope"


async def test_resume_in_the_middle_of_a_checklist(open_assistant) -> None:
    clerk = Person(await open_assistant(), "tg:5005")
    await clerk.command("materials")
    await clerk.press("cat:illness")
    await clerk.assistant.db.close()
    again = Person(await open_assistant(), "tg:5005")
    await again.command("start")
    assert msg("checklist.ask_worker_type") in again.text
    await again.press("wt:worker")
    await again.press("divorced")
    assert_checklist(again.text, checklist(read_facts({"marital_status": "divorced"}), "illness",
                                           "worker", ED), "zh_CN")


async def test_other_categories_materials_after_a_screening(person: Person) -> None:
    """30,000 a year for 3 is above 765 a month (低保边缘户 fails), but less 3,000 of
    medical costs it is within (因病 passes); then a 低保证 turns up: primary 低保户,
    and the result offers the 因病 list too."""
    await person.command("screen")
    await person.answer_until(WORKER | {"household_annual_income": "30000"})
    assert msg("result.primary", category=ED.category_names["illness"].zh_CN) in person.text
    await person.command("change")
    await person.press("chg:dibao_certificate")
    await person.press("yes")
    assert msg("result.primary", category=ED.category_names["dibao"].zh_CN) in person.text
    answers = await person.answers()
    assert_checklist(person.text, checklist(read_facts(answers), "dibao", None, ED), "zh_CN")
    assert "mat:illness" in person.buttons
    await person.press("mat:illness")
    assert_checklist(person.text, checklist(read_facts(answers), "illness", None, ED), "zh_CN")
