"""ReminderRepo: reminders as rows with due times, and the kinds people muted.

A reminder goes to one person (``recipient``) or to an audience (clerks, reviewers,
everyone, applicants with unfinished drafts), which is expanded into one row per
person when it fires. ``key`` is unique: planning the same reminder again updates it
while it is still planned and leaves it alone once sent, so a reminder is never sent
twice. The sender (bot/reminders.py) fires a due row in the transaction that queues
its outbox message, so a crash either keeps both or neither.

States: ``planned`` -> ``sent`` (queued in the outbox) | ``muted`` (the person muted
the kind) | ``withdrawn`` (no longer applies: the draft was submitted, the deadline
removed or moved). The payload (what the reminder says) is encrypted: a case reminder
may name the applicant.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from storage.crypto import DataCipher
from storage.models import check_user_key
from storage.repos.base import Conn, Row, fetch_all, fetch_one, placeholders, run
from storage.times import Clock, from_db, to_db

ReminderState = Literal["planned", "sent", "withdrawn", "muted"]
_COLUMNS = ("id, key, subject, kind, recipient, audience, deadline_date, days_before, due_at, payload, state, "
            "attempts, sent_at, late, outbox_id, parent_id, started_by")
ROLE_AUDIENCES = {"clerks": "clerk", "reviewers": "reviewer"}


def payload_aad(key: str) -> bytes:
    """Binds a reminder's payload to its key."""
    return b"reminder:" + key.encode("utf-8")


class PlannedReminder(BaseModel):
    """A reminder to plan: its key, what it is about, to whom, when, what it says."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    subject: str
    kind: str
    recipient: str | None = None
    audience: str | None = None
    deadline_date: dt.date
    days_before: int
    due_at: dt.datetime
    payload: dict[str, Any]


class Reminder(PlannedReminder):
    """A stored reminder."""

    id: int
    state: ReminderState
    attempts: int = 0
    sent_at: dt.datetime | None = None
    late: bool = False
    outbox_id: int | None = None
    parent_id: int | None = None
    started_by: str | None = None


class ReminderRepo:
    """Reminder rows and mutes; ``changed`` tells whether this transaction planned or
    withdrew any (the assistant then wakes the scheduler)."""

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn, self._cipher, self._clock = conn, cipher, clock
        self.changed = False

    def now(self) -> dt.datetime:
        """The database clock's time (planning skips moments already past)."""
        return self._clock()

    # ---- planning ---------------------------------------------------------------------------
    async def plan(self, subject: str, reminders: Sequence[PlannedReminder], *, recipient: str | None = None) -> int:
        """Makes ``reminders`` the planned reminders of ``subject`` (of one recipient, if
        given): new ones are added, planned ones updated (moved), sent ones left as they
        are, and the subject's other planned ones withdrawn. How many are planned now."""
        keys = []
        for r in reminders:
            if r.subject != subject:
                raise ValueError("a reminder planned under another subject")
            if r.recipient is not None:
                check_user_key(r.recipient)
            token = self._cipher.encrypt_json(r.payload, aad=payload_aad(r.key))
            changed = await run(
                self._conn,
                "INSERT INTO reminders (key, subject, kind, recipient, audience, deadline_date, days_before, due_at, "
                "payload, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned') "
                "ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at, payload = excluded.payload, "
                "kind = excluded.kind, state = 'planned' WHERE reminders.state IN ('planned', 'withdrawn')",
                (r.key, subject, r.kind, r.recipient, r.audience, r.deadline_date.isoformat(), r.days_before,
                 to_db(r.due_at), token),
            )
            self.changed |= bool(changed)
            keys.append(r.key)
        await self.withdraw(subject, recipient=recipient, keep=keys)
        return len(keys)

    async def withdraw(self, subject: str, *, recipient: str | None = None, keep: Iterable[str] = ()) -> int:
        """Withdraws the planned reminders of ``subject`` (of one recipient, if given),
        except the keys in ``keep``; how many."""
        keep = list(keep)
        sql = "UPDATE reminders SET state = 'withdrawn' WHERE subject = ? AND state = 'planned'"
        params: list[Any] = [subject]
        if recipient is not None:
            sql += " AND recipient = ?"
            params.append(check_user_key(recipient))
        if keep:
            sql += f" AND key NOT IN ({placeholders(len(keep))})"
            params += keep
        count = await run(self._conn, sql, params)
        self.changed |= bool(count)
        return count

    async def send_now(self, reminder: PlannedReminder, started_by: str) -> Reminder:
        """A reminder someone sends at once (a broadcast): due now, its progress shown to them."""
        token = self._cipher.encrypt_json(reminder.payload, aad=payload_aad(reminder.key))
        row = await fetch_one(
            self._conn,
            "INSERT INTO reminders (key, subject, kind, recipient, audience, deadline_date, days_before, due_at, "
            f"payload, state, started_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?) RETURNING {_COLUMNS}",
            (reminder.key, reminder.subject, reminder.kind, reminder.recipient, reminder.audience,
             reminder.deadline_date.isoformat(), reminder.days_before, to_db(reminder.due_at), token,
             check_user_key(started_by)))
        self.changed = True
        return self._reminder(row)

    async def progress(self, parent_id: int) -> dict[str, int]:
        """How an audience reminder's messages stand: pending, sent, unreachable, failed
        (from the outbox) and muted."""
        rows = await fetch_all(
            self._conn,
            "SELECT CASE WHEN r.state = 'muted' THEN 'muted' ELSE COALESCE(o.state, 'sent') END, COUNT(*) "
            "FROM reminders r LEFT JOIN outbox o ON o.id = r.outbox_id WHERE r.parent_id = ? GROUP BY 1",
            (int(parent_id),))
        counts = {"pending": 0, "sent": 0, "unreachable": 0, "failed": 0, "muted": 0}
        counts.update({state: int(n) for state, n in rows})
        return counts

    # ---- firing -----------------------------------------------------------------------------
    async def due(self, now: dt.datetime, *, limit: int = 200) -> list[Reminder]:
        """Planned reminders due at ``now``, earliest first."""
        rows = await fetch_all(self._conn, f"SELECT {_COLUMNS} FROM reminders WHERE state = 'planned' AND due_at <= ? "
                               "ORDER BY due_at, id LIMIT ?", (to_db(now), int(limit)))
        return [self._reminder(r) for r in rows]

    async def next_due(self) -> dt.datetime | None:
        """When the earliest planned reminder is due (None if none is planned)."""
        row = await fetch_one(self._conn, "SELECT MIN(due_at) FROM reminders WHERE state = 'planned'")
        return from_db(row[0]) if row and row[0] else None

    async def mark_fired(self, reminder_id: int, *, state: ReminderState = "sent", late: bool = False,
                         outbox_id: int | None = None) -> bool:
        """A planned reminder was fired (queued, or muted); False if it was not planned."""
        return bool(await run(
            self._conn,
            "UPDATE reminders SET state = ?, sent_at = ?, attempts = attempts + 1, late = ?, outbox_id = ? "
            "WHERE id = ? AND state = 'planned'",
            (state, to_db(self._clock()), int(late), outbox_id, int(reminder_id))))

    async def add_fired(self, parent: Reminder, recipient: str, *, state: ReminderState, late: bool,
                        outbox_id: int | None) -> bool:
        """The row of one person of an audience reminder, fired with it (in the
        transaction that queues its message); False if it already exists."""
        check_user_key(recipient)
        key = f"{parent.key}>{recipient}"
        row = await fetch_one(
            self._conn,
            "INSERT INTO reminders (key, subject, kind, recipient, deadline_date, days_before, due_at, payload, state, "
            "attempts, sent_at, late, outbox_id, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING id",
            (key, parent.subject, parent.kind, recipient, parent.deadline_date.isoformat(), parent.days_before,
             to_db(parent.due_at), b"", state, to_db(self._clock()), int(late), outbox_id, parent.id))
        return row is not None

    async def fired_to(self, parent_id: int) -> set[str]:
        """The people an audience reminder has already been fired to."""
        rows = await fetch_all(self._conn, "SELECT recipient FROM reminders WHERE parent_id = ?", (int(parent_id),))
        return {r[0] for r in rows}

    async def audience(self, audience: str, *, channels: Sequence[str]) -> list[str]:
        """The people of an audience on the given channels, in key order: 'clerks',
        'reviewers' (by role), 'everyone', 'drafts' (filling a draft not yet submitted)."""
        if not channels:
            return []
        like = " OR ".join("key LIKE ?" for _ in channels)
        params = [f"{c}:%" for c in channels]
        if audience == "everyone":
            rows = await fetch_all(self._conn, f"SELECT key FROM users WHERE {like} ORDER BY key", params)
        elif audience in ROLE_AUDIENCES:
            rows = await fetch_all(
                self._conn, f"SELECT user_key AS key FROM user_roles WHERE role = ? AND ({like}) ORDER BY user_key",
                [ROLE_AUDIENCES[audience], *params])
        elif audience == "drafts":  # whoever fills a draft still open (rules/lifecycle.py EDITABLE)
            like = like.replace("key LIKE", "created_by LIKE")
            rows = await fetch_all(
                self._conn, f"SELECT DISTINCT created_by FROM drafts WHERE status IN ('draft', 'returned') "
                f"AND ({like}) ORDER BY created_by", params)
        else:
            raise ValueError(f"no such audience in storage: {audience!r}")
        return [r[0] for r in rows]

    # ---- reading ----------------------------------------------------------------------------
    async def of_subject(self, subject: str) -> list[Reminder]:
        """Every reminder row of a subject, by due time."""
        rows = await fetch_all(self._conn, f"SELECT {_COLUMNS} FROM reminders WHERE subject = ? ORDER BY due_at, id",
                               (subject,))
        return [self._reminder(r) for r in rows]

    async def of_recipient(self, recipient: str) -> list[Reminder]:
        """Every reminder row addressed to one person, by due time."""
        rows = await fetch_all(self._conn, f"SELECT {_COLUMNS} FROM reminders WHERE recipient = ? "
                               "ORDER BY due_at, id", (check_user_key(recipient),))
        return [self._reminder(r) for r in rows]

    async def counts(self) -> dict[str, int]:
        """How many reminder rows are in each state."""
        rows = await fetch_all(self._conn, "SELECT state, COUNT(*) FROM reminders GROUP BY state")
        return {state: int(n) for state, n in rows}

    # ---- mutes ------------------------------------------------------------------------------
    async def mute(self, user_key: str, kind: str) -> bool:
        """The person wants no reminders of ``kind``; False if already muted."""
        return bool(await run(self._conn, "INSERT INTO reminder_mutes (user_key, kind, since) VALUES (?, ?, ?) "
                              "ON CONFLICT DO NOTHING", (check_user_key(user_key), kind, to_db(self._clock()))))

    async def unmute(self, user_key: str, kind: str) -> bool:
        """Reminders of ``kind`` again; False if they were not muted."""
        return bool(await run(self._conn, "DELETE FROM reminder_mutes WHERE user_key = ? AND kind = ?",
                              (check_user_key(user_key), kind)))

    async def muted(self, user_key: str) -> set[str]:
        """The kinds the person muted."""
        rows = await fetch_all(self._conn, "SELECT kind FROM reminder_mutes WHERE user_key = ?",
                               (check_user_key(user_key),))
        return {r[0] for r in rows}

    async def muted_by(self, kind: str) -> set[str]:
        """The people who muted ``kind``."""
        rows = await fetch_all(self._conn, "SELECT user_key FROM reminder_mutes WHERE kind = ?", (kind,))
        return {r[0] for r in rows}

    def _reminder(self, row: Row) -> Reminder:
        (rid, key, subject, kind, recipient, audience, deadline_date, days_before, due_at, token, state, attempts,
         sent_at, late, outbox_id, parent_id, started_by) = row
        payload = self._cipher.decrypt_json(token, aad=payload_aad(key)) if token else {}
        return Reminder(id=rid, key=key, subject=subject, kind=kind, recipient=recipient, audience=audience,
                        deadline_date=dt.date.fromisoformat(deadline_date), days_before=days_before,
                        due_at=from_db(due_at), payload=payload, state=state, attempts=attempts,
                        sent_at=from_db(sent_at) if sent_at else None, late=bool(late), outbox_id=outbox_id,
                        parent_id=parent_id, started_by=started_by)
