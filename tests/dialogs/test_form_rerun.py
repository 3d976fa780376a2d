"""The form's yearly out-of-pocket medical costs (每年个人自付医药费) reach the screening
when it is re-run from the form: the illness test's cost."""
from __future__ import annotations

from decimal import Decimal

from form_filler import APPLICANT, RecordingPerson, apply_after_screening, finish_and_submit
from harness import WORKER, msg_head


async def test_the_forms_out_of_pocket_costs_reach_the_rerun_screening(assistant):
    person = RecordingPerson(assistant, "tg:1001")
    form = await apply_after_screening(person)
    await finish_and_submit(form)                             # the medical section: 12,000 out of pocket
    assert msg_head("form.submitted") in person.text
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    assert "medical_out_of_pocket" not in WORKER or WORKER["medical_out_of_pocket"] != APPLICANT["annual_out_of_pocket"]
    assert Decimal(draft.content["screening"]["medical_out_of_pocket"]) == Decimal(APPLICANT["annual_out_of_pocket"])
