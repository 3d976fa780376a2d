"""DraftRepo and ConsentRepo: drafts of the registration form and consent records.

A draft is a record of its own (architecture.md "Records"), not part of a chat
session: its reference code, status, category and unit are columns in clear (the
staff queue and the clerk's list are queries on them); the form itself, the
screening answers it was prefilled from and the staff's comments are ``content``,
AES-GCM ciphertext bound to the draft's reference (aad ``'draft:' || reference``).
Which status may follow which is decided in rules/lifecycle.py; this repository
only stores what it is given, guarded by an optimistic version.

A consent record is one person's answer to one consent text (its version), with
who recorded it and when; the newest record of a subject and scope is the one in
force. The subject is the person's key, or ``draft:<reference>`` for a worker a
clerk files for.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from storage.crypto import DataCipher
from storage.durability import CONVERSATION
from storage.errors import ConflictError
from storage.models import UserKey, check_user_key
from storage.repos.base import Conn, Row, fetch_all, fetch_one, run
from storage.repos.privacy import PrivacyRepo
from storage.times import Clock, from_db, to_db

_COLUMNS = ("reference, status, category, unit, applicant_key, created_by, submitted_by, created_at, "
            "updated_at, submitted_at, version, content")
ConsentScope = Literal["screening", "form"]


def content_aad(reference: str) -> bytes:
    """Binds a draft's content to its reference, so it cannot be moved to another draft."""
    return b"draft:" + reference.encode("utf-8")


class StoredDraft(BaseModel):
    """A draft as stored; ``version`` 0 means not stored yet."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reference: str = Field(min_length=4, max_length=32)
    status: str
    category: str | None = None
    unit: str | None = None
    applicant_key: UserKey | None = None  # the worker's own account (None: a clerk files for them)
    created_by: UserKey
    submitted_by: UserKey | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    submitted_at: datetime | None = None
    version: int = Field(default=0, ge=0)
    content: dict[str, Any] = Field(default_factory=dict)

    @property
    def on_behalf(self) -> bool:
        """Whether someone other than the worker (a clerk) fills it."""
        return self.applicant_key != self.created_by


class ConsentRecord(BaseModel):
    """One answer to one consent text."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    subject: str
    scope: ConsentScope
    version: str
    given: bool
    recorded_by: UserKey
    at: datetime


class DraftRepo:
    """Create, read, list and save drafts (content encrypted at rest)."""

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn = conn
        self._cipher = cipher
        self._clock = clock

    def _draft(self, row: Row) -> StoredDraft:
        (reference, status, category, unit, applicant, created_by, submitted_by, created_at, updated_at,
         submitted_at, version, token) = row
        return StoredDraft(reference=reference, status=status, category=category, unit=unit,
                           applicant_key=applicant, created_by=created_by, submitted_by=submitted_by,
                           created_at=from_db(created_at), updated_at=from_db(updated_at),
                           submitted_at=from_db(submitted_at) if submitted_at else None, version=version,
                           content=self._cipher.decrypt_json(token, aad=content_aad(reference)))

    async def get(self, reference: str) -> StoredDraft | None:
        """The draft with ``reference``, or None."""
        row = await fetch_one(self._conn, f"SELECT {_COLUMNS} FROM drafts WHERE reference = ?", (reference,))
        return self._draft(row) if row else None

    async def list_for(self, user_key: str, *, limit: int = 50) -> list[StoredDraft]:
        """The drafts a person may see as applicant: their own and those they started
        for others (a clerk), most recently touched first."""
        check_user_key(user_key)
        rows = await fetch_all(
            self._conn,
            f"SELECT {_COLUMNS} FROM drafts WHERE applicant_key = ? OR created_by = ? "
            "ORDER BY updated_at DESC, reference LIMIT ?", (user_key, user_key, int(limit)))
        return [self._draft(row) for row in rows]

    async def list_by_status(self, status: str, *, limit: int = 200, unit: str | None = None) -> list[StoredDraft]:
        """Drafts in ``status`` (of one unit), oldest first (the staff queue): by the day
        last submitted, the day a reviewer's waiting time counts from (else last touched)."""
        if unit is None:
            rows = await fetch_all(
                self._conn, f"SELECT {_COLUMNS} FROM drafts WHERE status = ? "
                "ORDER BY COALESCE(submitted_at, updated_at), reference LIMIT ?",
                (status, int(limit)))
        else:
            rows = await fetch_all(
                self._conn, f"SELECT {_COLUMNS} FROM drafts WHERE status = ? AND unit = ? "
                "ORDER BY COALESCE(submitted_at, updated_at), reference LIMIT ?", (status, unit, int(limit)))
        return [self._draft(row) for row in rows]

    async def count_by_status(self, *, unit: str | None = None) -> dict[str, int]:
        """How many drafts are in each status (of one unit)."""
        if unit is None:
            rows = await fetch_all(self._conn, "SELECT status, COUNT(*) FROM drafts GROUP BY status")
        else:
            rows = await fetch_all(self._conn, "SELECT status, COUNT(*) FROM drafts WHERE unit = ? GROUP BY status",
                                   (unit,))
        return {status: int(n) for status, n in rows}

    async def units_with(self, status: str) -> list[str]:
        """The units that have drafts in ``status``."""
        rows = await fetch_all(self._conn, "SELECT DISTINCT unit FROM drafts WHERE status = ? AND unit IS NOT NULL "
                               "ORDER BY unit", (status,))
        return [r[0] for r in rows]

    async def save(self, draft: StoredDraft) -> StoredDraft:
        """Inserts (version 0) or updates (the version loaded) a draft; returns it as stored.
        ConflictError if someone else saved it in between (or the reference is taken)."""
        now = to_db(self._clock())
        token = self._cipher.encrypt_json(draft.content, aad=content_aad(draft.reference))
        submitted = to_db(draft.submitted_at) if draft.submitted_at else None
        if draft.version == 0:
            changed = await run(
                self._conn,
                "INSERT INTO drafts (reference, status, category, unit, applicant_key, created_by, submitted_by, "
                "created_at, updated_at, submitted_at, version, content) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT DO NOTHING",
                (draft.reference, draft.status, draft.category, draft.unit, draft.applicant_key, draft.created_by,
                 draft.submitted_by, now, now, submitted, token))
        else:
            changed = await run(
                self._conn,
                "UPDATE drafts SET status = ?, category = ?, unit = ?, submitted_by = ?, submitted_at = ?, "
                "updated_at = ?, version = version + 1, content = ? WHERE reference = ? AND version = ?",
                (draft.status, draft.category, draft.unit, draft.submitted_by, submitted, now, token,
                 draft.reference, draft.version))
        if changed != 1:
            raise ConflictError("the draft was changed by someone else (or its reference is taken)")
        await PrivacyRepo(self._conn, self._cipher, self._clock).index_draft(draft.reference, draft.content)
        stored = await self.get(draft.reference)
        assert stored is not None
        return stored


class ConsentRepo:
    """Consent records: appended, never changed; the newest per subject and scope counts."""

    def __init__(self, conn: Conn, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    async def record(self, subject: str, scope: ConsentScope, version: str, given: bool,
                     recorded_by: str) -> ConsentRecord:
        """Appends one answer (time from the clock). A consent given is written as part of
        the conversation (storage/durability.py): lost to a power loss, it is asked again;
        a refusal or a withdrawal is a record, synced before anyone is answered."""
        check_user_key(recorded_by)
        at = self._clock()
        await run(self._conn,
                  (CONVERSATION if given else "") +
                  "INSERT INTO consents (subject, scope, version, given, recorded_by, at) VALUES (?, ?, ?, ?, ?, ?)",
                  (subject, scope, version, int(bool(given)), recorded_by, to_db(at)))
        return ConsentRecord(subject=subject, scope=scope, version=version, given=bool(given),
                             recorded_by=recorded_by, at=from_db(to_db(at)))

    async def latest_by_scope(self, subject: str) -> dict[str, ConsentRecord]:
        """The answer in force for ``subject`` in each scope answered (one query: it runs at
        every step)."""
        rows = await fetch_all(
            self._conn, "SELECT subject, scope, version, given, recorded_by, at FROM consents WHERE id IN "
            "(SELECT MAX(id) FROM consents WHERE subject = ? GROUP BY scope)", (subject,))
        return {row[1]: _consent(row) for row in rows}

    async def latest(self, subject: str, scope: ConsentScope) -> ConsentRecord | None:
        """The answer in force for ``subject`` and ``scope``, or None."""
        row = await fetch_one(
            self._conn, "SELECT subject, scope, version, given, recorded_by, at FROM consents "
            "WHERE subject = ? AND scope = ? ORDER BY id DESC LIMIT 1", (subject, scope))
        return _consent(row) if row is not None else None


def _consent(row: Row) -> ConsentRecord:
    """A consents row (subject, scope, version, given, recorded_by, at) as its record."""
    subject, scope, version, given, recorded_by, at = row
    return ConsentRecord(subject=subject, scope=scope, version=version, given=bool(given),
                         recorded_by=recorded_by, at=from_db(at))
