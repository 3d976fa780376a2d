"""What every staff flow (dialogs/staff_*.py) shares: who may do what, loading a case
into the step's :class:`dialogs.drafts.Desk`, refusing a press that no longer applies,
and showing a case whole.

Authorisation is decided here, on the server, for every command and every press:
reviewers (帮扶中心) act on every draft; a clerk sees the drafts of their own unit and
acts on none; anyone else is refused. A case is acted on only in the status the action
was offered for: a press on a draft whose status moved on changes nothing and says
where it stands now. Status changes go through :meth:`Desk.move` with side
``reviewer`` (rules/lifecycle.py decides), written after the step with one audit row
each (dialogs/drafts_io.save_desk); other records through ``turn.ctx.tx``
(:func:`dialogs.reminder_plan.inline`: the step runs on the database's thread).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from collections.abc import Callable
from typing import TypeVar

from rules.dates import parse_date
from rules.form import form_figures
from rules.form_checks import enumeration
from rules.parse import ParseError
from rules.workdays import working_days_between

from dialogs import form_fields as ff
from dialogs.drafts import Draft, desk_of
from dialogs.drafts_io import stored_to_draft
from dialogs.form_facts import judge_mark
from dialogs.flow import FlowState, Replies, Turn
from dialogs.form_status import STATUS
from dialogs.reminder_plan import inline
from dialogs.types import Choice, Day, Label, Msg, Pick, Reply

REVIEWER, CLERK, ADMIN = "reviewer", "clerk", "admin"
CENT = Decimal("0.01")
REFUSALS = {"role": "staff.refused.role", "unit": "staff.refused.unit", "moved": "staff.refused.moved",
            "gone": "staff.refused.gone"}


def is_reviewer(turn: Turn) -> bool:
    """A 帮扶中心 reviewer (with the step's records at hand)."""
    return REVIEWER in turn.ctx.roles and turn.ctx.tx is not None


def is_staff(turn: Turn) -> bool:
    """A reviewer or a clerk."""
    return bool(turn.ctx.roles & {REVIEWER, CLERK}) and turn.ctx.tx is not None


def actor(turn: Turn) -> str:
    return turn.ctx.person or desk_of(turn).person


def clerk_unit(turn: Turn) -> str | None:
    """The unit a clerk belongs to (None for a reviewer or someone without one)."""
    if REVIEWER in turn.ctx.roles or turn.ctx.tx is None:
        return None
    return inline(turn.ctx.tx.staff.unit_of(actor(turn)))


def refused(turn: Turn, why: str, draft: Draft | None = None) -> Replies:
    """Nothing changed, and why (the flow goes back to the menu where the role is missing)."""
    params = {"ref": draft.reference, "status": Msg(STATUS[draft.status])} if draft else {}
    if why == "role":
        turn.open("menu")
    return [Reply((Msg(REFUSALS[why], params),))]


def load_case(turn: Turn, reference: str) -> Draft | None:
    """The draft ``reference`` put on the step's desk (its changes are written after the
    step), or None if there is none or the person may not see it."""
    desk = desk_of(turn)
    if reference in desk.drafts and desk.drafts[reference].created_by != desk.person:
        return desk.drafts[reference]
    stored = inline(turn.ctx.tx.drafts.get(reference)) if turn.ctx.tx is not None and reference else None
    if stored is None or stored.status == "draft":
        return None
    if not is_reviewer(turn) and (CLERK not in turn.ctx.roles or stored.unit != clerk_unit(turn)):
        return None
    draft = stored_to_draft(stored)
    desk.drafts[reference] = draft
    return draft


class CaseBound(FlowState):
    """A reviewer's recording flow's state: the case it is for and its open question."""

    case: str | None = None
    asking: str | None = None


CaseState = TypeVar("CaseState", bound=CaseBound)


def acting_on(turn: Turn, reference: str, *statuses: str) -> Draft | Replies:
    """The case a reviewer's action is for, if it is still in one of ``statuses``;
    otherwise the refusal to show (no role, not found, or its status moved on)."""
    if not is_reviewer(turn):
        return refused(turn, "role")
    draft = load_case(turn, reference)
    if draft is None:
        return refused(turn, "gone")
    if statuses and draft.status not in statuses:
        return refused(turn, "moved", draft)
    return draft


def open_case(turn: Turn, flow: str, state: type[CaseState], reference: str, status: str) -> CaseState | Replies:
    """Opens a reviewer's recording flow (the visit, the decision) on a case still in
    ``status``: its state reset to that case; otherwise the refusal to show."""
    draft = acting_on(turn, reference, status)
    if not isinstance(draft, Draft):
        return draft
    turn.open(flow)
    st = turn.reset(state)
    st.case = reference
    return st


def ask_again(turn: Turn, state: type[CaseBound], ask: Callable[[Turn, str], Replies]) -> Replies:
    """A recording flow's open question again (``ask`` asks it), or the queue once the
    flow has none."""
    st = turn.state(state)
    if st.case and st.asking:
        return ask(turn, st.asking)
    from dialogs.staff_inbox import show_queue

    return show_queue(turn)


def move(turn: Turn, draft: Draft, after: str, comment: str | None = None) -> Draft:
    """A reviewer's transition (rules/lifecycle.py refuses one that is not in the life cycle)."""
    return desk_of(turn).move(draft, after, side=REVIEWER, comment=comment)


def applicant_of(draft: Draft) -> str:
    """Who hears of the draft: the worker, or the clerk who filed for them."""
    return draft.applicant_key or draft.created_by


def waiting_days(turn: Turn, draft: Draft) -> int:
    """Working days since the draft was last submitted (or touched)."""
    since = draft.submitted_at or draft.updated_at
    if since is None:
        return 0
    return working_days_between(since.date(), turn.ctx.today)[0]


def case_line(turn: Turn, draft: Draft) -> Msg:
    """One line of a queue: reference, name, unit, status, working days waiting."""
    return Msg("staff.case_line", {"ref": draft.reference, "name": draft.form.name or "—",
                                   "unit": draft.unit or "—", "status": Msg(STATUS[draft.status]),
                                   "days": waiting_days(turn, draft)})


def open_button(draft: Draft) -> Choice:
    return Choice(Pick("staff", f"open:{draft.reference}"), Msg("staff.btn.open", {"ref": draft.reference,
                                                                                    "name": draft.form.name or "—"}))


def case_view(turn: Turn, draft: Draft) -> list[Reply]:
    """The draft whole (ID numbers masked, bank card masked), protected from forwarding."""
    ed, form = turn.ctx.edition, draft.form
    category = enumeration("hardship_category", ed).options.get(draft.category or "")
    head = [Msg("staff.case_head", {"ref": draft.reference, "status": Msg(STATUS[draft.status]),
                                    "name": form.name or "—", "unit": draft.unit or "—",
                                    "category": Label.of(category) if category else "—"})]
    if draft.submitted_at:
        head.append(Msg("staff.case_submitted", {"date": Day(draft.submitted_at.date()),
                                                 "days": waiting_days(turn, draft)}))
    if mark := judge_mark(draft.content):  # not eligible, or undecided: for staff to judge
        head.append(mark)
    if draft.on_behalf:
        head.append(Msg("form.recap_on_behalf"))
    if draft.content.comment:
        head.append(Msg("draft.comment", {"comment": draft.content.comment}))
    others, said_not_filed = other_files(turn, draft)
    if others:  # 一户一档: the applicant or their spouse has another file on record or under way
        head.append(Msg("staff.case_other_files", {"refs": ", ".join(others)}))
    if said_not_filed:  # the screening's "not filed elsewhere" checked against them
        head.append(Msg("staff.case_filed_elsewhere_contradicted", {"refs": ", ".join(said_not_filed)}))
    replies = [Reply(tuple(head), protect=True)]
    for section, paths in ff.SECTIONS:
        lines = [Msg(ff.SECTION_TITLES[section])]
        if section == "members":
            for i, m in enumerate(form.members):
                relation = ff.option_label("members.0.relation", m.relation, ed) if m.relation else "—"
                lines.append(Msg("form.member_line", {"n": i + 1, "name": m.name or "—", "relation": relation}))
            fig = form_figures(form)
            if fig is not None:
                lines.append(Msg("form.figures_line", {"size": fig.size, "annual": fig.annual_total,
                                                       "per_capita": fig.per_capita_monthly.quantize(CENT)}))
        for path in paths:
            if ff.applies(path, draft.content, ed) and ff.value_of(path, form) not in (None, [], ""):
                lines.append(Msg("form.review_line", {"field": ff.label(path),
                                                      "value": ff.shown(path, ff.value_of(path, form), ed)}))
        if len(lines) > 1:
            replies.append(Reply(tuple(lines), protect=True))
    return replies


def other_files(turn: Turn, draft: Draft) -> tuple[list[str], list[str]]:
    """The household's other files (same applicant or spouse, by keyed ID hashes: dialogs/access.py),
    and those of them that contradict the screening's answer "not filed elsewhere"."""
    from dialogs.access import filed_elsewhere_contradicted, household_files

    tx = turn.ctx.tx
    if tx is None or not hasattr(tx, "privacy"):
        return [], []
    found = inline(tx.privacy.duplicates(draft.reference))  # one row per ID number in common: each file once
    return (list(dict.fromkeys(d.reference for d in household_files(found))),
            list(dict.fromkeys(d.reference for d in filed_elsewhere_contradicted(found, draft.content.screening))))


def read_date(text: str, turn: Turn) -> dt.date | None:
    """A typed date (None if it is not one)."""
    try:
        return parse_date(text, today=dt.date(turn.ctx.today.year + 10, 12, 31))
    except ParseError:
        return None


def names_in(text: str) -> list[str]:
    """Names typed in one line, separated by 、 , ， ; ； or spaces."""
    for sep in "、,，;；":
        text = text.replace(sep, " ")
    return [n for n in text.split() if n]
