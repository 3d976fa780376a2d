"""A registration form left unfinished gets one gentle reminder, 7 days (edition data)
after it was last touched: moved by every touch, withdrawn once the form is submitted."""
from __future__ import annotations

from form_filler import RecordingPerson, apply_after_screening, finish_and_submit
from harness import msg_head


async def nudges(assistant, reference: str) -> list[tuple]:
    async with assistant.db.transaction() as tx:
        return [(r.kind, r.recipient, r.state, r.deadline_date)
                for r in await tx.reminders.of_subject(f"draft:{reference}:unfinished")]


async def test_an_unfinished_form_gets_one_nudge_which_submission_withdraws(assistant):
    person = RecordingPerson(assistant, "tg:1001")
    form = await apply_after_screening(person)
    await form.fill_fields()                                   # part of the form, then the person stops
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    planned = await nudges(assistant, draft.reference)
    assert [(k, r, s) for k, r, s, _ in planned] == [("draft_unfinished", person.key, "planned")]
    touched = assistant.db.clock().date()                      # the clock the reminders run on
    assert (planned[0][3] - touched).days == 7                 # edition: unfinished_draft_nudge_days
    await finish_and_submit(form)
    assert msg_head("form.submitted") in person.text
    assert [s for _, _, s, _ in await nudges(assistant, draft.reference)] == ["withdrawn"]
