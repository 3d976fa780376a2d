"""The staff desk over HTTP: the bot (``serve``) against the fake Bot API server, with an
admin, a reviewer and a clerk who join through invite links, and one applicant whose
submitted draft is seeded into the database as the form flow stores it.

A draft's life: returned with a reopened field, corrected and resubmitted by the
applicant (back to the same reviewer), home visit, collective decision as a relief
target, the notice across the 2016 National Day holiday (2016-09-29 to 2016-10-10, as
DOCX and PDF with no ID number), filing with its entry deadline, entry, the contact
card, help given, the statistics table, the records export with its progress. A clerk's and an applicant's presses and a
stale press change nothing; the case is sent with protect_content."""
from __future__ import annotations

import asyncio
import datetime as dt
import io
import sys
from pathlib import Path

import pytest

from bot.settings import load_settings
from bot.telegram_main import serve
from dialogs.drafts import DraftContent, Progress
from dialogs import form_fields as ff
from storage import Database, DataCipher, StoredDraft

from .bot_runner import DATA_KEY, bot_env, polling_started
from .screening_user import settle, t

sys.path.insert(0, str(Path(__file__).parents[1] / "dialogs"))
sys.path.insert(0, str(Path(__file__).parents[1] / "documents"))
from doc_readers import docx_text, pdf_text  # noqa: E402
from staff_helpers import full_form  # noqa: E402

pytestmark = [pytest.mark.e2e]
REF, UNIT, ZH = "REF5E2E2", "某中学", "zh_CN"
ADMIN, REVIEWER, CLERK, APPLICANT = 9001, 9002, 9003, 9010


async def seed_submitted(tmp_path: Path) -> None:
    """The applicant's submitted draft, as the form flow stores it."""
    form = full_form(employer=UNIT)
    skipped = [f for f in ff.OPTIONAL if getattr(form, f, None) in (None, [], "")]
    content = DraftContent(form=form, verdict="eligible", progress=Progress(
        skipped=skipped, members_done=True, figures_confirmed=True, declared=True)).model_dump(mode="json")
    cipher = DataCipher.from_settings(DATA_KEY, tmp_path / "bot.key")
    async with await Database.open(tmp_path / "bot.sqlite3", cipher) as db:
        async with db.transaction() as tx:
            await tx.drafts.save(StoredDraft(reference=REF, status="submitted", category=form.hardship_category,
                                             unit=UNIT, applicant_key=f"tg:{APPLICANT}",
                                             created_by=f"tg:{APPLICANT}", submitted_by=f"tg:{APPLICANT}",
                                             submitted_at=dt.datetime(2016, 9, 1, tzinfo=dt.timezone.utc),
                                             content=content))


class Chat:
    """One person's private chat with the bot."""

    def __init__(self, tg, user_id: int, name: str) -> None:
        self.tg, self.user = tg, tg.user(user_id, name, language_code="zh-hans")

    async def send(self, text: str) -> None:
        self.user.skip_all()
        before = len(self.user.messages)
        await self.user.send(text)
        await self.answered(before)

    async def answered(self, before: int) -> None:
        """Waits for the bot's reply to the last input, then for it to finish (a busy
        machine can keep a step longer than settle's quiet time without a request)."""
        await self.tg.wait_for(lambda: len(self.user.messages) > before, 20, "the bot's reply")
        await settle(self.tg, quiet=0.3)

    def with_button(self, label: str):
        return next(m for m in reversed(self.user.messages) if any(b == label for row in m.buttons for b, _ in row))

    def offers(self, label: str) -> bool:
        """Whether the latest message with buttons has this one."""
        last = next((m for m in reversed(self.user.messages) if m.buttons), None)
        return last is not None and any(b == label for row in last.buttons for b, _ in row)

    async def press(self, label: str) -> None:
        msg = self.with_button(label)
        self.user.skip_all()
        before = len(self.user.messages)
        await self.user.press(msg, label)
        await self.answered(before)

    @property
    def text(self) -> str:
        """What the bot said since the last input."""
        return "\n".join(m.content or "" for m in self.user.messages[self.user._read:])

    @property
    def documents(self) -> list:
        return [m.document for m in self.user.messages[self.user._read:] if m.document]

    async def documents_sent(self, count: int) -> list:
        """The documents sent since the last input, once there are ``count`` of them."""
        await self.tg.wait_for(lambda: len(self.documents) >= count, 20, f"{count} documents")
        return self.documents


async def joined(tg, admin: Chat, user_id: int, role: str) -> Chat:
    await admin.send("/staff")
    await admin.press(t(ZH, "staff.btn.invite_clerk" if role == "clerk" else "staff.btn.invite_reviewer"))
    if role == "clerk":
        await admin.send(UNIT)
    line = next(x for x in admin.text.splitlines() if x.startswith("/start inv-"))
    chat = Chat(tg, user_id, role)
    await chat.send(line)
    return chat


async def open_case(chat: Chat, status: str) -> None:
    await chat.send("/inbox")
    await chat.press(t(ZH, f"draft.status.{status}"))
    await chat.press(t(ZH, "staff.btn.open", ref=REF, name="张三"))


def status_in_db(tmp_path: Path) -> str:
    import sqlite3

    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        return conn.execute("SELECT status FROM drafts WHERE reference = ?", (REF,)).fetchone()[0]


async def test_a_drafts_life_at_the_staff_desk_over_http(fake_telegram, tmp_path):
    tg, day = fake_telegram, [dt.date(2016, 9, 12)]
    await seed_submitted(tmp_path)
    settings = load_settings(bot_env(tg, tmp_path) | {"BOT_ADMIN_IDS": str(ADMIN)}, need_token=True)
    stop, polls = asyncio.Event(), len(tg.calls_of("getUpdates"))
    task = asyncio.create_task(serve(settings, stop, today=lambda: day[0]))
    try:
        await polling_started(tg, polls, task=task)
        admin = Chat(tg, ADMIN, "admin")
        reviewer = await joined(tg, admin, REVIEWER, "reviewer")
        clerk = await joined(tg, admin, CLERK, "clerk")
        applicant = Chat(tg, APPLICANT, "张三")
        # the reviewer opens the case whole, protected from forwarding
        await open_case(reviewer, "submitted")
        case_sends = [c for c in tg.calls_of("sendMessage") if c.params.get("chat_id") == REVIEWER][-12:]
        assert any(str(c.params.get("protect_content")).lower() == "true" for c in case_sends)
        assert "南昌市东湖区某路1号" in reviewer.text and "360102197506011236" not in reviewer.text
        # the clerk sees it too (their unit) with no action; the applicant has no /inbox
        await open_case(clerk, "submitted")
        assert t(ZH, "staff.btn.start") not in clerk.text and "张三" in clerk.text
        clerk_view = clerk.with_button(t(ZH, "staff.btn.queue"))
        assert [b for row in clerk_view.buttons for b, _ in row] == [t(ZH, "staff.btn.queue")]
        await applicant.send("/inbox")
        assert t(ZH, "staff.refused.role") in applicant.text
        # start, then a stale press of the same button changes nothing
        stale_view = reviewer.with_button(t(ZH, "staff.btn.start"))
        stale_data = stale_view.buttons[0][0][1]  # read now: the press may take the buttons off
        await reviewer.press(t(ZH, "staff.btn.start"))
        assert status_in_db(tmp_path) == "under_review"
        q = await reviewer.user.press_data(stale_view, stale_data)
        assert (await reviewer.user.wait_answer(q)).get("text") == t(ZH, "nav.stale")
        # return with the mobile reopened; the applicant corrects it and resubmits
        await reviewer.press(t(ZH, "staff.btn.return"))
        await reviewer.send("手机号码打不通")
        await reviewer.press(t(ZH, "form.section.home"))
        await reviewer.press(t(ZH, "staff.btn.field_off", field="手机号码"))
        await reviewer.press(t(ZH, "staff.btn.send_back"))
        assert status_in_db(tmp_path) == "returned"
        await settle(tg)
        assert any("手机号码打不通" in (m.content or "") for m in applicant.user.messages)
        await applicant.send("/status")
        await applicant.press(t(ZH, "btn.draft_correct", ref=REF))
        await applicant.send("13900139000")
        while applicant.offers(t(ZH, "btn.review_next")):
            await applicant.press(t(ZH, "btn.review_next"))
        await applicant.press(t(ZH, "btn.review_submit"))
        await applicant.press(t(ZH, "btn.declare_submit"))
        assert status_in_db(tmp_path) == "submitted"
        await settle(tg)
        assert any(REF in (m.content or "") and "📥" in (m.content or "") for m in reviewer.user.messages)
        # review, home visit, decision as a relief target
        await open_case(reviewer, "submitted")
        await reviewer.press(t(ZH, "staff.btn.start"))
        await reviewer.press(t(ZH, "staff.btn.visit"))
        await reviewer.send("2016-09-10")
        await reviewer.send("赵入户 钱签字")
        await reviewer.press("低保边缘户")
        await reviewer.press(t(ZH, "staff.btn.no_notes"))
        assert status_in_db(tmp_path) == "home_visited"
        await reviewer.press(t(ZH, "staff.btn.decide"))
        await reviewer.send("同意")
        await reviewer.send("2016-09-12")
        await reviewer.press(t(ZH, "staff.btn.target_yes"))
        await reviewer.send("2017-06-30")
        await reviewer.press("支出性生活困难")
        await reviewer.press("社会救助兜底")
        await reviewer.press("金秋助学计划")
        assert status_in_db(tmp_path) == "approved"
        # the notice across the National Day holiday
        day[0] = dt.date(2016, 9, 29)
        await reviewer.send("/notice")
        await reviewer.press(UNIT)
        await reviewer.send("王老师")
        await reviewer.send("0791-88888888")
        await reviewer.press(t(ZH, "staff.btn.next"))
        await reviewer.send("2016-09-29")
        assert "2016年10月10日" in reviewer.text
        await reviewer.press(t(ZH, "staff.btn.make_notice"))
        docx, pdf = await reviewer.documents_sent(2)
        for text in (docx_text(docx.data), pdf_text(pdf.data)):
            text = text.replace(" ", "")
            assert "张三" in text and "2016年10月10日" in text and "0791-88888888" in text
            assert "360102197506011236" not in text
        # filing after the end of the notice, its entry deadline; entry; the contact card
        day[0] = dt.date(2016, 10, 11)
        await open_case(reviewer, "in_public_notice")
        await reviewer.press(t(ZH, "staff.btn.file"))
        assert status_in_db(tmp_path) == "filed" and "2016年11月21日" in reviewer.text
        await reviewer.press(t(ZH, "staff.btn.card"))
        card_docx, card_pdf = await reviewer.documents_sent(2)
        assert "张三" in docx_text(card_docx.data) and "张三" in pdf_text(card_pdf.data).replace(" ", "")
        await open_case(reviewer, "filed")
        await reviewer.press(t(ZH, "staff.btn.entered"))
        await reviewer.send("2016-10-11")
        assert status_in_db(tmp_path) == "entered"
        await reviewer.press(t(ZH, "staff.btn.help"))
        await reviewer.send("2016-10-11")
        await reviewer.press("社会救助兜底")
        # statistics
        await reviewer.send("/stats")
        await reviewer.press(t(ZH, "staff.btn.all_units"))
        await reviewer.press(t(ZH, "staff.btn.today"))
        [table] = await reviewer.documents_sent(1)
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(table.data)).active.iter_rows(values_only=True))
        assert any(r[-1] == 1 and "B已建档" in str(r[0]) for r in rows)
        # the records export: its count shown, then the document
        await reviewer.send("/export")
        await reviewer.press(t(ZH, "staff.btn.all_units"))
        [records] = await reviewer.documents_sent(1)
        sheet = list(load_workbook(io.BytesIO(records.data)).worksheets[0].iter_rows(values_only=True))
        assert any(REF == r[0] and "张三" in r for r in sheet)
        assert any(m.content == t(ZH, "staff.export.progress", count=1) for m in reviewer.user.messages)
        assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
