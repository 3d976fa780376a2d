"""StaffRepo: the people of the staff desk and the units they serve.

- units: a grassroots union (基层工会) by name, as drafts name it (``drafts.unit``), with
  the contact person and the 举报电话 its public notice prints (public information);
- staff units: which unit a clerk belongs to (a reviewer belongs to the 帮扶中心, no unit);
  the role itself is a ``user_roles`` row (UserRepo), granted and revoked together;
- invites: one-time, expiring codes for a role (and a clerk's unit). Only a SHA-256 of
  the code is stored; :meth:`StaffRepo.use_invite` takes it once, before it expires.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Literal

from pydantic import BaseModel, ConfigDict

from storage.models import check_user_key
from storage.repos.base import Conn, fetch_all, fetch_one, run
from storage.times import Clock, from_db, to_db

StaffRole = Literal["clerk", "reviewer"]
STAFF_ROLES: tuple[str, ...] = ("clerk", "reviewer")
INVITE_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
INVITE_LENGTH = 16


class Unit(BaseModel):
    """A grassroots union and what its notice prints."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    contact_person: str | None = None
    report_phone: str | None = None


class StaffMember(BaseModel):
    """Someone holding a staff role (and a clerk's unit)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    user_key: str
    role: StaffRole
    unit: str | None = None
    granted_by: str
    granted_at: dt.datetime


class Invite(BaseModel):
    """An invite as the admin sees it after creating it (``code`` only then)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    role: StaffRole
    unit: str | None
    expires_at: dt.datetime


class InviteUse(BaseModel):
    """What using an invite gave (or why it gave nothing: ``refused``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: StaffRole | None = None
    unit: str | None = None
    refused: Literal["unknown", "used", "expired"] | None = None


def code_hash(code: str) -> str:
    """What is stored of an invite code."""
    return hashlib.sha256(code.strip().encode("utf-8")).hexdigest()


class StaffRepo:
    """Units, staff members and invites."""

    def __init__(self, conn: Conn, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    # ---- units ------------------------------------------------------------------------------
    async def unit(self, name: str) -> Unit | None:
        """The unit's settings, or None if none were ever set."""
        row = await fetch_one(self._conn, "SELECT name, contact_person, report_phone FROM units WHERE name = ?",
                              (name,))
        return Unit(name=row[0], contact_person=row[1], report_phone=row[2]) if row else None

    async def set_unit(self, name: str, *, contact_person: str | None, report_phone: str | None,
                       by: str) -> Unit:
        """Creates or changes a unit's contact person and report phone."""
        now = to_db(self._clock())
        await run(self._conn,
                  "INSERT INTO units (name, contact_person, report_phone, updated_by, updated_at) "
                  "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET contact_person = excluded.contact_person, "
                  "report_phone = excluded.report_phone, updated_by = excluded.updated_by, "
                  "updated_at = excluded.updated_at", (name, contact_person, report_phone, by, now))
        return Unit(name=name, contact_person=contact_person, report_phone=report_phone)

    # ---- staff --------------------------------------------------------------------------------
    async def add_member(self, user_key: str, role: StaffRole, unit: str | None, by: str) -> None:
        """Grants ``role`` (the user_roles row too) with the clerk's unit."""
        check_user_key(user_key)
        await run(self._conn, "INSERT INTO user_roles (user_key, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
                  (user_key, role))
        await run(self._conn,
                  "INSERT INTO staff_units (user_key, role, unit, granted_by, granted_at) VALUES (?, ?, ?, ?, ?) "
                  "ON CONFLICT (user_key, role) DO UPDATE SET unit = excluded.unit, granted_by = excluded.granted_by, "
                  "granted_at = excluded.granted_at", (user_key, role, unit, by, to_db(self._clock())))

    async def remove_member(self, user_key: str, role: StaffRole) -> bool:
        """Revokes ``role``; False if it was not held."""
        check_user_key(user_key)
        await run(self._conn, "DELETE FROM staff_units WHERE user_key = ? AND role = ?", (user_key, role))
        return bool(await run(self._conn, "DELETE FROM user_roles WHERE user_key = ? AND role = ?",
                              (user_key, role)))

    async def members(self) -> list[StaffMember]:
        """Everyone holding a staff role, by role then key (a role granted outside the desk: no unit)."""
        rows = await fetch_all(
            self._conn,
            "SELECT r.user_key, r.role, s.unit, COALESCE(s.granted_by, ''), s.granted_at FROM user_roles r "
            "LEFT JOIN staff_units s ON s.user_key = r.user_key AND s.role = r.role "
            "WHERE r.role IN ('clerk', 'reviewer') ORDER BY r.role, r.user_key")
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
        return [StaffMember(user_key=k, role=role, unit=unit, granted_by=by,
                            granted_at=from_db(at) if at else epoch) for k, role, unit, by, at in rows]

    async def unit_of(self, user_key: str) -> str | None:
        """A clerk's unit (None: not a clerk, or none recorded)."""
        row = await fetch_one(self._conn, "SELECT unit FROM staff_units WHERE user_key = ? AND role = 'clerk'",
                              (user_key,))
        return row[0] if row else None

    # ---- invites ------------------------------------------------------------------------------
    async def create_invite(self, role: StaffRole, unit: str | None, by: str, *, valid_for: dt.timedelta) -> Invite:
        """A new one-time code for ``role`` (a clerk's needs the unit)."""
        if role not in STAFF_ROLES:
            raise ValueError(f"an invite is for one of {STAFF_ROLES}")
        if role == "clerk" and not unit:
            raise ValueError("a clerk's invite names the unit")
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
        now = self._clock()
        expires = now + valid_for
        await run(self._conn, "INSERT INTO invites (code_hash, role, unit, created_by, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)", (code_hash(code), role, unit if role == "clerk" else None, by,
                                                to_db(now), to_db(expires)))
        return Invite(code=code, role=role, unit=unit if role == "clerk" else None, expires_at=from_db(to_db(expires)))

    async def use_invite(self, code: str, user_key: str) -> InviteUse:
        """Takes the invite for ``user_key`` (the role is granted) once, before it expires."""
        check_user_key(user_key)
        row = await fetch_one(self._conn, "SELECT role, unit, created_by, expires_at, used_by FROM invites "
                              "WHERE code_hash = ?", (code_hash(code),))
        if row is None:
            return InviteUse(refused="unknown")
        role, unit, by, expires, used_by = row
        if used_by is not None:
            return InviteUse(refused="used")
        now = self._clock()
        if from_db(expires) <= now:
            return InviteUse(refused="expired")
        changed = await run(self._conn, "UPDATE invites SET used_by = ?, used_at = ? WHERE code_hash = ? "
                            "AND used_by IS NULL", (user_key, to_db(now), code_hash(code)))
        if changed != 1:
            return InviteUse(refused="used")
        await self.add_member(user_key, role, unit, by)
        return InviteUse(role=role, unit=unit)
