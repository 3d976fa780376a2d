"""A worker screened eligible whose form says otherwise: the form's incomes make the
household not eligible. The screening re-run cannot decide at once (the screening
stopped before the workplace mattered), so the form asks the screening's own question
for it; with the form's medical costs the result is not eligible, told clause by
clause; the person submits all the same, and the draft is marked for staff to judge
in storage, in the reviewer's notification and in the reviewer's view of the case.
A person who cannot tell the workplace submits a draft marked undecided."""
from __future__ import annotations

import pytest
from form_filler import APPLICANT, RecordingPerson, apply_after_screening
from harness import WORKER, Person, msg, msg_head

from dialogs.render import render
from dialogs.types import reply_from_json
from rules import load_edition

# 12 × (8,000 + 800 + 0 + 0 + 300) + 20,000 = 129,200 a year for 5 people; less 12,000 out of
# pocket: 1,153.33 a month each, above the workplace's 765.00 (二.3(1)), and above 765.00 before it (二.2)
RICH = dict(APPLICANT, own_monthly_income="8000", other_annual_income="20000")
LANGUAGES = ("zh_CN", "en")


async def reviewer_in(assistant, lang: str) -> Person:
    key = "tg:9001"
    async with assistant.db.transaction() as tx:
        await tx.users.get_or_create(key, language=lang)
        await tx.users.grant_role(key, "reviewer")
    return Person(assistant, key)


async def fill_to_figures(person: Person):
    """Screened eligible (a household of 3, 25,200), /apply, the form with the higher incomes,
    up to the confirmed figures."""
    form = await apply_after_screening(person)
    form.applicant = dict(RICH)
    await form.fill_fields()
    await form.add_members()
    await person.press("f:members_done")
    await person.press("f:figures_ok")
    return form


async def reviewer_sees(assistant, reviewer: Person, lang: str) -> tuple[str, str]:
    """(the notification the reviewer was sent, the case as the reviewer opens it)."""
    async with assistant.db.transaction() as tx:
        [note] = await tx.outbox.list_for(reviewer.key)
        [draft] = await tx.drafts.list_for("tg:1001")
    told = render(reply_from_json(note.payload), lang).text
    await reviewer.command("inbox")
    await reviewer.press("stf:list:submitted")
    await reviewer.press(f"stf:open:{draft.reference}")
    return told, reviewer.text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_forms_incomes_make_it_not_eligible_and_it_is_submitted_for_staff(open_assistant, lang):
    assistant = await open_assistant(language=lang)
    reviewer = await reviewer_in(assistant, lang)
    person = RecordingPerson(assistant, "tg:1001")
    form = await fill_to_figures(person)
    # the re-run is undecided: the fact that can change it is asked with the screening's own question
    assert msg("form.screen_changed", lang) in person.text and msg("form.verdict.undecided", lang) in person.text
    assert msg("form.facts_needed", lang) in person.text
    assert person.asks == "fact:workplace" and person.question.text.startswith(msg("ask.workplace", lang))
    assert {"nav:why", "nav:idk", WORKER["workplace"]} <= set(person.buttons)
    await person.press(WORKER["workplace"])
    await form.answer_facts()  # any other fact the screening had not needed (a disaster), from its profile
    assert "fact:medical_out_of_pocket" not in form.asked
    # the illness test's cost is the form's own (每年个人自付医药费): not asked as a screening question
    assert msg("form.verdict.after_form", lang) in person.text and person.asks.startswith("form:"), person.story()
    await form.fill_fields()
    # at the review: not eligible, each clause with its reason, and that staff may still judge it
    review = person.text
    assert msg("form.verdict.not_eligible", lang) in review and msg("form.may_still_submit", lang) in review
    illness = load_edition().clauses["illness"]
    assert any("1,153.33" in line and illness in line for line in review.splitlines()), review
    while "f:next" in person.buttons:
        await person.press("f:next")
    assert msg("form.submit_for_staff", lang) in person.question.text
    await person.press("ok:declare")
    assert msg_head("form.submitted", lang) in person.text and msg("form.recap_not_eligible", lang) in person.text
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    assert draft.status == "submitted"
    assert draft.content["verdict"] == "not_eligible" and draft.content["for_staff_to_judge"] is True
    assert draft.content["screening"]["workplace"] == WORKER["workplace"]
    told, case = await reviewer_sees(assistant, reviewer, lang)
    assert msg("form.recap_not_eligible", lang) in told and msg("form.recap_not_eligible", lang) in case
    await person.command("status")  # the applicant's own list says so too
    assert msg("form.recap_not_eligible", lang) in person.text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_a_fact_the_person_cannot_tell_leaves_it_undecided_for_staff(open_assistant, lang):
    assistant = await open_assistant(language=lang)
    reviewer = await reviewer_in(assistant, lang)
    person = RecordingPerson(assistant, "tg:1001")
    form = await fill_to_figures(person)
    assert person.asks == "fact:workplace"
    await person.press("nav:why")  # the clause, then the same question
    assert person.asks == "fact:workplace"
    await person.say("不知道" if lang == "zh_CN" else "I don't know")
    assert msg_head("form.fact_left_open", lang) in person.text
    await form.answer_facts()
    assert msg("form.verdict.undecided_for_staff", lang) in person.text and person.asks.startswith("form:")
    await form.fill_fields()
    assert person.asks is None and "fact:workplace" not in form.asked  # not asked again
    while "f:next" in person.buttons:
        await person.press("f:next")
    assert msg("form.submit_undecided_for_staff", lang) in person.question.text
    await person.press("ok:declare")
    assert msg("form.recap_undecided", lang) in person.text
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    assert draft.status == "submitted" and draft.content["verdict"] == "undecided"
    assert draft.content["for_staff_to_judge"] is True and draft.content["unknown_facts"] == ["workplace"]
    told, case = await reviewer_sees(assistant, reviewer, lang)
    assert msg("form.recap_undecided", lang) in told and msg("form.recap_undecided", lang) in case
    await person.command("status")
    assert msg("form.recap_undecided", lang) in person.text and msg_head("form.recap_not_eligible", lang) not in person.text


async def test_an_answer_to_an_open_fact_after_the_draft_is_gone_starts_afresh(open_assistant):
    """The draft purged as idle while the conversation stayed (or withdrawn elsewhere):
    the answer to its open fact is no error; the person is where /apply puts them."""
    assistant = await open_assistant(language="zh_CN")
    person = RecordingPerson(assistant, "tg:1001")
    await fill_to_figures(person)
    assert person.asks == "fact:workplace"
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
        await tx.privacy.erase_draft(draft.reference)
    await person.say("国有企业")
    assert msg("bot.apology") not in person.text and person.asks.startswith("form:"), person.story()
