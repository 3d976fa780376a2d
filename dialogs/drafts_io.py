"""Loading a person's :class:`dialogs.drafts.Desk` before a step and writing it after
(in the step's transaction); attaching documents to replies after the step.

Documents are made outside the transaction: :func:`render_replies` reads the drafts
a reply names in a short read of its own, then builds the DOCX or PDF.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from documents.form_doc import FormDocument, registration_form_docx, registration_form_pdf
from rules.edition import Edition
from rules.form import RegistrationForm
from storage import StoredDraft

from dialogs.drafts import Desk, Draft, DraftContent
from dialogs.render import Rendered, render
from dialogs.privacy_export import attach_exports
from dialogs.reminder_plan import inline
from dialogs.types import Reply

FORMATS = {"docx": registration_form_docx, "pdf": registration_form_pdf}


def _draft(stored: StoredDraft) -> Draft:
    return Draft(reference=stored.reference, status=stored.status, category=stored.category, unit=stored.unit,
                 applicant_key=stored.applicant_key, created_by=stored.created_by,
                 submitted_by=stored.submitted_by, submitted_at=stored.submitted_at,
                 updated_at=stored.updated_at, version=stored.version,
                 content=DraftContent.model_validate(stored.content))


stored_to_draft = _draft  # a stored draft as the dialogs see it (the staff desk loads cases with it)


async def load_desk(tx: Any, user_key: str) -> Desk:
    """The person's drafts and consent answers; the reviewers are read when the step
    first asks for them (a submission, an erasure), inside the same transaction."""
    drafts = [_draft(d) for d in await tx.drafts.list_for(user_key)]
    consents = {scope: (found.version, found.given)
                for scope, found in (await tx.consents.latest_by_scope(user_key)).items()}
    return Desk(user_key, drafts, consents=consents,
                load_reviewers=lambda: inline(tx.users.keys_with_role("reviewer")))


async def save_desk(tx: Any, desk: Desk, now: dt.datetime, *, nudge: tuple[Any, int] | None = None) -> None:
    """Writes what the step changed: drafts, one audit row per status change, consents;
    with ``nudge`` (a reminder policy, days), a draft still being filled gets its one
    gentle reminder planned that many days after this last touch (moved by every touch,
    withdrawn once it is submitted or withdrawn)."""
    for draft in desk.changed.values():
        if nudge is not None:
            await _nudge(tx, draft, now, *nudge)
        stored = StoredDraft(reference=draft.reference, status=draft.status, category=draft.category,
                             unit=draft.unit, applicant_key=draft.applicant_key, created_by=draft.created_by,
                             submitted_by=draft.submitted_by,
                             submitted_at=now if draft.status == "submitted" else draft.submitted_at,
                             version=draft.version, content=draft.content.model_dump(mode="json"))
        saved = await tx.drafts.save(stored)
        draft.version, draft.updated_at = saved.version, saved.updated_at
    for move in desk.transitions:
        await tx.audit.add(desk.person, "draft_status", f"draft:{move.reference}", before=move.before,
                           after=move.after, comment=move.comment, at=now)
    for answer in desk.consent_answers:
        await tx.consents.record(answer.subject, answer.scope, answer.version, answer.given, desk.person)
        await tx.audit.add(desk.person, "consent_given" if answer.given else "consent_refused",
                           answer.subject, after=f"{answer.scope}:{answer.version}", at=now,
                           conversation=answer.given)
    desk.changed.clear()
    desk.transitions.clear()
    desk.consent_answers.clear()


async def _nudge(tx: Any, draft: Any, now: dt.datetime, policy: Any, days: int) -> None:
    from dialogs.reminder_plan import plan_case_reminders, withdraw

    subject = f"draft:{draft.reference}:unfinished"
    if draft.status != "draft":
        await withdraw(tx, subject)
        return
    due = (now + dt.timedelta(days=days)).date()
    await plan_case_reminders(tx, "draft_unfinished", subject, draft.created_by, due, policy=policy,
                              days_before=(0,))


def document_bytes(form: RegistrationForm, kind: str, edition: Edition, lang: str) -> bytes:
    """The 登记表 of ``form`` in format ``kind`` (docx or pdf), bank card masked."""
    return FORMATS[kind](FormDocument(form=form), edition, lang=lang)


async def render_replies(db: Any, replies: list[Reply], lang: str, edition: Edition,
                         progress: Any = None) -> list[Rendered]:
    """The replies in ``lang``; a reply naming a document (``"form.docx:REF"``) gets its bytes
    (the staff desk's documents: dialogs/staff_documents.py, ``progress(count)`` for long ones)."""
    rendered = [render(r, lang) for r in replies]
    wanted = [(i, r.document) for i, r in enumerate(replies) if r.document]
    rendered = await attach_exports(db, wanted, rendered, lang)  # /mydata (dialogs/privacy_export.py)
    rendered = await attach_staff_documents(db, wanted, rendered, lang, edition, progress)
    wanted = [(i, doc) for i, doc in wanted if doc[1].startswith("form.")]
    if not wanted:
        return rendered
    async with db.transaction() as tx:
        found = {ref: await tx.drafts.get(ref) for _, (_, kind) in wanted for ref in [kind.partition(":")[2]]}
    for i, (filename, kind) in wanted:
        fmt, _, ref = kind.partition(":")
        stored = found.get(ref)
        if stored is None or fmt.removeprefix("form.") not in FORMATS:
            continue
        form = DraftContent.model_validate(stored.content).form
        data = document_bytes(form, fmt.removeprefix("form."), edition, lang)
        rendered[i] = _with_document(rendered[i], filename, data)
    return rendered


async def attach_staff_documents(db: Any, wanted: list, rendered: list[Rendered], lang: str, edition: Edition,
                                 progress: Any = None) -> list[Rendered]:
    """The staff desk's documents (notice, card, statistics, records) attached where asked."""
    from dialogs.staff_documents import MAKERS, make

    for i, (filename, kind) in wanted:
        if kind.partition(".")[0] in MAKERS:
            data = await make(db, kind, edition, lang, progress)
            if data is not None:
                rendered[i] = _with_document(rendered[i], filename, data)
    return rendered


def _with_document(r: Rendered, filename: str, data: bytes) -> Rendered:
    from dataclasses import replace
    return replace(r, document=(filename, data))
