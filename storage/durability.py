"""When a commit is fsynced: every commit, none, or those that write a record.

WAL with ``synchronous=NORMAL`` keeps every commit across a crash of the *process* (the
bot killed, an exception): the commit is in the WAL file and the OS has it. Only an OS
crash or a power loss can take back the last commits not yet synced to the disk.
``synchronous=FULL`` syncs the WAL at every commit, and so makes every answer wait for
the disk: on the shared build machine a sync took 30-670 ms now and then, and those
waits were the whole tail of the reply latency (docs/benchmarks.md, fourth round).

The modes (``Database.open(synchronous=...)``; ``BOT_DATABASE_SYNC`` in lower case):

- ``FULL``: every commit synced before its callers hear of it (SQLite's FULL).
- ``RECORDS`` (the bot's default): a commit that writes only the conversation itself
  (:data:`CONVERSATION_TABLES`: a screening answer, the dialog's place, the update
  inbox, the replies kept for resending) is not synced; one that writes anything else (a
  draft, a submission, a staff decision, a home visit, a consent, the audit log, a
  reminder, a message for someone else, an erasure) is synced before any of its callers
  is answered. A power loss can then cost a person their last answer or two (asked
  again: the conversation resumes where the disk has it), never a record staff or the
  person were told is kept.
- ``NORMAL``: no commit synced (SQLite's NORMAL; the checkpoints still sync).

The sync after a commit is a second, tiny transaction committed with FULL: syncing the
WAL file syncs every commit before it too (:func:`sync_statements`).
"""
from __future__ import annotations

import functools
import re

MODES = ("RECORDS", "FULL", "NORMAL")  # Database.open(synchronous=...); BOT_DATABASE_SYNC in lower case
# what a commit writing only these tables may lose to a power loss (not to a crash)
CONVERSATION_TABLES = frozenset({"dialog_sessions", "last_replies", "update_inbox", "processed_updates",
                                 "processed_updates_by_channel", "users", "unreachable_recipients"})
_READS = ("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "END", "EXPLAIN")
_WRITES = re.compile(r"\b(?:INSERT|REPLACE|UPDATE|DELETE)\b", re.IGNORECASE)
_TARGET = re.compile(r"^\s*(?:INSERT|REPLACE|UPDATE|DELETE)\b(?:\s+OR\s+\w+)?(?:\s+INTO|\s+FROM)?\s+[\"`]?(\w+)",
                     re.IGNORECASE)


def pragma(mode: str) -> str:
    """The connection's own ``synchronous`` setting for a mode."""
    if mode not in MODES:
        raise ValueError(f"synchronous must be one of {MODES}, not {mode!r}")
    return "FULL" if mode == "FULL" else "NORMAL"


@functools.lru_cache(maxsize=1024)
def writes_record(sql: str) -> bool:
    """Whether a statement may write something beyond the conversation (a statement this
    cannot read, a CTE or a schema change, counts as one)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    if head in _READS or (head == "WITH" and not _WRITES.search(sql)):
        return False
    target = _TARGET.match(sql)
    return target is None or target.group(1).lower() not in CONVERSATION_TABLES


def sync_statements(now: str) -> tuple[tuple[str, tuple], ...]:
    """The statements that sync the WAL, and with it every commit before: a one-row
    write committed with FULL, the connection then back to NORMAL."""
    return (("PRAGMA synchronous = FULL", ()),
            ("BEGIN IMMEDIATE", ()),
            ("INSERT INTO meta (name, value) VALUES ('synced_at', ?) "
             "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (now.encode(),)),
            ("COMMIT", ()),
            ("PRAGMA synchronous = NORMAL", ()))
