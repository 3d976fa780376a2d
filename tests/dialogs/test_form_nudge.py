"""A registration form left unfinished gets one gentle reminder, 7 days (edition data)
after it was last touched: moved by every touch, withdrawn once the form is submitted."""
from __future__ import annotations

from form_filler import APPLICANT, DAUGHTER, MOTHER, SON, WIFE, FormFiller, RecordingPerson
from harness import WORKER, msg_head


async def nudges(assistant, reference: str) -> list[tuple]:
    async with assistant.db.transaction() as tx:
        return [(r.kind, r.recipient, r.state, r.deadline_date)
                for r in await tx.reminders.of_subject(f"draft:{reference}:unfinished")]


async def test_an_unfinished_form_gets_one_nudge_which_submission_withdraws(assistant):
    person = RecordingPerson(assistant, "tg:1001")
    await person.command("screen")
    await person.answer_until(WORKER)
    await person.command("apply")
    await person.press("ok:yes")
    form = FormFiller(person, dict(APPLICANT), [dict(WIFE), dict(SON), dict(DAUGHTER), dict(MOTHER)])
    await form.fill_fields()                                   # part of the form, then the person stops
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    planned = await nudges(assistant, draft.reference)
    assert [(k, r, s) for k, r, s, _ in planned] == [("draft_unfinished", person.key, "planned")]
    touched = assistant.db.clock().date()                      # the clock the reminders run on
    assert (planned[0][3] - touched).days == 7                 # edition: unfinished_draft_nudge_days
    await form.add_members()
    await person.press("f:members_done")
    await person.press("f:figures_ok")
    await form.fill_fields()
    while "f:next" in person.buttons:
        await person.press("f:next")
    await person.press("ok:declare")
    assert msg_head("form.submitted") in person.text
    assert [s for _, _, s, _ in await nudges(assistant, draft.reference)] == ["withdrawn"]
