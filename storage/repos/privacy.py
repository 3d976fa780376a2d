"""PrivacyRepo: keyed hashes of ID numbers, deletion requests, and erasing a person.

* **Duplicate households (一户一档).** Every ID number in a draft (the applicant's and
  each member's) is kept as a keyed hash (:meth:`DataCipher.id_hash`, HMAC under a key
  derived from the data key) in ``id_hashes``, rewritten on every save of the draft
  (:meth:`DraftRepo.save` calls :meth:`PrivacyRepo.index_draft`). Staff see that the
  same person, or a spouse, already has a draft or a file (:meth:`duplicates`) without
  anything being decrypted.
* **Deletion requests.** A submitted or filed record is not deleted on the person's
  word alone: :meth:`request_deletion` files a request, staff answer it
  (:meth:`answer`: erased or refused, with a reason, encrypted).
* **Erasing.** :meth:`erase_draft` removes a draft and everything kept under its
  reference; :meth:`erase_person` removes the person's account, session, last replies,
  messages, reminders, mutes and consents, and masks their key in the audit log (the
  audit keeps who did what, masked: :func:`mask_key`).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from storage.crypto import DataCipher
from storage.models import check_user_key
from storage.repos.base import Conn, fetch_all, fetch_one, placeholders, run
from storage.times import Clock, from_db, to_db

HashRole = Literal["applicant", "spouse", "member"]
SPOUSES = frozenset({"husband", "wife"})  # relation options (form.yaml) that make a member a spouse
RequestState = Literal["open", "erased", "refused"]


def mask_key(key: str) -> str:
    """A person's key as the audit log keeps it once they are forgotten: the channel
    and the last two characters ('tg:••89')."""
    channel, _, ident = key.partition(":")
    return f"{channel}:••{ident[-2:]}" if ident else "••"


def reason_aad(request_id: int) -> bytes:
    """Binds a deletion request's reason to the request."""
    return f"deletion:{int(request_id)}".encode()


def ids_of(content: dict[str, Any]) -> list[tuple[str, HashRole]]:
    """The ID numbers in a draft's content (as stored) with the person's place in it."""
    form = content.get("form") or {}
    found: list[tuple[str, HashRole]] = []
    if form.get("id_number"):
        found.append((str(form["id_number"]), "applicant"))
    for member in form.get("members") or []:
        if member.get("id_number"):
            role: HashRole = "spouse" if member.get("relation") in SPOUSES else "member"
            found.append((str(member["id_number"]), role))
    return found


class Duplicate(BaseModel):
    """Another draft holding an ID number of this one."""

    model_config = ConfigDict(frozen=True)

    reference: str  # the other draft
    status: str
    role_here: HashRole  # the person's place in this draft
    role_there: HashRole  # and in the other


class DeletionRequest(BaseModel):
    """A person's request to delete a record staff hold."""

    model_config = ConfigDict(frozen=True)

    id: int
    reference: str
    requested_by: str
    requested_at: datetime
    state: RequestState
    answered_by: str | None = None
    answered_at: datetime | None = None
    reason: str | None = None


class PrivacyRepo:
    """See the module docstring."""

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn = conn
        self._cipher = cipher
        self._clock = clock

    def now(self) -> datetime:
        """The transaction's clock (for audit rows written by a dialog step)."""
        return self._clock()

    # ---- keyed hashes of ID numbers ----------------------------------------------------------
    async def index_draft(self, reference: str, content: dict[str, Any]) -> int:
        """Rewrites the draft's ID hashes from its content; how many it holds."""
        await run(self._conn, "DELETE FROM id_hashes WHERE reference = ?", (reference,))
        pairs = {(self._cipher.id_hash(number), role) for number, role in ids_of(content)}
        for digest, role in sorted(pairs):
            await run(self._conn, "INSERT INTO id_hashes (reference, id_hash, role) VALUES (?, ?, ?) "
                      "ON CONFLICT DO NOTHING", (reference, digest, role))
        return len(pairs)

    async def drafts_with_id(self, id_number: str) -> list[tuple[str, str, HashRole]]:
        """(reference, status, role) of every draft holding this ID number."""
        rows = await fetch_all(
            self._conn, "SELECT h.reference, d.status, h.role FROM id_hashes h JOIN drafts d "
            "ON d.reference = h.reference WHERE h.id_hash = ? ORDER BY h.reference",
            (self._cipher.id_hash(id_number),))
        return [(ref, status, role) for ref, status, role in rows]

    async def duplicates(self, reference: str) -> list[Duplicate]:
        """Other drafts that hold an ID number of this draft (the same person or a spouse)."""
        rows = await fetch_all(
            self._conn, "SELECT o.reference, d.status, h.role, o.role FROM id_hashes h "
            "JOIN id_hashes o ON o.id_hash = h.id_hash AND o.reference <> h.reference "
            "JOIN drafts d ON d.reference = o.reference WHERE h.reference = ? ORDER BY o.reference",
            (reference,))
        return [Duplicate(reference=r, status=s, role_here=a, role_there=b) for r, s, a, b in rows]

    # ---- deletion requests -------------------------------------------------------------------
    async def request_deletion(self, reference: str, requested_by: str) -> int | None:
        """Files a request to delete ``reference``; its id (None: one is already open)."""
        check_user_key(requested_by)
        row = await fetch_one(
            self._conn, "INSERT INTO deletion_requests (reference, requested_by, requested_at) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING RETURNING id", (reference, requested_by, to_db(self._clock())))
        return int(row[0]) if row else None

    async def requests(self, state: RequestState = "open", *, limit: int = 100) -> list[DeletionRequest]:
        """Deletion requests in ``state``, oldest first."""
        rows = await fetch_all(
            self._conn, "SELECT id, reference, requested_by, requested_at, state, answered_by, answered_at, "
            "reason FROM deletion_requests WHERE state = ? ORDER BY id LIMIT ?", (state, int(limit)))
        return [self._request(row) for row in rows]

    async def request(self, request_id: int) -> DeletionRequest | None:
        """One deletion request."""
        row = await fetch_one(
            self._conn, "SELECT id, reference, requested_by, requested_at, state, answered_by, answered_at, "
            "reason FROM deletion_requests WHERE id = ?", (int(request_id),))
        return self._request(row) if row else None

    async def answer(self, request_id: int, state: Literal["erased", "refused"], answered_by: str,
                     reason: str | None = None) -> bool:
        """Staff's answer to an open request; False if it was not open."""
        check_user_key(answered_by)
        token = self._cipher.encrypt(reason.encode("utf-8"), aad=reason_aad(request_id)) if reason else None
        return bool(await run(
            self._conn, "UPDATE deletion_requests SET state = ?, answered_by = ?, answered_at = ?, reason = ? "
            "WHERE id = ? AND state = 'open'", (state, answered_by, to_db(self._clock()), token, int(request_id))))

    def _request(self, row: tuple) -> DeletionRequest:
        rid, ref, by, at, state, answered_by, answered_at, token = row
        reason = self._cipher.decrypt(token, aad=reason_aad(rid)).decode("utf-8") if token else None
        return DeletionRequest(id=rid, reference=ref, requested_by=by, requested_at=from_db(at), state=state,
                               answered_by=answered_by, answered_at=from_db(answered_at) if answered_at else None,
                               reason=reason)

    # ---- erasing -----------------------------------------------------------------------------
    async def erase_draft(self, reference: str) -> bool:
        """Removes a draft and what is kept under its reference (hashes, consents, reminders,
        staff records); its audit rows stay without comments. False if there was no draft."""
        subject = f"draft:{reference}"
        gone = await run(self._conn, "DELETE FROM drafts WHERE reference = ?", (reference,))
        await run(self._conn, "DELETE FROM id_hashes WHERE reference = ?", (reference,))
        await run(self._conn, "DELETE FROM consents WHERE subject = ?", (subject,))
        await run(self._conn, "DELETE FROM reminders WHERE subject = ?", (subject,))
        await run(self._conn, "DELETE FROM retention_notices WHERE subject = ?", (subject,))
        await run(self._conn, "UPDATE audit_log SET comment = NULL WHERE subject = ?", (subject,))
        for table in await self._staff_tables():  # the staff desk's records of the case, where present
            await run(self._conn, f"DELETE FROM {table} WHERE reference = ?", (reference,))
        return bool(gone)

    async def erase_person(self, key: str, *, keep_consents: bool = False) -> dict[str, int]:
        """Removes the person's account and what is kept about them (not their drafts: see
        :meth:`erase_draft`); masks their key in the audit log and deletion requests.
        ``keep_consents``: a record of theirs is kept, and the consent it rests on with it."""
        check_user_key(key)
        masked = mask_key(key)
        counts = {
            "outbox": await run(self._conn, "DELETE FROM outbox WHERE recipient = ?", (key,)),
            "reminders": await run(self._conn, "DELETE FROM reminders WHERE recipient = ?", (key,)),
            "updates": await run(self._conn, "DELETE FROM processed_updates WHERE user_key = ?", (key,)),
        }
        await run(self._conn, "DELETE FROM reminder_mutes WHERE user_key = ?", (key,))
        await run(self._conn, "DELETE FROM unreachable_recipients WHERE user_key = ?", (key,))
        await run(self._conn, "DELETE FROM retention_notices WHERE subject = ?", (f"session:{key}",))
        await run(self._conn, "UPDATE reminders SET started_by = NULL WHERE started_by = ?", (key,))
        if not keep_consents:
            await run(self._conn, "DELETE FROM consents WHERE subject = ?", (key,))
        await run(self._conn, "UPDATE consents SET recorded_by = ? WHERE recorded_by = ? AND subject <> ?",
                  (f"{masked}", key, key))
        counts["audit"] = await run(
            self._conn, "UPDATE audit_log SET actor = CASE WHEN actor = ? THEN ? ELSE actor END, "
            "subject = CASE WHEN subject = ? THEN ? ELSE subject END, "
            "comment = CASE WHEN subject = ? THEN NULL ELSE comment END WHERE actor = ? OR subject = ?",
            (key, masked, key, masked, key, key, key))
        await run(self._conn, "UPDATE deletion_requests SET requested_by = ? WHERE requested_by = ? "
                  "AND state <> 'open'", (masked, key))
        counts["session"] = await run(self._conn, "DELETE FROM dialog_sessions WHERE user_key = ?", (key,))
        await run(self._conn, "DELETE FROM last_replies WHERE user_key = ?", (key,))
        counts["account"] = await run(self._conn, "DELETE FROM users WHERE key = ?", (key,))
        return counts

    # ---- what is kept about a person (/mydata) ------------------------------------------------
    async def export(self, key: str) -> dict[str, Any]:
        """Everything stored about the person, decrypted, as plain JSON: account, roles,
        conversation, their own drafts (drafts they filled for others are listed by
        reference only: those are the workers' data), consents, deletion requests,
        messages and reminders waiting for them, and the audit rows about them."""
        check_user_key(key)
        user = await fetch_one(self._conn, "SELECT language, created_at FROM users WHERE key = ?", (key,))
        roles = [r[0] for r in await fetch_all(self._conn, "SELECT role FROM user_roles WHERE user_key = ? "
                                                "ORDER BY role", (key,))]
        session = await fetch_one(self._conn, "SELECT state, updated_at FROM dialog_sessions WHERE user_key = ?",
                                  (key,))
        drafts = await fetch_all(
            self._conn, "SELECT reference, status, applicant_key, created_at, updated_at, content FROM drafts "
            "WHERE applicant_key = ? OR created_by = ? ORDER BY created_at", (key, key))
        own = [ref for ref, _, applicant, *_ in drafts if applicant == key]
        subjects = [key, *(f"draft:{ref}" for ref in own)]
        consents = await fetch_all(
            self._conn, f"SELECT subject, scope, version, given, at FROM consents WHERE subject IN "
            f"({placeholders(len(subjects))}) ORDER BY id", subjects)
        audit = await fetch_all(
            self._conn, f"SELECT at, actor, action, subject, before, after FROM audit_log WHERE actor = ? "
            f"OR subject IN ({placeholders(len(subjects))}) ORDER BY id", (key, *subjects))
        outbox = await fetch_all(self._conn, "SELECT created_at, state, payload FROM outbox WHERE recipient = ? "
                                 "AND state <> 'sent' ORDER BY id", (key,))
        reminders = await fetch_all(self._conn, "SELECT kind, due_at, state FROM reminders WHERE recipient = ? "
                                    "ORDER BY id", (key,))
        requests = await fetch_all(self._conn, "SELECT reference, state, requested_at, answered_at FROM "
                                   "deletion_requests WHERE requested_by = ? ORDER BY id", (key,))
        return {
            "person": key,
            "account": {"language": user[0], "created_at": user[1], "roles": roles} if user else None,
            "conversation": {"updated_at": session[1],
                             "state": self._cipher.decrypt_json(session[0], aad=b"session:" + key.encode())}
            if session else None,
            "drafts": [{"reference": ref, "status": status, "created_at": created, "updated_at": updated,
                        "content": self._cipher.decrypt_json(token, aad=b"draft:" + ref.encode())}
                       for ref, status, applicant, created, updated, token in drafts if applicant == key],
            "drafts_filled_for_others": [ref for ref, _, applicant, *_ in drafts if applicant != key],
            "consents": [{"subject": s, "scope": sc, "version": v, "given": bool(g), "at": at}
                         for s, sc, v, g, at in consents],
            "deletion_requests": [{"reference": r, "state": st, "requested_at": a, "answered_at": b}
                                  for r, st, a, b in requests],
            "messages_waiting": [{"created_at": at, "state": st,
                                  "message": self._cipher.decrypt_json(token, aad=b"outbox:" + key.encode())}
                                 for at, st, token in outbox],
            "reminders": [{"kind": k, "due_at": d, "state": st} for k, d, st in reminders],
            "audit": [{"at": at, "actor": actor, "action": action, "subject": subject, "before": before,
                       "after": after} for at, actor, action, subject, before, after in audit],
        }

    async def _staff_tables(self) -> list[str]:
        """The staff desk's tables keyed by a draft's reference (migration 6), where present."""
        rows = await fetch_all(
            self._conn, f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({placeholders(3)})",
            ("case_events", "notice_households", "filings"))
        return sorted(row[0] for row in rows)
