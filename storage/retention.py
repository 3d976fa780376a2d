"""Retention: unfinished drafts and idle sessions are purged after a set period, with
one reminder a week before (PIPL Art. 19, 47).

:func:`stale` lists what the reminder is due for (idle longer than the period less the
warning, not yet warned since it went idle); the caller queues the reminder and calls
:func:`mark_warned` in the same transaction. :func:`purge` deletes what is idle longer
than the period: sessions (and their last replies) and drafts still being filled or
withdrawn (``draft``, ``returned``, ``withdrawn``) with everything kept under them.
Submitted and filed records are the union's file: they are not purged here (a person
asks for their deletion with /forget). A person of whom nothing is left after that (no
conversation, draft, record, role or open request, and never a staff
or admin action in the audit log) is erased as /forget would: the
account goes and the audit log keeps their key only masked. Times compared as the fixed-width UTC text of
:mod:`storage.times`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from storage.repos.base import fetch_all, placeholders, run
from storage.times import from_db, to_db

UNFINISHED = ("draft", "returned", "withdrawn")
# audit actions only staff or an admin take (dialogs/access.py STAFF_READ, staff_admin.py, privacy.py)
STAFF_ACTIONS = ("draft_read", "staff_invited", "staff_joined", "staff_revoked", "deletion_erased",
                 "deletion_refused")


@dataclass(frozen=True)
class RetentionPolicy:
    """How long idle data is kept and how long before its deletion the person is told."""

    days: int = 90
    warn_days: int = 7

    def __post_init__(self) -> None:
        if self.days < 1 or not 0 <= self.warn_days < self.days:
            raise ValueError("retention: days >= 1 and 0 <= warn_days < days")

    def purge_before(self, now: datetime) -> datetime:
        """Idle since before this: deleted."""
        return now - timedelta(days=self.days)

    def warn_before(self, now: datetime) -> datetime:
        """Idle since before this: the reminder is due."""
        return now - timedelta(days=self.days - self.warn_days)


class Stale(NamedTuple):
    """Something idle whose deletion is near: who to tell and when it goes."""

    subject: str  # 'session:<key>' or 'draft:<reference>'
    recipient: str
    idle_since: datetime
    deleted_on: datetime
    reference: str | None = None


class Purged(NamedTuple):
    """What :func:`purge` deleted."""

    sessions: int
    drafts: int
    people: int = 0  # accounts erased: nothing of theirs was left (their key masked in the audit log)


async def stale(tx: Any, now: datetime, policy: RetentionPolicy, *, limit: int = 500) -> list[Stale]:
    """Sessions and unfinished drafts due for their reminder (not warned since idle)."""
    edge, keep = to_db(policy.warn_before(now)), timedelta(days=policy.days)
    sessions = await fetch_all(
        tx.sql, "SELECT s.user_key, s.updated_at FROM dialog_sessions s LEFT JOIN retention_notices n "
        "ON n.subject = 'session:' || s.user_key AND n.idle_since = s.updated_at "
        "WHERE s.updated_at < ? AND n.subject IS NULL ORDER BY s.updated_at LIMIT ?", (edge, int(limit)))
    drafts = await fetch_all(
        tx.sql, "SELECT d.reference, COALESCE(d.applicant_key, d.created_by), d.updated_at FROM drafts d "
        "LEFT JOIN retention_notices n ON n.subject = 'draft:' || d.reference AND n.idle_since = d.updated_at "
        "WHERE d.status IN ('draft', 'returned') AND d.updated_at < ? AND n.subject IS NULL "
        "ORDER BY d.updated_at LIMIT ?", (edge, int(limit)))
    found = [Stale(f"session:{key}", key, from_db(at), from_db(at) + keep) for key, at in sessions]
    found += [Stale(f"draft:{ref}", who, from_db(at), from_db(at) + keep, ref) for ref, who, at in drafts]
    return found


async def mark_warned(tx: Any, item: Stale, now: datetime) -> None:
    """Records that the reminder for ``item`` went out (it is not sent again while idle)."""
    await run(tx.sql, "INSERT INTO retention_notices (subject, idle_since, warned_at) VALUES (?, ?, ?) "
              "ON CONFLICT (subject) DO UPDATE SET idle_since = excluded.idle_since, "
              "warned_at = excluded.warned_at", (item.subject, to_db(item.idle_since), to_db(now)))


async def purge(tx: Any, now: datetime, policy: RetentionPolicy) -> Purged:
    """Deletes sessions and unfinished drafts idle longer than the period."""
    edge = to_db(policy.purge_before(now))
    keys = [row[0] for row in await fetch_all(
        tx.sql, "SELECT user_key FROM dialog_sessions WHERE updated_at < ?", (edge,))]
    for key in keys:
        await run(tx.sql, "DELETE FROM dialog_sessions WHERE user_key = ?", (key,))
        await run(tx.sql, "DELETE FROM last_replies WHERE user_key = ?", (key,))
        await run(tx.sql, "DELETE FROM retention_notices WHERE subject = ?", (f"session:{key}",))
    drafts = await fetch_all(
        tx.sql, "SELECT reference, applicant_key, created_by FROM drafts WHERE status IN "
        "('draft', 'returned', 'withdrawn') AND updated_at < ?", (edge,))
    for ref, _, _ in drafts:
        await tx.privacy.erase_draft(ref)
    owners = {k for _, *people in drafts for k in people if k}
    people = 0
    for key in sorted(set(keys) | owners):
        if await _nothing_left(tx, key):
            await tx.privacy.erase_person(key)
            people += 1
    return Purged(len(keys), len(drafts), people)


async def _nothing_left(tx: Any, key: str) -> bool:
    """Whether nothing of the person is kept any more but their account: no conversation,
    no draft or record of theirs, no role, no open deletion request, and they never acted
    as staff (a read of others' records, a grant, a deadline: the audit log keeps naming
    who did it, also after the role went and for an admin, who holds no role row). Then
    the account goes too and the audit log keeps their key only masked, as after /forget."""
    staff = f"({placeholders(len(STAFF_ACTIONS))}) OR action LIKE 'deadline.%'"
    for sql, params in (
            ("SELECT 1 FROM dialog_sessions WHERE user_key = ?", (key,)),
            ("SELECT 1 FROM drafts WHERE applicant_key = ? OR created_by = ? OR submitted_by = ?", (key,) * 3),
            ("SELECT 1 FROM user_roles WHERE user_key = ?", (key,)),
            ("SELECT 1 FROM deletion_requests WHERE requested_by = ? AND state = 'open'", (key,)),
            (f"SELECT 1 FROM audit_log WHERE actor = ? AND (action IN {staff})", (key, *STAFF_ACTIONS))):
        if await fetch_all(tx.sql, sql + " LIMIT 1", params):
            return False
    return True


async def with_sessions(tx: Any, keys: list[str], *, batch: int = 500) -> set[str]:
    """Those of ``keys`` whose conversation is still kept (a session row: every step
    writes one; purged or forgotten people have none). Nothing is decrypted."""
    return await _present(tx, "SELECT user_key FROM dialog_sessions WHERE user_key IN ", keys, batch)


async def with_accounts(tx: Any, keys: list[str], *, batch: int = 500) -> set[str]:
    """Those of ``keys`` who still have an account (a record or a role kept them; the
    forgotten and those erased with nothing left have none). Nothing is decrypted."""
    return await _present(tx, "SELECT key FROM users WHERE key IN ", keys, batch)


async def _present(tx: Any, select: str, keys: list[str], batch: int) -> set[str]:
    kept: set[str] = set()
    for i in range(0, len(keys), batch):
        part = keys[i:i + batch]
        rows = await fetch_all(tx.sql, f"{select}({placeholders(len(part))})", part)
        kept.update(row[0] for row in rows)
    return kept
