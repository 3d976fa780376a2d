"""The person's rights over their data (PIPL Art. 15, 44–47): /privacy, /mydata, /forget.

* ``/privacy`` says in plain words what is stored about the person, what for, who can
  see it and until when, and offers: withdraw consent (then no sensitive question is
  asked: :func:`dialogs.consent.allows_id` is False, the person's unfinished drafts are
  withdrawn and the form asks for consent again), my data, delete my data. A reviewer
  also sees the open deletion requests and answers them (delete, or keep with a reason).
* ``/mydata`` sends everything stored about the person as a file: JSON and a readable
  text (made after the step by :mod:`dialogs.privacy_export`).
* ``/forget``, after a confirmation, deletes the conversation, the unfinished drafts and
  the account at once (after the step's session is written: :func:`dialogs.privacy_export.after_step`);
  for a submitted or filed record it files a deletion request that staff answer, so the
  union's file is never broken silently. The audit log keeps the person's key masked.

```mermaid
stateDiagram-v2
    [*] --> info: /privacy
    info --> withdraw: withdraw consent
    withdraw --> menu: yes (consent refused from now on; unfinished drafts withdrawn) · no
    info --> mydata: my data
    [*] --> mydata: /mydata
    mydata --> [*]: JSON and text files
    info --> forget: delete my data
    [*] --> forget: /forget
    forget --> [*]: yes (deleted now · deletion requested for submitted records) · no
    info --> requests: reviewer · deletion requests
    requests --> requests: delete the record · keep it (reason typed)
```
"""
from __future__ import annotations

from typing import Literal

from rules import lifecycle
from storage.retention import RetentionPolicy

from dialogs.drafts import Draft, desk_of
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.types import Choice, Msg, Pick, Reply, Text

ERASABLE_AT_ONCE = frozenset({"draft", "returned", "withdrawn"})  # not yet the union's file
POLICY = RetentionPolicy()  # how long idle data is kept (the bot sets BOT_RETENTION_DAYS at start)
SHOWN_AT_MOST = 8
CONSENT_STATES = {"given": "privacy.consent.given", "refused": "privacy.consent.refused",
                  "none": "privacy.consent.none"}
ANSWERED = {"erased": ("privacy.request_erased", "privacy.your_request_erased"),
            "refused": ("privacy.request_refused", "privacy.your_request_refused")}


class PrivacyState(FlowState):
    """A confirmation being asked, a refusal's reason being typed, and the erasure the
    assistant carries out after the step."""

    key = "privacy"
    confirming: Literal["forget", "withdraw"] | None = None
    refusing: int | None = None  # the deletion request whose refusal reason is being typed
    erase: dict[str, list[str]] | None = None  # {"drafts": [...], "requests": [...]}


def _own(turn: Turn) -> list[Draft]:
    """The person's own drafts (not those a clerk fills for workers: the workers' data)."""
    person = desk_of(turn).person
    return [d for d in desk_of(turn).mine() if d.applicant_key == person]


def _inline(call):
    from dialogs.reminder_plan import inline

    return inline(call)


def _is_reviewer(turn: Turn) -> bool:
    return "reviewer" in turn.ctx.roles and turn.ctx.tx is not None


# ---- /privacy ---------------------------------------------------------------------------------

def show(turn: Turn) -> Replies:
    """/privacy: what is kept, why, who sees it, until when; what the person can do."""
    from dialogs import consent

    turn.reset(PrivacyState)
    turn.open(FLOW.name)
    drafts = _own(turn)
    answers = {consent.given(turn, "form"), consent.given(turn, "screening")}
    given = True in answers
    state = "given" if given else ("refused" if False in answers else "none")
    lines = [Msg("privacy.info", {"days": POLICY.days}),
             Msg("privacy.status", {"drafts": len(drafts), "consent": Msg(CONSENT_STATES[state])})]
    choices = []
    if given:
        choices.append(Choice(Pick("privacy", "withdraw"), Msg("btn.privacy_withdraw")))
    choices += [Choice(Pick("privacy", "mydata"), Msg("btn.privacy_mydata")),
                Choice(Pick("privacy", "forget"), Msg("btn.privacy_forget"))]
    if _is_reviewer(turn):
        count = len(_inline(turn.ctx.tx.privacy.requests("open")))
        lines.append(Msg("privacy.requests_open", {"n": count}))
        if count:
            choices.append(Choice(Pick("privacy", "requests"), Msg("btn.privacy_requests")))
    return [turn.ask(lines, choices)]


def ask_withdraw(turn: Turn) -> Replies:
    """Withdrawing consent, asked once more."""
    turn.state(PrivacyState).confirming = "withdraw"
    choices = (Choice(Pick("confirm", "withdraw_yes"), Msg("btn.privacy_withdraw_yes")),
               Choice(Pick("confirm", "withdraw_no"), Msg("btn.privacy_no")))
    return [turn.ask((Msg("privacy.withdraw_sure"),), choices)]


def withdraw(turn: Turn) -> Replies:
    """Consent refused from now on (screening and form); unfinished own drafts withdrawn."""
    from dialogs import consent, menu

    desk = desk_of(turn)
    for scope in ("screening", "form"):
        desk.record_consent(scope, consent.VERSION, False)
    stopped = [d for d in _own(turn) if lifecycle.editable(d.status)]
    for draft in stopped:
        desk.move(draft, "withdrawn", comment="consent withdrawn")
    return [Reply((Msg("privacy.withdrawn", {"n": len(stopped)}),))] + menu.show(turn)


# ---- /mydata ----------------------------------------------------------------------------------

def mydata(turn: Turn) -> Replies:
    """/mydata: everything stored about the person, as JSON and as readable text."""
    person = desk_of(turn).person
    day = turn.ctx.today.isoformat()
    return [Reply((Msg("privacy.mydata", {"file": f"mydata-{day}.json"}),),
                  document=(f"mydata-{day}.json", f"mydata.json:{person}")),
            Reply((Msg("privacy.mydata", {"file": f"mydata-{day}.txt"}),),
                  document=(f"mydata-{day}.txt", f"mydata.txt:{person}"))]


# ---- /forget ----------------------------------------------------------------------------------

def forget(turn: Turn) -> Replies:
    """/forget: what would be deleted now and what would be asked of staff; confirm."""
    turn.reset(PrivacyState).confirming = "forget"
    turn.open(FLOW.name)
    drafts = _own(turn)
    now = [d for d in drafts if d.status in ERASABLE_AT_ONCE]
    kept = [d for d in drafts if d.status not in ERASABLE_AT_ONCE]
    lines = [Msg("privacy.forget_sure", {"n": len(now)})]
    if kept:
        lines.append(Msg("privacy.forget_kept", {"refs": ", ".join(d.reference for d in kept)}))
    choices = (Choice(Pick("confirm", "forget_yes"), Msg("btn.privacy_forget_yes")),
               Choice(Pick("confirm", "forget_no"), Msg("btn.privacy_no")))
    return [turn.ask(lines, choices)]


def forgotten(turn: Turn) -> Replies:
    """Confirmed: the erasure is carried out after the step; staff are told of requests."""
    drafts = _own(turn)
    st = turn.state(PrivacyState)
    st.confirming = None
    requests = [d.reference for d in drafts if d.status not in ERASABLE_AT_ONCE]
    st.erase = {"drafts": [d.reference for d in drafts if d.status in ERASABLE_AT_ONCE], "requests": requests}
    for reviewer in desk_of(turn).reviewers:
        for ref in requests:
            turn.send_to(reviewer, Reply((Msg("privacy.request_to_staff", {"ref": ref}),)))
    turn.open("menu")
    lines = [Msg("privacy.forgotten")]
    if requests:
        lines.append(Msg("privacy.forget_requested", {"refs": ", ".join(requests)}))
    return [Reply(tuple(lines))]


# ---- staff: deletion requests -------------------------------------------------------------------

def requests(turn: Turn) -> Replies:
    """A reviewer's list of open deletion requests, each with delete and keep."""
    if not _is_reviewer(turn):
        return [Reply((Msg("privacy.staff_only"),))]
    open_ = _inline(turn.ctx.tx.privacy.requests("open", limit=SHOWN_AT_MOST))
    if not open_:
        return [Reply((Msg("privacy.requests_open", {"n": 0}),))]
    lines, choices = [Msg("privacy.requests_title")], []
    for r in open_:
        lines.append(Msg("privacy.request_line", {"ref": r.reference, "date": r.requested_at.date()}))
        choices += [Choice(Pick("privacy", f"erase:{r.id}"), Msg("btn.privacy_erase", {"ref": r.reference})),
                    Choice(Pick("privacy", f"refuse:{r.id}"), Msg("btn.privacy_refuse", {"ref": r.reference}))]
    return [turn.ask(lines, choices)]


def _answer(turn: Turn, request_id: int, erase: bool, reason: str | None = None) -> Replies:
    """A reviewer deletes the record (and tells the person) or keeps it with a reason."""
    tx, person = turn.ctx.tx, turn.ctx.person
    found = _inline(tx.privacy.request(request_id))
    if found is None or found.state != "open":
        return [Reply((Msg("nav.stale"),), stale=True)]
    if erase:
        _inline(tx.privacy.erase_draft(found.reference))
    _inline(tx.privacy.answer(request_id, "erased" if erase else "refused", person, reason))
    _inline(tx.audit.add(person, "deletion_erased" if erase else "deletion_refused", f"draft:{found.reference}",
                         at=tx.privacy.now()))
    to_staff, to_person = ANSWERED["erased" if erase else "refused"]
    turn.send_to(found.requested_by, Reply((Msg(to_person, {"ref": found.reference}),)))
    return [Reply((Msg(to_staff, {"ref": found.reference}),))] + requests(turn)


# ---- handlers ---------------------------------------------------------------------------------

def on_pick(turn: Turn, pick: Pick) -> Replies:
    """The /privacy buttons, the confirmations and a reviewer's answers."""
    st = turn.state(PrivacyState)
    if pick.kind == "confirm":
        confirming, st.confirming = st.confirming, None
        if confirming == "forget" and pick.value == "forget_yes":
            return forgotten(turn)
        if confirming == "withdraw" and pick.value == "withdraw_yes":
            return withdraw(turn)
        return [Reply((Msg("privacy.nothing_changed"),))] + show(turn)
    action, _, arg = pick.value.partition(":")
    if pick.kind != "privacy":
        return [Reply((Msg("nav.stale"),), stale=True)]
    if action == "withdraw":
        return ask_withdraw(turn)
    if action == "mydata":
        return mydata(turn) + show(turn)
    if action == "forget":
        return forget(turn)
    if action == "requests":
        return requests(turn)
    if action in ("erase", "refuse") and arg.isdigit() and _is_reviewer(turn):
        if action == "erase":
            return _answer(turn, int(arg), True)
        st.refusing = int(arg)
        return [turn.ask((Msg("privacy.refuse_reason"),), (), expects="text")]
    return [Reply((Msg("nav.stale"),), stale=True)]


def on_text(turn: Turn, text: Text) -> Replies:
    """A reviewer's reason for keeping a record; otherwise the buttons are the way."""
    st = turn.state(PrivacyState)
    if st.refusing is not None and _is_reviewer(turn) and text.text.strip():
        request_id, st.refusing = st.refusing, None
        return _answer(turn, request_id, False, text.text.strip()[:500])
    return [Reply((Msg("err.pick_a_button"),))] + show(turn)


FLOW = Flow(name="privacy", diagram=__doc__ or "", state=PrivacyState, on_text=on_text, on_pick=on_pick,
            repeat=show)
