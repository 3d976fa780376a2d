"""The form's records: consent refused, a clerk filling for a worker, resuming after a
restart, a returned draft corrected and resubmitted, withdrawal, the person's own copy
(DOCX and PDF with every value), and no ID or bank number in clear in the database."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from form_filler import APPLICANT, APPLICANT_ID, CARD, SON, WIFE, FormFiller, RecordingPerson
from harness import WORKER, msg, msg_head
from test_form_flow import make_reviewer, screened, start_form

from rules import lifecycle

sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))
from doc_readers import docx_text, pdf_text  # noqa: E402


@pytest.fixture
def person(assistant) -> RecordingPerson:
    return RecordingPerson(assistant, "tg:1001")


async def fill_all(person, members=(WIFE, SON)) -> FormFiller:
    await screened(person)
    form = await start_form(person)
    form.members = [dict(m) for m in members]
    await form.fill_fields()
    await form.add_members()
    await person.press("f:members_done")
    await person.press("f:figures_ok")
    await form.fill_fields()
    while "f:next" in person.buttons:
        await person.press("f:next")
    return form


async def test_consent_refused_no_sensitive_question_and_no_form(assistant, person):
    await screened(person)
    await person.command("apply")
    await person.press("ok:no")
    assert msg_head("consent.form_refused") in person.text
    assert person.asks is None and not (person.question and person.question.asks)
    async with assistant.db.transaction() as tx:
        consent = await tx.consents.latest(person.key, "form")
        assert consent.given is False and consent.version
        assert await tx.drafts.list_for(person.key) == []
    await person.command("apply")  # asked again, never a field
    assert person.question.text.startswith(msg_head("consent.text.form"))


async def test_submitted_form_copy_has_every_value_and_the_file_has_no_number_in_clear(assistant, person, db_path):
    await make_reviewer(assistant)
    await fill_all(person, members=({**WIFE, "monthly_income": "3000"}, SON))
    # 12 × (1500 + 3000 + 0) + 1200 = 55,200 for 3: 1,533.33 a month each; the screening said 25,200
    said = "\n".join(r.text for r in person.all_replies)
    assert msg("form.screen_changed") in said and "25,200.00 元 → 55,200.00 元" in said  # re-run, said so
    await person.press("ok:declare")
    await person.command("mydraft")
    docx, pdf = [r.document for r in person.replies if r.document]
    assert docx[0].endswith(".docx") and pdf[0].endswith(".pdf")
    for text in (docx_text(docx[1]), pdf_text(pdf[1])):
        for value in ("张三", "汉族", APPLICANT_ID, "南昌市东湖区某路1号", "13800138000", "某中学", "李四", "张小",
                      "本人患尿毒症", "中国工商银行", CARD[-4:], "1500.00", "1200.00", "55200.00", "1533.33"):
            assert value in text.replace(" ", ""), value
        assert CARD not in text  # the applicant's copy: last 4 digits only
    await assistant.db.close()
    raw = b"".join(p.read_bytes() for p in db_path.parent.iterdir())
    for number in (APPLICANT_ID, WIFE["id_number"], CARD):
        assert number.encode() not in raw


async def test_a_returned_draft_goes_straight_to_the_flagged_fields(assistant, person):
    await fill_all(person)
    await person.press("ok:declare")
    async with assistant.db.transaction() as tx:  # staff return it (the staff desk is the next issue)
        [stored] = await tx.drafts.list_for(person.key)
        lifecycle.check(stored.status, "returned", "reviewer")
        content = stored.content | {"reopen_fields": ["mobile"], "comment": "手机号码打不通"}
        await tx.drafts.save(stored.model_copy(update={"status": "returned", "content": content}))
    await person.command("status")
    assert msg("draft.status.returned") in person.text and "手机号码打不通" in person.text
    await person.press(f"f:open:{stored.reference}")
    assert person.asks == "form:mobile" and "手机号码打不通" in person.text
    await person.say("13900139000")
    while "f:next" in person.buttons:
        await person.press("f:next")
    await person.press("ok:declare")
    async with assistant.db.transaction() as tx:
        again = await tx.drafts.get(stored.reference)
        audit = await tx.audit.list_for(f"draft:{stored.reference}")
    assert again.status == "submitted" and again.content["form"]["mobile"] == "13900139000"
    assert [a.after for a in audit] == ["submitted", "submitted"]


async def test_withdraw_and_a_transition_outside_the_life_cycle(assistant, person):
    await fill_all(person)
    await person.press("ok:declare")
    await person.command("status")
    ref = next(v for v in person.buttons if v.startswith("f:withdraw:"))[len("f:withdraw:"):]
    await person.press(f"f:withdraw:{ref}")
    await person.press("ok:yes")
    assert msg("draft.withdrawn", ref=ref) in person.text
    await person.command("status")
    assert not [v for v in person.buttons if v.startswith("f:withdraw:")]
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.check("withdrawn", "submitted", "applicant")
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.check("draft", "approved", "applicant")


async def test_a_form_resumes_where_it_was_after_a_restart(open_assistant, db_path):
    first = RecordingPerson(await open_assistant(), "tg:1001")
    await screened(first)
    form = await start_form(first)
    await form.fill_fields(stop="mobile")
    await first.assistant.db.close()  # the process ends mid-form
    again = RecordingPerson(await open_assistant(), "tg:1001")
    await again.command("apply")
    assert msg("form.resumed", ref="X").split("X")[0] in again.text and again.asks == "form:mobile"


async def test_a_clerk_fills_a_form_for_a_worker(assistant):
    clerk = RecordingPerson(assistant, "tg:5005")
    async with assistant.db.transaction() as tx:
        await tx.users.get_or_create(clerk.key, language="zh_CN")
        await tx.users.grant_role(clerk.key, "clerk")
    await screened(clerk)  # the clerk screens the worker's facts
    await clerk.command("apply")
    await clerk.press("f:worker")
    assert clerk.question.text.startswith(msg_head("consent.text.clerk"))
    await clerk.press("ok:yes")
    form = FormFiller(clerk, dict(APPLICANT), [dict(WIFE), dict(SON)])
    await form.fill_fields()
    await form.add_members()
    await clerk.press("f:members_done")
    await clerk.press("f:figures_ok")
    await form.fill_fields()
    while "f:next" in clerk.buttons:
        await clerk.press("f:next")
    await clerk.press("ok:declare")
    assert msg("form.recap_on_behalf") in clerk.text
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(clerk.key)
        consent = await tx.consents.latest(f"draft:{draft.reference}", "form")
    assert draft.applicant_key is None and draft.created_by == clerk.key and draft.on_behalf
    assert consent.given and consent.recorded_by == clerk.key
    await clerk.command("status")
    assert draft.reference in clerk.text and "张三" in clerk.text
