"""Where the person's drafts stand (/status), their own copy of the form (/mydraft),
withdrawing one, and going back to one staff returned with comments.

```mermaid
stateDiagram-v2
    [*] --> list: /status
    list --> form: continue a draft · correct a returned one (straight to the flagged fields)
    list --> withdraw: withdraw (where the life cycle allows it)
    withdraw --> list: yes (status withdrawn) · no
    list --> copy: my copy
    [*] --> copy: /mydraft (the latest draft)
    copy --> [*]: the 登记表 as DOCX and PDF (sent in Telegram, written to a file in the terminal)
```
"""
from __future__ import annotations


from rules import lifecycle

from dialogs.drafts import Draft, desk_of
from dialogs.form_facts import judge_mark
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.types import Choice, Msg, Pick, Reply, Text

STATUS = {"draft": "draft.status.draft", "submitted": "draft.status.submitted",
          "under_review": "draft.status.under_review", "home_visited": "draft.status.home_visited",
          "approved": "draft.status.approved", "in_public_notice": "draft.status.in_public_notice",
          "filed": "draft.status.filed", "entered": "draft.status.entered", "returned": "draft.status.returned",
          "rejected": "draft.status.rejected", "withdrawn": "draft.status.withdrawn",
          "cancelled": "draft.status.cancelled", "escaped": "draft.status.escaped"}
SHOWN_AT_MOST = 8


class StatusState(FlowState):
    """A withdrawal waiting for its confirmation."""

    key = "drafts"
    withdrawing: str | None = None


def _line(d: Draft) -> Msg:
    day = d.updated_at.date() if d.updated_at else None
    params = {"ref": d.reference, "status": Msg(STATUS[d.status]), "name": d.form.name or "—"}
    if day is not None:
        params["date"] = Msg("fmt.date_value", {"date": day})
    else:
        params["date"] = "—"
    return Msg("draft.line_on_behalf" if d.on_behalf else "draft.line", params)


def status(turn: Turn) -> Replies:
    """/status: each draft with its status and what can be done with it."""
    from dialogs import menu

    drafts = desk_of(turn).mine()[:SHOWN_AT_MOST]
    turn.reset(StatusState)
    if not drafts:
        return [Reply((Msg("draft.none"),))] + menu.show(turn)
    turn.open(FLOW.name)
    lines, choices = [Msg("draft.title")], []
    for d in drafts:
        lines.append(_line(d))
        if d.status != "draft" and (mark := judge_mark(d.content)):  # submitted for staff to judge
            lines.append(mark)
        if d.status in ("returned", "rejected") and d.content.comment:  # what to correct, or why it was refused
            lines.append(Msg("draft.comment", {"comment": d.content.comment}))
        if lifecycle.editable(d.status):
            label = "btn.draft_correct" if d.status == "returned" else "btn.draft_continue"
            choices.append(Choice(Pick("form", f"open:{d.reference}"), Msg(label, {"ref": d.reference})))
        if "withdrawn" in lifecycle.allowed(d.status, "applicant"):
            choices.append(Choice(Pick("form", f"withdraw:{d.reference}"), Msg("btn.draft_withdraw", {"ref": d.reference})))
        choices.append(Choice(Pick("form", f"copy:{d.reference}"), Msg("btn.draft_copy", {"ref": d.reference})))
    return [turn.ask(lines, choices)]


def copy(turn: Turn, draft: Draft | None = None) -> Replies:
    """The person's own copy of the 登记表, as DOCX and PDF (bank card masked)."""
    drafts = desk_of(turn).mine()
    draft = draft or (drafts[0] if drafts else None)
    if draft is None:
        return [Reply((Msg("draft.none"),))]
    name = f"登记表-{draft.reference}"
    return [Reply((Msg("draft.copy", {"ref": draft.reference, "file": f"{name}.docx"}),),
                  document=(f"{name}.docx", f"form.docx:{draft.reference}")),
            Reply((Msg("draft.copy", {"ref": draft.reference, "file": f"{name}.pdf"}),),
                  document=(f"{name}.pdf", f"form.pdf:{draft.reference}"))]


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Continue, withdraw (asked once more), or a copy."""
    from dialogs import form

    st, desk = turn.state(StatusState), desk_of(turn)
    action, _, ref = pick.value.partition(":")
    if pick.kind == "confirm" and st.withdrawing:
        draft, st.withdrawing = desk.get(st.withdrawing), None
        if pick.value != "yes" or draft is None:
            return status(turn)
        if "withdrawn" not in lifecycle.allowed(draft.status, "applicant"):
            return [Reply((Msg("draft.cannot_withdraw"),))] + status(turn)
        desk.move(draft, "withdrawn", comment="withdrawn by the applicant")
        return [Reply((Msg("draft.withdrawn", {"ref": draft.reference}),))] + status(turn)
    draft = desk.get(ref)
    if pick.kind != "form" or draft is None:
        return [Reply((Msg("nav.stale"),), stale=True)]
    if action == "open" and lifecycle.editable(draft.status):
        return form.resume(turn, draft)
    if action == "withdraw":
        st.withdrawing = ref
        choices = (Choice(Pick("confirm", "yes"), Msg("btn.withdraw_yes")), Choice(Pick("confirm", "no"), Msg("btn.withdraw_no")))
        return [turn.ask((Msg("draft.withdraw_sure", {"ref": ref}),), choices)]
    if action == "copy":
        return copy(turn, draft) + status(turn)
    return status(turn)


def on_text(turn: Turn, text: Text) -> Replies:
    """Typed text at the list: the buttons are the way."""
    return [Reply((Msg("err.pick_a_button"),))] + status(turn)


FLOW = Flow(name="drafts", diagram=__doc__ or "", state=StatusState, on_text=on_text, on_pick=on_pick,
            repeat=status)
