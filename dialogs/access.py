"""Least privilege over drafts: who may read a whole record, and the audit row each
staff read leaves (PIPL Art. 51; architecture.md "Roles").

* an applicant reads only their own drafts (the worker's account, or one they started);
* a clerk, the drafts they started and those of their unit(s);
* a reviewer, every draft;
* an admin manages roles and reads personal data only as a reviewer would: through the
  same views, each read audited; holding only ``admin`` gives no record.

Group chats get no personal data at all (the Telegram channel answers there only with a
pointer to a private chat: :data:`GROUP_POINTER`); the web chat and the terminal are
always private.

Staff views call :func:`can_read` before they show a record and :func:`audit_read`
(or :func:`read_in_step` inside a dialog step) when they do: every staff read of a
whole record is an audit row, not only every change.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

STAFF_READ = "draft_read"  # the audit action of a staff read
# statuses of a record the union holds or is deciding on (a withdrawn or rejected one is no file)
ON_FILE = frozenset({"submitted", "under_review", "home_visited", "approved", "in_public_notice", "filed",
                     "entered"})
GROUP_POINTER = "privacy.group_pointer"  # what the bot says in a group chat


def _get(draft: Any, name: str) -> Any:
    return draft.get(name) if isinstance(draft, dict) else getattr(draft, name, None)


def owns(user_key: str, draft: Any) -> bool:
    """The draft is the person's own: theirs as the worker, or started by them."""
    return user_key in (_get(draft, "applicant_key"), _get(draft, "created_by"))


def can_read(roles: Collection[str], user_key: str, draft: Any, units: Collection[str] = ()) -> bool:
    """Whether ``user_key`` with ``roles`` (and, for a clerk, their ``units``) may read the
    whole ``draft`` (a StoredDraft, a dialogs Draft, or a dict with its columns)."""
    if draft is None:
        return False
    if "reviewer" in roles or "admin" in roles:
        return True
    if owns(user_key, draft):
        return True
    return "clerk" in roles and _get(draft, "unit") is not None and _get(draft, "unit") in set(units)


def is_staff_read(user_key: str, draft: Any) -> bool:
    """A read that is audited: of a record that is not the reader's own."""
    return not owns(user_key, draft)


async def audit_read(tx: Any, reader: str, reference: str, *, at: dt.datetime, view: str = "record") -> None:
    """The audit row of a staff read of a whole record (``view``: what was shown:
    record, document, export...)."""
    await tx.audit.add(reader, STAFF_READ, f"draft:{reference}", after=view, at=at)


async def audit_export(tx: Any, reader: str, unit: str | None, count: int, *, at: dt.datetime) -> None:
    """The audit row of a staff read of many whole records at once (the records export of
    ``unit``, or of every unit): one row naming what was read and how many."""
    await tx.audit.add(reader, STAFF_READ, f"export:{unit or '*'}", after=f"records:{count}", at=at)


def read_in_step(turn: Any, draft: Any, *, units: Collection[str] = (), view: str = "record") -> bool:
    """Inside a dialog step (run whole on the database's thread): whether the person may
    read ``draft``; when they may and it is not their own, the audit row is written now."""
    from dialogs.reminder_plan import inline

    ctx = turn.ctx
    person = ctx.person or ""
    if not can_read(ctx.roles, person, draft, units):
        return False
    if is_staff_read(person, draft) and ctx.tx is not None:
        inline(audit_read(ctx.tx, person, _get(draft, "reference"), at=ctx.tx.privacy.now(), view=view))
    return True


def household_files(duplicates: Collection[Any]) -> list[Any]:
    """Of a draft's duplicates (:meth:`storage.repos.privacy.PrivacyRepo.duplicates`), the
    other records on file or under way whose applicant is this applicant or their spouse
    (一户一档: one household, one file), found by keyed hashes without decrypting."""
    same_household = {("applicant", "applicant"), ("spouse", "applicant"), ("applicant", "spouse")}
    return [d for d in duplicates if d.status in ON_FILE and (d.role_here, d.role_there) in same_household]


def filed_elsewhere_contradicted(duplicates: Collection[Any], screening: dict[str, Any]) -> list[Any]:
    """The household's other files when the screening's answer was "not filed elsewhere"
    (staff are shown these; where the answer was yes or not given there is nothing to check)."""
    if screening.get("filed_elsewhere") is not False:
        return []
    return household_files(duplicates)
