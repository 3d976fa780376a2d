"""What the result says and how it behaves (issue: never a wrong answer...): the age
refusal names the cut-off that applied and gives no income advice, "filed as" only for
a household that qualifies, what happens after applying, /why on a result, typed text
that leaves the result's buttons working, the summary's way back, lower-case reasons in
English, numbered diseases, plural forms, and the positive vehicles question."""
from __future__ import annotations

import pytest
from harness import WORKER, Person, msg, msg_head

from locales import translator
from rules import load_edition

ED = load_edition()
# born 1964: within the cut-off for women cadres (1962), not for other women (1967)
WOMAN_1964 = WORKER | {"birth_date": "1964-03-01", "sex": "female", "cadre": False}


async def test_an_age_refusal_names_the_cut_off_that_applied_and_gives_no_income_advice(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WOMAN_1964)
    text = person.text
    assert msg("result.not_eligible") in text
    applied = translator("zh_CN")("age.cutoff.female", cutoff=ED.age_cutoffs.female)
    assert applied in text, text
    assert translator("zh_CN").short_date(ED.age_cutoffs.male) not in text, "only the cut-off that applied"
    assert msg("next.not_eligible") not in text and msg("next.not_eligible_final") in text
    assert msg_head("result.worker_type") not in text, "no 'filed as' for a household that does not qualify"


async def test_an_income_refusal_keeps_the_what_if_advice(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER | {"household_annual_income": "60000"})
    assert msg("result.not_eligible") in person.text and msg("next.not_eligible") in person.text


async def test_an_eligible_result_says_what_happens_after_applying(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text
    assert msg("next.after_applying", days=5, entry=30) in person.text
    assert msg_head("result.worker_type") in person.text


async def test_why_on_a_result_explains_its_basis_and_the_buttons_stay(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER)
    buttons = person.buttons
    await person.command("why")
    assert msg("why.result") in person.text and msg("nav.unknown_command") not in person.text
    assert "6号 一" in person.text
    await person.say("hello")                           # typed text on a result
    assert msg("err.pick_a_button") in person.text
    assert person.buttons == buttons
    await person.press("nav:summary")                   # the result's own button still works
    assert msg("summary.title") in person.text


async def test_the_summary_after_a_result_leads_back_to_it_and_back_undoes_nothing(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER)
    before = await person.answers()
    await person.command("change")
    assert "nav:result" in person.buttons
    await person.command("back")
    assert msg("result.eligible") in person.text and await person.answers() == before
    await person.command("change")
    await person.press("nav:result")
    assert msg("result.eligible") in person.text and await person.answers() == before


async def test_english_reasons_read_as_one_sentence(open_assistant) -> None:
    person = Person(await open_assistant(language="en"), "tg:3003")
    await person.command("screen")
    await person.answer_until(WORKER)
    assert "with: a listed major illness in the family" in person.text, person.text


async def test_the_diseases_are_numbered_and_the_paralysis_rule_follows(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="major_illness")
    lines = person.question.text.splitlines()
    for n, disease in enumerate(ED.major_diseases.items, 1):
        assert f"{n}. {disease.zh_CN}" in lines
    assert f"17. " not in person.question.text
    assert msg("ask.disease_paralysis_note", name=ED.major_diseases.paralysis.zh_CN) in lines


@pytest.mark.parametrize(("n", "text"), [(1, "You have answered 1 question;"), (2, "You have answered 2 questions;")])
async def test_plural_forms_come_from_the_language(open_assistant, n: int, text: str) -> None:
    person = Person(await open_assistant(language="en"), "tg:3004")
    await person.command("screen")
    await person.one_by_one()
    for value in (True, True)[:n]:
        await person.answer(value)
    await person.command("start")
    assert text in person.text


def test_the_vehicles_question_is_asked_positively() -> None:
    assert "不是受雇佣、而是" not in msg("ask.operates_vehicles")
    assert "other than as an employee" not in msg("ask.operates_vehicles", "en")
