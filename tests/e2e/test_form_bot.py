"""The registration form through the real ``python -m bot`` process over HTTP against
the fake Bot API server: a worker screens, /apply, agrees, fills the whole form by
messages and button presses (a household of four, one member edited, one removed),
reviews (a higher income changed there: the re-run asks the workplace with the check's
own question and says not eligible, with why), declares and submits all the same. The
reviewer gets the masked summary, marked not eligible for staff to judge; every message
that held an ID or bank number was deleted (and the bot said so); /mydraft sends the
DOCX and the PDF; neither the log nor any bot message holds a full number, and the log
holds no illness the form named and not the token. Killed
(SIGKILL) in the middle of the members, the restarted bot continues at the same field."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from dialogs import form_fields as ff
from storage import Database, DataCipher

from .bot_runner import DATA_KEY, BotProcess
from .fake_telegram import FakeUser, Message
from .form_user import APPLICANT_ID, CARD, ED, MEMBERS, NUMBERS, FormUser, field_asked, labels, say
from .profiles import WORKER
from .screening_user import ScriptedUser, body, settle

sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))
from doc_readers import docx_text, pdf_text  # noqa: E402

pytestmark = [pytest.mark.e2e]
WORKER_ID, REVIEWER_ID = 7001, 7900
MASKED_ID = APPLICANT_ID[:4] + "*" * 10 + APPLICANT_ID[-4:]


async def grant_reviewer(tmp_path: Path, user_id: int) -> None:
    """A reviewer in the database before the bot starts (the key the bot will use)."""
    cipher = DataCipher.from_settings(DATA_KEY, tmp_path / "bot.key")
    async with await Database.open(tmp_path / "bot.sqlite3", cipher) as db:
        async with db.transaction() as tx:
            key = f"tg:{user_id}"
            await tx.users.get_or_create(key, language="zh_CN")
            await tx.users.grant_role(key, "reviewer")


async def screened_and_applied(tg, user: FakeUser) -> tuple[FormUser, Message]:
    """The screening answered, /apply, the consent agreed: the form's first question."""
    screening = ScriptedUser(user, "zh_CN", dict(WORKER))
    await screening.start()
    await screening.finish()
    await settle(tg, quiet=0.3)
    user.skip_all()
    form = FormUser(user)
    await user.send("/apply")
    consent = await form.prompt()
    assert say("btn.consent_agree") in labels(consent), consent.text
    first = await form.press(consent, say("btn.consent_agree"))
    told = [n.text for n in form.notes] + [first.text]  # a note goes into the question after it
    assert any(say("consent.form_given") in text for text in told), told
    return form, first


async def test_a_household_of_four_over_telegram(fake_telegram, tmp_path):
    tg = fake_telegram
    await grant_reviewer(tmp_path, REVIEWER_ID)
    reviewer = tg.user(REVIEWER_ID, "Rev", language_code="zh-hans")
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        user = tg.user(WORKER_ID, "Zhang", language_code="zh-hans")
        form, msg = await screened_and_applied(tg, user)
        msg = await form.fill_fields(msg)
        assert not {"hukou", "hardship_category", "worker_type", "sex", "birth_date"} & set(form.asked)
        assert body(msg).startswith(say("form.members_title", n=0)), msg.text
        msg = await form.add_members(msg)
        # the son's income changed, the mother removed
        msg = await form.press(msg, say("btn.member_edit", n=2, name="张小"))
        msg = await form.press(msg, say("btn.change_field", field=ff.label("members.1.monthly_income")))
        assert field_asked(msg) == "members.1.monthly_income", msg.text
        msg = await form.type("200")
        msg = await form.press(msg, say("btn.member_remove", n=4, name="王五"))
        assert say("form.member_removed", name="王五") in msg.text
        msg = await form.press(msg, say("btn.members_done"))
        assert "31,200.00" in msg.text and "650.00" in msg.text, msg.text
        msg = await form.press(msg, say("btn.figures_ok"))
        msg = await form.fill_fields(msg)
        # the attachments question said which materials of the category were still missing
        head = say("form.attachments_missing", category="\0").split("\0")[0]
        assert any(body(m).find(head) > 0 for m in user.messages if m.text), "no missing materials shown"
        # at the review, a higher income: the re-run asks the check's own question for the workplace, then
        # says not eligible with its reasons; the form is submitted all the same, marked for staff to judge
        change = say("btn.change_field", field=ff.label("own_monthly_income"))
        while change not in labels(msg):
            msg = await form.press(msg, say("btn.review_next"))
        await form.press(msg, change)
        msg = await form.type("8000")
        notes = len(form.notes)
        msg = await form.press(msg, say("btn.figures_ok"))
        assert say("ask.workplace") in msg.text, msg.text
        msg = await form.press(msg, ED.localities.items[WORKER["workplace"]].name.zh_CN)
        while say("ask.disaster") in msg.text:  # a fact the screening had not needed
            msg = await form.press(msg, say("ans.no"))
        # the verdict is joined to the review's first message (replies that ask nothing go with the next one)
        told = "\n".join([n.text for n in form.notes[notes:]] + [msg.text])
        assert say("form.verdict.not_eligible") in told and say("form.may_still_submit") in told, told
        # the review, section by section, then the declaration and the submission
        while say("btn.review_next") in labels(msg):
            msg = await form.press(msg, say("btn.review_next"))
        msg = await form.press(msg, say("btn.review_submit"))
        assert say("form.declaration") in msg.text and say("form.submit_for_staff") in msg.text, msg.text
        await user.press(msg, say("btn.declare_submit"))
        submitted = await user.next_message()
        head, tail = say("form.submitted", ref="\0").split("\0")
        assert body(submitted).startswith(head), submitted.text
        ref = body(submitted)[len(head):].split(tail[:1] or "\n")[0]
        assert ref and ref in say("form.submitted", ref=ref), submitted.text
        await settle(tg, quiet=0.5)

        # the reviewer's masked summary
        note = "\n".join(m.text for m in reviewer.messages)
        assert ref in note and MASKED_ID in note and APPLICANT_ID not in note, note
        assert say("form.recap_not_eligible") in note, note
        # every message with an ID or bank number deleted, and the bot said so
        numbers = [m for m in user.sent if (m.text or "").replace(" ", "") in NUMBERS]
        assert len(numbers) == len(NUMBERS) and all(m.deleted for m in numbers)
        assert len(tg.calls_of("deleteMessage", applied=True)) >= len(NUMBERS)
        assert sum(say("form.input_deleted") in m.text for m in user.messages if m.text) >= len(NUMBERS)

        # /mydraft: the DOCX and the PDF, with the name and the masked card
        before = len(user.messages)
        await user.send("/mydraft")
        await tg.wait_for(lambda: sum(m.document is not None for m in user.messages[before:]) >= 2, 20,
                          "the form's DOCX and PDF")
        docs = {m.document.filename.rsplit(".", 1)[-1]: m.document.data for m in user.messages[before:] if m.document}
        masked_card = "*" * (len(CARD) - 4) + CARD[-4:]
        for text in (docx_text(docs["docx"]), pdf_text(docs["pdf"])):
            assert "张三" in text and masked_card in text.replace(" ", "") and CARD not in text
        await settle(tg, quiet=0.3)

        # no full number in anything the bot said or logged; no illness and no token in the log
        said = "\n".join((m.raw or "") + (m.text or "") for chat in tg.state.bot_messages.values() for m in chat)
        log = bot.stderr()
        assert log.strip(), "the bot logged nothing: the scan would prove nothing"
        for number in NUMBERS:
            assert number not in said and number not in log
        for secret in (tg.token, tg.token.split(":")[1], "尿毒症", "高血压", "hypertension"):  # the form's illnesses
            assert secret not in log, secret
    finally:
        await bot.close()


async def test_killed_in_the_members_resumes_at_the_same_field(fake_telegram, tmp_path):
    tg = fake_telegram
    bot = BotProcess(tg, tmp_path)
    try:
        await bot.start()
        user = tg.user(WORKER_ID, "Zhang", language_code="zh-hans")
        form, msg = await screened_and_applied(tg, user)
        msg = await form.fill_fields(msg)
        msg = await form.add_members(msg, range(1))
        msg = await form.press(msg, say("btn.member_add"))
        # the second member: name and relation answered, then the process is killed
        for _ in range(2):
            path = field_asked(msg)
            msg = await form.answer(msg, path, form.value(path))
        asked = field_asked(msg)
        assert asked == "members.1.id_number", msg.text
        await settle(tg, quiet=0.3)
        await bot.kill()

        await bot.start()
        user.skip_all()
        await user.send("/apply")
        again = await form.prompt()
        assert field_asked(again) == asked, again.text
        told = [n.text for n in form.notes[-2:]] + [again.text]  # a note goes into the question after it
        assert any(say("form.resumed", ref="X").split("X")[0] in text for text in told), told
        # the answers kept: the rest of the members and the form fill on to the review
        msg = await form.fill_fields(again)
        msg = await form.add_members(msg, range(2, len(MEMBERS)))
        assert all(f"{m['name']}" in msg.text for m in MEMBERS), msg.text
    finally:
        await bot.close()
