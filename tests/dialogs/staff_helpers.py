"""The staff desk's people and seeded drafts, for tests/dialogs/test_staff_*.py.

``staff(assistant)`` gives an admin, a reviewer and a clerk who joined through invite
links; ``seed_draft`` stores a complete submitted draft as the form flow would have.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from form_filler import APPLICANT, SON, WIFE
from harness import Person

from dialogs import form_fields as ff
from dialogs.drafts import DraftContent, Progress
from rules.form import RegistrationForm
from storage import StoredDraft

ADMIN, REVIEWER, CLERK, APPLICANT_KEY = "tg:1", "tg:2", "tg:3", "tg:1001"
UNIT = "某中学"


def full_form(**changes: Any) -> RegistrationForm:
    """A complete applicant's form (the test profile), with ``changes``."""
    data = {k: v for k, v in APPLICANT.items() if v is not None}
    data |= {"worker_type": "worker", "hardship_category": "marginal", "sex": "male", "birth_date": "1975-06-01",
             "hukou": "urban", "mobile": "13800138000", "members": [WIFE, SON]}
    return RegistrationForm.model_validate(data | changes)


async def seed_draft(assistant, reference: str, *, status: str = "submitted", unit: str = UNIT,
                     applicant: str = APPLICANT_KEY, screening: dict[str, Any] | None = None,
                     **changes: Any) -> StoredDraft:
    """A stored draft in ``status`` (the employer is the unit), prefilled from ``screening``'s answers."""
    form = full_form(employer=unit, **changes)
    skipped = [f for f in ff.OPTIONAL if getattr(form, f, None) in (None, [], "")]
    progress = Progress(skipped=skipped, members_done=True, figures_confirmed=True, declared=True)
    content = DraftContent(form=form, screening=screening or {}, verdict="eligible",
                           progress=progress).model_dump(mode="json")
    async with assistant.db.transaction() as tx:
        return await tx.drafts.save(StoredDraft(
            reference=reference, status=status, category=form.hardship_category, unit=unit, applicant_key=applicant,
            created_by=applicant, submitted_by=applicant, submitted_at=dt.datetime(2016, 9, 1, tzinfo=dt.timezone.utc),
            content=content))


async def invited(admin: Person, key: str, role: str, unit: str | None = None) -> Person:
    """``key`` joins as ``role`` through an invite the admin makes."""
    await admin.command("staff")
    await admin.press(f"stf:invite:{role}")
    if role == "clerk":
        await admin.say(unit or UNIT)
    line = next(x for x in admin.text.splitlines() if x.startswith("/start inv-"))
    person = Person(admin.assistant, key)
    await person.command("start", line.removeprefix("/start "))
    return person


async def staff(assistant) -> tuple[Person, Person, Person]:
    """(admin, reviewer, clerk of UNIT)."""
    assistant.admin_keys = frozenset({ADMIN})
    admin = Person(assistant, ADMIN)
    reviewer = await invited(admin, REVIEWER, "reviewer")
    clerk = await invited(admin, CLERK, "clerk")
    return admin, reviewer, clerk


async def status_of(assistant, reference: str) -> str:
    async with assistant.db.transaction() as tx:
        return (await tx.drafts.get(reference)).status
