"""The staff desk in the terminal channel: a reviewer who joined through an invite link
works the queue with numbered choices, and the statistics table is written to a file
where the console runs (documents are the same bytes the Telegram channel sends)."""
from __future__ import annotations

import datetime as dt
import io

from harness import Person
from staff_helpers import ADMIN, seed_draft, status_of

from bot.console import run_console
from storage import Filing


async def test_a_reviewer_works_the_queue_in_the_terminal(assistant, tmp_path, monkeypatch):
    assistant.admin_keys = frozenset({ADMIN})
    admin = Person(assistant, ADMIN)
    await admin.command("staff")
    await admin.press("stf:invite:reviewer")
    line = next(x for x in admin.text.splitlines() if x.startswith("/start inv-"))
    await seed_draft(assistant, "TERM0001")
    await seed_draft(assistant, "TERM0002", status="filed")
    async with assistant.db.transaction() as tx:
        await tx.cases.file(Filing(reference="TERM0002", unit="某中学", filed_on=dt.date(2016, 5, 1),
                                   entry_deadline=dt.date(2016, 6, 15), category="marginal",
                                   primary_cause="laid_off", key_group="other", filed_by="tg:2"))
    monkeypatch.chdir(tmp_path)
    # join; /inbox; 1 = the submitted list; 1 = open the case; 1 = start the review;
    # /stats; 1 = all units; 1 = today
    script = "\n".join([line, "/inbox", "1", "1", "1", "/stats", "1", "1", "/quit"]) + "\n"
    out = io.StringIO()
    assert await run_console(assistant, user="alice", inp=io.StringIO(script), out=out) == 0
    assert await status_of(assistant, "TERM0001") == "under_review"
    assert "TERM0001" in out.getvalue() and "南昌市东湖区某路1号" in out.getvalue()
    [table] = list(tmp_path.glob("统计表-*.xlsx"))
    assert table.read_bytes()[:2] == b"PK" and str(table.resolve()) in out.getvalue()
