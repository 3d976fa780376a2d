"""AuditRepo: the append-only audit log; comments are encrypted at rest."""
from __future__ import annotations

from datetime import datetime

from storage.crypto import DataCipher
from storage.durability import CONVERSATION
from storage.models import AuditEntry
from storage.repos.base import Conn, fetch_all, fetch_one
from storage.times import from_db, to_db


def comment_aad(subject: str) -> bytes:
    """Binds a comment token to its subject."""
    return b"audit:" + subject.encode("utf-8")


class AuditRepo:
    """Who did what to which subject, when, from which state to which, and why."""

    def __init__(self, conn: Conn, cipher: DataCipher) -> None:
        self._conn = conn
        self._cipher = cipher

    async def add(
        self,
        actor: str,
        action: str,
        subject: str,
        *,
        before: str | None = None,
        after: str | None = None,
        comment: str | None = None,
        at: datetime,
        conversation: bool = False,
    ) -> AuditEntry:
        """Append one entry (at comes from the caller's clock; ``conversation``: as safe to
        lose to a power loss as the answer it records, storage/durability.py)."""
        for name, value in (("actor", actor), ("action", action), ("subject", subject)):
            if not isinstance(value, str) or not value:
                raise ValueError(f"audit {name} must be a non-empty string")
        token = None
        if comment is not None:
            token = self._cipher.encrypt(comment.encode("utf-8"), aad=comment_aad(subject))
        row = await fetch_one(
            self._conn,
            (CONVERSATION if conversation else "") + "INSERT INTO audit_log (at, actor, action, subject, before, "
            "after, comment) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (to_db(at), actor, action, subject, before, after, token),
        )
        assert row is not None
        entry_id = row[0]
        return AuditEntry(
            id=entry_id, at=from_db(to_db(at)), actor=actor, action=action,
            subject=subject, before=before, after=after, comment=comment,
        )

    async def list_for(self, subject: str) -> list[AuditEntry]:
        """Every entry about subject, oldest first."""
        rows = await fetch_all(
            self._conn,
            "SELECT id, at, actor, action, subject, before, after, comment "
            "FROM audit_log WHERE subject = ? ORDER BY id",
            (subject,),
        )
        return [self._entry(row) for row in rows]

    def _entry(self, row: tuple) -> AuditEntry:
        entry_id, at, actor, action, subject, before, after, token = row
        comment = None
        if token is not None:
            comment = self._cipher.decrypt(token, aad=comment_aad(subject)).decode("utf-8")
        return AuditEntry(
            id=entry_id, at=from_db(at), actor=actor, action=action,
            subject=subject, before=before, after=after, comment=comment,
        )
