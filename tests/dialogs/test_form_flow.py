"""The registration form as a conversation: consent, prefill from the screening, every
section, a household of four (one member edited, one removed), the derived figures,
the screening re-run on a contradiction, the review, the declaration and the submission."""
from __future__ import annotations

from decimal import Decimal

import pytest
from form_filler import APPLICANT, APPLICANT_ID, CARD, DAUGHTER, MOTHER, SON, WIFE, FormFiller, RecordingPerson
from harness import WORKER, Person, msg, msg_head

from storage import user_key


async def screened(person: Person, **changes) -> None:
    await person.command("screen")
    await person.answer_until(WORKER | changes)


async def make_reviewer(assistant, key: str = "tg:9001") -> str:
    async with assistant.db.transaction() as tx:
        await tx.users.get_or_create(key, language="zh_CN")
        await tx.users.grant_role(key, "reviewer")
    return key


async def start_form(person: Person) -> FormFiller:
    await person.command("apply")
    assert person.question.text.startswith(msg_head("consent.text.form")), person.story()
    await person.press("ok:yes")
    assert msg("consent.form_given") in person.text
    return FormFiller(person, dict(APPLICANT), [dict(WIFE), dict(SON), dict(DAUGHTER), dict(MOTHER)])


@pytest.fixture
def person(assistant) -> RecordingPerson:
    return RecordingPerson(assistant, "tg:1001")


async def test_a_household_of_four_fills_reviews_and_submits(assistant, person):
    reviewer = await make_reviewer(assistant)
    await screened(person)
    form = await start_form(person)
    assert msg_head("form.intro") in person.text and msg("form.prefilled") in person.text
    await form.fill_fields()
    # prefilled from the screening: never asked
    assert not {"hukou", "hardship_category", "worker_type", "sex", "birth_date"} & set(form.asked)
    # the ID was echoed masked and its message flagged for deletion
    id_reply = next(r for r in assistant_replies(person) if "3601**********" in r.text)
    assert APPLICANT_ID not in said(person) and id_reply.delete_input
    # the members: four added, the son's income edited, the mother removed
    assert person.question.text.startswith(msg_head("form.members_title"))
    await form.add_members()
    assert "f:edit:3" in person.buttons
    await person.press("f:edit:1")
    await person.press("chg:members.1.monthly_income")
    assert person.asks == "form:members.1.monthly_income"
    await person.say("200")
    await person.press("f:remove:3")
    assert msg("form.member_removed", name="王五") in person.text
    await person.press("f:members_done")
    # the figures, computed: 12 × (1500 + 800 + 200 + 0) + 1200 = 31,200 for 4 people: 650.00 a month each
    figures = person.question.text
    assert "4" in figures and "31,200.00" in figures and "650.00" in figures, figures
    await person.press("f:figures_ok")
    # the screening said 3 people and 25,200: re-run with the form's facts
    assert msg("form.screen_changed") in person.text and msg("form.verdict.eligible") in person.text
    await form.fill_fields()
    # the medical section was asked (an illness cause), the bank card echoed as its last 4
    assert "annual_medical_costs" in form.asked and "disability_category" not in form.asked
    assert msg("form.card_last4", last4=CARD[-4:]) in said(person) and CARD not in said(person)
    # the review, section by section, then the declaration
    assert msg("form.review_intro", ref="X").split("X")[0] in person.text
    while "f:next" in person.buttons:
        await person.press("f:next")
    assert msg("form.declaration") in person.question.text, person.story()
    await person.press("ok:declare")
    assert msg_head("form.submitted") in person.text and "650.00" in person.text and "3601" in person.text
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
        outbox = await tx.outbox.list_for(reviewer)
        audit = await tx.audit.list_for(f"draft:{draft.reference}")
    assert draft.status == "submitted" and draft.category == "marginal" and draft.submitted_by == person.key
    members = draft.content["form"]["members"]
    assert [m["name"] for m in members] == ["李四", "张小", "张二"] and Decimal(members[1]["monthly_income"]) == 200
    assert [(a.before, a.after) for a in audit] == [("draft", "submitted")]
    [note] = outbox
    text = str(note.payload)
    assert draft.reference in text and APPLICANT_ID not in text and "3601**********" in text


def assistant_replies(person):
    return person.all_replies


def said(person) -> str:
    """Everything the assistant said to the person so far."""
    return "\n".join(r.text for r in person.all_replies)
