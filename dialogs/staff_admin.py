"""/staff: admins (BOT_ADMIN_IDS) invite clerks and reviewers, list the staff and
revoke a role; ``/start inv-<code>`` takes an invite.

An invite is a one-time code that expires (:data:`INVITE_VALID`); the link carries it
as a /start payload. A clerk's invite names the unit (基层工会) the clerk belongs to;
a reviewer belongs to the 帮扶中心. Only a hash of the code is stored. Every grant,
use and revocation is an audit row; every command and press checks the admin role.

```mermaid
stateDiagram-v2
    [*] --> staff: /staff (admin)
    staff --> unit: invite a clerk
    unit --> staff: typed unit (the link shown)
    staff --> staff: invite a reviewer (the link shown)
    staff --> revoke: a member
    revoke --> staff: yes (role revoked) · no
    [*] --> joined: /start inv-<code> (role granted once, before it expires)
```
"""
from __future__ import annotations

import datetime as dt

from dialogs import staff_desk as sd
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline
from dialogs.types import Choice, Msg, Pick, Reply, Text

INVITE_VALID = dt.timedelta(days=3)  # how long an invite link works (operational, not policy)
INVITE_PREFIX = "inv-"
MAX_UNIT = 60
ROLE_LABELS = {"clerk": "staff.role.clerk", "reviewer": "staff.role.reviewer"}
REFUSED = {"unknown": "staff.invite.unknown", "used": "staff.invite.used", "expired": "staff.invite.expired"}


class AdminState(FlowState):
    """A clerk's invite waiting for its unit, or a revocation for its confirmation."""

    key = "staff_admin"
    asking: str | None = None  # unit | revoke
    member: str | None = None  # "<role>:<user key>"


def is_admin(turn: Turn) -> bool:
    return sd.ADMIN in turn.ctx.roles and turn.ctx.tx is not None


def show(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """/staff: every member with their role and unit; invite; revoke."""
    if not is_admin(turn):
        return sd.refused(turn, "role")
    turn.open(FLOW.name)
    turn.reset(AdminState)
    members = inline(turn.ctx.tx.staff.members())
    lines = [*before, Msg("staff.admin.title", {"count": len(members)})]
    choices = [Choice(Pick("staff", "invite:clerk"), Msg("staff.btn.invite_clerk")),
               Choice(Pick("staff", "invite:reviewer"), Msg("staff.btn.invite_reviewer"))]
    for m in members:
        lines.append(Msg("staff.admin.member", {"who": m.user_key, "role": Msg(ROLE_LABELS[m.role]),
                                                "unit": m.unit or "—"}))
        choices.append(Choice(Pick("staff", f"revoke:{m.role}:{m.user_key}"),
                              Msg("staff.btn.revoke", {"who": m.user_key, "role": Msg(ROLE_LABELS[m.role])})))
    return [turn.ask(tuple(lines), choices)]


def invite(turn: Turn, role: str, unit: str | None) -> Replies:
    """A new invite; the admin forwards the link."""
    tx = turn.ctx.tx
    made = inline(tx.staff.create_invite(role, unit, sd.actor(turn), valid_for=INVITE_VALID))
    inline(tx.audit.add(sd.actor(turn), "staff_invited", f"role:{role}", after=unit, at=tx.reminders.now()))
    return show(turn, (Msg("staff.admin.invite", {"role": Msg(ROLE_LABELS[role]), "unit": unit or "—",
                                                   "payload": f"{INVITE_PREFIX}{made.code}",
                                                   "until": Msg("fmt.date_value", {"date": made.expires_at.date()})}),))


def accept(turn: Turn, payload: str) -> Replies:
    """/start inv-<code>: the role is granted, once, before the invite expires."""
    from dialogs import menu

    tx = turn.ctx.tx
    if tx is None or turn.ctx.person is None:
        return menu.show(turn)
    used = inline(tx.staff.use_invite(payload.removeprefix(INVITE_PREFIX), turn.ctx.person))
    if used.refused:
        return [Reply((Msg(REFUSED[used.refused]),))] + menu.show(turn)
    inline(tx.audit.add(turn.ctx.person, "staff_joined", f"role:{used.role}", after=used.unit, at=tx.reminders.now()))
    joined = Msg("staff.invite.joined_clerk" if used.role == "clerk" else "staff.invite.joined_reviewer",
                 {"unit": used.unit or "—"})
    return [Reply((joined, Msg("staff.invite.next")))] + menu.show(turn)


def on_text(turn: Turn, text: Text) -> Replies:
    """The unit of a clerk's invite."""
    if not is_admin(turn):
        return sd.refused(turn, "role")
    st, unit = turn.state(AdminState), " ".join(text.text.split())
    if st.asking == "unit":
        if not unit or len(unit) > MAX_UNIT:
            return [Reply((Msg("staff.err.text", {"max": MAX_UNIT}),))] + repeat(turn)
        return invite(turn, "clerk", unit)
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """invite:<role> · revoke:<role>:<key> · yes · no."""
    if not is_admin(turn):
        return sd.refused(turn, "role")
    st, tx = turn.state(AdminState), turn.ctx.tx
    action, _, arg = pick.value.partition(":")
    if action == "invite" and arg == "reviewer":
        return invite(turn, "reviewer", None)
    if action == "invite" and arg == "clerk":
        st.asking = "unit"
        return repeat(turn)
    if action == "revoke" and arg.partition(":")[0] in ROLE_LABELS:
        st.asking, st.member = "revoke", arg
        return repeat(turn)
    if action == "yes" and st.asking == "revoke" and st.member:
        role, _, who = st.member.partition(":")
        if inline(tx.staff.remove_member(who, role)):
            inline(tx.audit.add(sd.actor(turn), "staff_revoked", who, before=role, at=tx.reminders.now()))
            turn.send_to(who, Reply((Msg("staff.told_revoked", {"role": Msg(ROLE_LABELS[role])}),)))
        return show(turn, (Msg("staff.admin.revoked", {"who": who, "role": Msg(ROLE_LABELS[role])}),))
    return show(turn)


def repeat(turn: Turn) -> Replies:
    st = turn.state(AdminState)
    if st.asking == "unit":
        return [turn.ask((Msg("staff.admin.ask_unit", {"max": MAX_UNIT}),), ())]
    if st.asking == "revoke" and st.member:
        role, _, who = st.member.partition(":")
        return [turn.ask((Msg("staff.admin.revoke_sure", {"who": who, "role": Msg(ROLE_LABELS[role])}),),
                         (Choice(Pick("staff", "yes"), Msg("staff.btn.yes_revoke")),
                          Choice(Pick("staff", "no"), Msg("staff.btn.keep"))))]
    return show(turn)


FLOW = Flow(name="staff_admin", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat,
            commands={"staff": show}, state=AdminState)
