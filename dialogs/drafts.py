"""Draft records as the dialogs see them, and the :class:`Desk` a step works on.

Steps are synchronous and never touch storage. Before a step the assistant loads
the person's desk (:func:`dialogs.drafts_io.load_desk`): their drafts (as the worker,
or those they started as a clerk), the reviewers to tell of a submission and their
consent answers. The step reads and changes the desk; after it, in the same
transaction, :func:`dialogs.drafts_io.save_desk` writes the changed drafts, one
audit row per status change and the consent records. Every status change goes
through :meth:`Desk.move`, which asks :mod:`rules.lifecycle` (the one place that
knows a draft's life) and refuses anything else.
"""
from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, Field

from rules import lifecycle
from rules.form import RegistrationForm

# A reference code a person can read out on the phone: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 8
Scope = Literal["screening", "form"]


class Progress(BaseModel):
    """How far the form has been filled (beyond the fields themselves)."""

    skipped: list[str] = Field(default_factory=list)  # optional fields passed over
    members_done: bool = False
    figures_confirmed: bool = False
    declared: bool = False


class DraftContent(BaseModel):
    """What is encrypted in a draft record."""

    form: RegistrationForm = Field(default_factory=RegistrationForm)
    screening: dict[str, Any] = Field(default_factory=dict)  # the answers it was prefilled from (re-run)
    verdict: Literal["eligible", "not_eligible", "undecided"] | None = None
    for_staff_to_judge: bool = False  # submitted although the rules say not eligible (or cannot decide)
    unknown_facts: list[str] = Field(default_factory=list)  # screening facts the person could not tell
    progress: Progress = Field(default_factory=Progress)
    reopen_fields: list[str] = Field(default_factory=list)  # a returned draft: the fields to correct
    comment: str | None = None  # staff's comment on a return
    reviewer: str | None = None  # the reviewer who returned it: the resubmission goes back to them
    consent: dict[str, Any] | None = None  # a worker's consent a clerk recorded for them


class Draft(BaseModel):
    """A draft record: the columns in clear and the content."""

    reference: str
    status: str = "draft"
    category: str | None = None
    unit: str | None = None
    applicant_key: str | None = None
    created_by: str
    submitted_by: str | None = None
    submitted_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    version: int = 0
    content: DraftContent = Field(default_factory=DraftContent)

    @property
    def on_behalf(self) -> bool:
        """Filled by a clerk for a worker."""
        return self.applicant_key != self.created_by

    @property
    def form(self) -> RegistrationForm:
        return self.content.form


class Transition(BaseModel):
    """A status change made in this step (an audit row)."""

    reference: str
    before: str
    after: str
    comment: str | None = None


class ConsentAnswer(BaseModel):
    """A consent answer given in this step."""

    subject: str
    scope: Scope
    version: str
    given: bool


class Desk:
    """The records one step may read and change (see the module docstring)."""

    def __init__(self, person: str, drafts: list[Draft] = (), reviewers: list[str] = (),
                 consents: dict[str, tuple[str, bool]] | None = None, *,
                 load_reviewers: Callable[[], list[str]] | None = None) -> None:
        self.person = person
        self.drafts = {d.reference: d for d in drafts}
        self._reviewers: list[str] | None = list(reviewers) if load_reviewers is None else None
        self._load_reviewers = load_reviewers
        self.consents = dict(consents or {})  # scope -> (version, given)
        self.changed: dict[str, Draft] = {}
        self.transitions: list[Transition] = []
        self.consent_answers: list[ConsentAnswer] = []

    @property
    def reviewers(self) -> list[str]:
        """The reviewers to tell of a submission (read on first use: most steps need none)."""
        if self._reviewers is None:
            self._reviewers = list(self._load_reviewers())
        return self._reviewers

    # ---- drafts -----------------------------------------------------------------------------
    def get(self, reference: str | None) -> Draft | None:
        """One of the person's drafts."""
        return self.drafts.get(reference) if reference else None

    def mine(self) -> list[Draft]:
        """The person's drafts, most recently touched first (new ones first)."""
        far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
        return sorted(self.drafts.values(), key=lambda d: d.updated_at or far, reverse=True)

    def open_draft(self, *, on_behalf: bool) -> Draft | None:
        """The person's draft still being filled or corrected (their own, or one for a worker)."""
        return next((d for d in self.mine() if lifecycle.editable(d.status) and d.on_behalf == on_behalf), None)

    def new(self, content: DraftContent, *, on_behalf: bool) -> Draft:
        """A new draft (status ``draft``) with a fresh reference code."""
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        draft = Draft(reference=reference, applicant_key=None if on_behalf else self.person,
                      created_by=self.person, content=content)
        self.drafts[reference] = draft
        return self.touch(draft)

    def touch(self, draft: Draft) -> Draft:
        """Marks ``draft`` as changed (it is written after the step); keeps category and unit in step."""
        draft.category = draft.form.hardship_category
        draft.unit = draft.form.employer
        self.changed[draft.reference] = draft
        return draft

    def move(self, draft: Draft, after: str, *, side: lifecycle.Side = "applicant",
             comment: str | None = None) -> Draft:
        """Changes the status, if the life cycle allows it (LifecycleError otherwise)."""
        lifecycle.check(draft.status, after, side)
        self.transitions.append(Transition(reference=draft.reference, before=draft.status, after=after,
                                           comment=comment))
        draft.status = after
        if after == "submitted":
            draft.submitted_by = self.person
        return self.touch(draft)

    def reviewers_for(self, draft: Draft) -> list[str]:
        """Who is told of a submission: the reviewer who returned it, else every reviewer."""
        back_to = draft.content.reviewer
        return [back_to] if back_to in self.reviewers else list(self.reviewers)

    # ---- consent ------------------------------------------------------------------------------
    def consent(self, scope: Scope, version: str) -> bool | None:
        """The person's answer to this version of the consent (None: not asked yet)."""
        found = self.consents.get(scope)
        return found[1] if found and found[0] == version else None

    def record_consent(self, scope: Scope, version: str, given: bool, subject: str | None = None) -> None:
        """Records an answer (the person's own, or a worker's a clerk records under the draft)."""
        subject = subject or self.person
        if subject == self.person:
            self.consents[scope] = (version, given)
        self.consent_answers.append(ConsentAnswer(subject=subject, scope=scope, version=version, given=given))


def desk_of(turn: Any) -> Desk:
    """The turn's desk (an empty one where the channel loaded none: nothing is written)."""
    desk = turn.ctx.desk
    return desk if desk is not None else Desk("console:nobody")
