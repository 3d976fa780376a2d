"""What /mydata and /forget do outside the dialog step.

* :func:`attach_exports`: a reply naming ``mydata.json:<person>`` or ``mydata.txt:<person>``
  gets the file, made after the step from a short read of its own
  (:meth:`storage.repos.privacy.PrivacyRepo.export`): JSON as stored, and a readable text
  with the form's own field labels.
* :func:`after_step`: the erasure /forget asked for, carried out in the step's transaction
  after the session was written (so the session goes too): the unfinished drafts,
  deletion requests for the others, and the account (:meth:`PrivacyRepo.erase_person`).
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any

from locales import translator

from dialogs.render import Rendered
from dialogs.types import Label

KINDS = ("mydata.json", "mydata.txt")
FIELDS = {f.name for f in dataclasses.fields(Rendered)}


async def after_step(tx: Any, person: str, flows: dict[str, Any]) -> dict[str, int] | None:
    """Carries out an erasure the step asked for (None: none was asked)."""
    asked = (flows.get("privacy") or {}).get("erase")
    if not asked:
        return None
    now = tx.privacy.now()
    for ref in asked.get("drafts", []):
        draft = await tx.drafts.get(ref)
        if draft is not None and draft.applicant_key == person:
            await tx.privacy.erase_draft(ref)
    requested = 0
    for ref in asked.get("requests", []):
        if await tx.privacy.request_deletion(ref, person) is not None:
            requested += 1
            await tx.audit.add(person, "deletion_requested", f"draft:{ref}", at=now)
    counts = await tx.privacy.erase_person(person, keep_consents=bool(asked.get("requests")))
    await tx.audit.add("system", "person_forgotten", "person", after=f"drafts={len(asked.get('drafts', []))} "
                       f"requests={requested}", at=now)
    return counts


def readable(data: dict[str, Any], lang: str) -> str:
    """The export as plain text in ``lang``: one section per kind of data."""
    from dialogs import form_fields as ff

    t = translator(lang)
    out = [t("privacy.export.title"), ""]

    def section(title: str, rows: list[str]) -> None:
        out.append(f"== {t(title)} ==")
        out.extend(rows or [t("privacy.export.none")])
        out.append("")

    def field_label(name: str, member: bool = False) -> str:
        try:
            found = ff.label(("members.0." if member else "") + name)
        except (KeyError, ValueError):
            return name
        return found.get(lang) if isinstance(found, Label) else t(found.id)

    account = data.get("account") or {}
    section("privacy.export.account", [f"{k}: {v}" for k, v in account.items()])
    conversation = data.get("conversation") or {}
    answers = ((conversation.get("state") or {}).get("flows") or {}).get("screening", {}).get("answers", {})
    section("privacy.export.screening", [f"{k}: {v}" for k, v in answers.items()])
    for draft in data.get("drafts", []):
        form = (draft.get("content") or {}).get("form") or {}
        rows = [f"{t('privacy.export.status')}: {draft['status']}"]
        for name, value in form.items():
            if value in (None, "", []) or name in ("members", "confirmed"):
                continue
            rows.append(f"{field_label(name)}: {value}")
        for i, member in enumerate(form.get("members") or [], start=1):
            rows.append(f"#{i} " + "; ".join(f"{field_label(k, True)}: {v}" for k, v in member.items()
                                             if v not in (None, "", [])))
        section("privacy.export.draft", [draft["reference"], *rows])
    section("privacy.export.consents", [f"{c['at']} {c['scope']} {c['version']}: {'✓' if c['given'] else '✗'}"
                         for c in data.get("consents", [])])
    section("privacy.export.requests", [f"{r['reference']}: {r['state']}" for r in data.get("deletion_requests", [])])
    section("privacy.export.audit", [f"{a['at']} {a['actor']} {a['action']} {a['subject']} {a['after'] or ''}".rstrip()
                      for a in data.get("audit", [])])
    out.append(t("privacy.export.note"))
    return "\n".join(out) + "\n"


async def attach_exports(db: Any, documents: list[tuple[int, tuple[str, str]]], rendered: list[Rendered],
                         lang: str) -> list[Rendered]:
    """The replies with the /mydata files attached (``documents``: (reply index, (file, kind)))."""
    wanted = [(i, name, kind.partition(":")) for i, (name, kind) in documents if kind.partition(":")[0] in KINDS]
    if not wanted:
        return rendered
    people = {person for _, _, (_, _, person) in wanted}
    async with db.transaction() as tx:
        data = {person: await tx.privacy.export(person) for person in people}
    for i, name, (kind, _, person) in wanted:
        if kind == "mydata.json":
            body = json.dumps(data[person], ensure_ascii=False, indent=2).encode("utf-8")
        else:
            body = readable(data[person], lang).encode("utf-8")
        protect = {"protect": True} if "protect" in FIELDS else {}  # no forwarding where the channel can
        rendered[i] = dataclasses.replace(rendered[i], document=(name, body), **protect)
    return rendered
