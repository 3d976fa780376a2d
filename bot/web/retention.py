"""The web store's share of retention: after each retention run (bot/retention.py), the
web chat's own rows of people whose conversation the bot's database no longer keeps go
too, so what the page showed and the documents offered for download do not outlive the
answers they quote.

Every step writes the person's dialog session, so a web person without one was purged
for idleness (by this process or by another one on the same database, the Telegram bot
or ``python -m bot retention``) or forgotten (/forget, should the page's own erasure
have been cut short by a crash). One whose account is gone too goes whole, browser
sessions included; one who still has an account (a submitted or filed record, a role)
keeps their browser, so that it still opens their record: only the page's copy of the
conversation and the documents go. A browser session made within :data:`GRACE` is spared:
its first step may still be running. Documents offered for download go once older
than the retention period (a copy of a draft purged meanwhile must not outlive it).
Nothing is decrypted; logs carry counts only.
"""
from __future__ import annotations

import logging
from pathlib import Path

from storage import Database, DataCipher, user_key
from storage.retention import with_accounts, with_sessions

from bot.web.store import WebStore

log = logging.getLogger(__name__)
GRACE = 3600.0  # seconds a new browser session is left alone
DAY = 24 * 3600.0
STORE_FILE = "web-chat.sqlite3"  # next to the bot's database


def store_path(database: Path) -> Path:
    """Where the web chat keeps its store for the bot's database ``database``."""
    return database.parent / STORE_FILE


async def tidy_web_store(store: WebStore, db: Database, *, keep_days: int, grace: float = GRACE) -> int:
    """Drops the web rows of people without a kept conversation, and the documents made
    more than ``keep_days`` ago (the retention period); how many people."""
    now = db.clock().timestamp()
    expired = await store.expire_files(now - keep_days * DAY)
    if expired:
        log.warning("retention: %d web chat document(s) older than the period removed", expired)
    people = await store.people(settled_before=now - grace)
    if not people:
        return 0
    keys = {user_key("web", person): person for person in people}
    async with db.transaction() as tx:
        kept = await with_sessions(tx, list(keys))
        known = await with_accounts(tx, [key for key in keys if key not in kept])
    gone = [person for key, person in keys.items() if key not in kept and key not in known]
    idle = [person for key, person in keys.items() if key in known]
    if gone:
        rows = await store.drop(gone)
        log.warning("retention: web chat records of %d person(s) dropped (%d row(s))", len(gone), rows)
    if idle:  # a record of theirs is kept: the same browser stays theirs, only the page's copy goes
        rows = await store.drop_conversation(idle)
        if rows:
            log.warning("retention: web chat conversations of %d idle person(s) with a record cleared", len(idle))
    return len(gone)


async def tidy_web_store_file(database: Path, db: Database, cipher: DataCipher, *, keep_days: int) -> int | None:
    """:func:`tidy_web_store` on the store next to ``database``, if there is one (None: none)."""
    path = store_path(database)
    if not path.is_file():
        return None
    store = await WebStore.open(path, cipher, now=lambda: db.clock().timestamp())
    try:
        return await tidy_web_store(store, db, keep_days=keep_days)
    finally:
        await store.close()
