"""The review of a draft, section by section, each answer with "change"; then the
declaration (本人保证以上所填信息真实可信) and the submission: a reference code, a recap,
and a masked summary to every reviewer through the outbox.

```mermaid
stateDiagram-v2
    [*] --> section: every section filled · /review
    section --> section: next section
    section --> form: change an answer (back here after it)
    [*] --> facts: the re-run undecided: its open facts first (form_facts.py)
    section --> fix: last section, the form still has an issue
    fix --> form: the field to fill or correct · an answer to confirm
    section --> declaration: last section, no issue left
    declaration --> submitted: I declare and submit (status submitted, reviewers told)
    declaration --> section: back to the review
```
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from rules.form import check_form, form_figures
from rules.form_checks import enumeration

from dialogs import form_facts
from dialogs import form_fields as ff
from dialogs.drafts import Draft, desk_of
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.reminder_plan import inline, withdraw
from dialogs.types import Choice, Label, Msg, Pick, Reply, Text

SHOWN = [name for name, _ in ff.SECTIONS]
# A re-run that says not eligible, or cannot decide: submitted all the same, for staff to judge.
STAFF_JUDGES = {"not_eligible": "form.submit_for_staff", "undecided": "form.submit_undecided_for_staff"}
CENT = Decimal("0.01")


class ReviewState(FlowState):
    """Which section of the review is shown."""

    key = "review"
    section: int = 0
    declaring: bool = False
    seen: list[str] = Field(default_factory=list)


def _draft(turn: Turn) -> Draft | None:
    from dialogs.form import current

    return current(turn)


def start(turn: Turn) -> Replies:
    """The first section of the review (after re-running the screening if the form
    now says otherwise)."""
    from dialogs.form_members import recheck

    draft = _draft(turn)
    told = recheck(turn, draft)
    asked = form_facts.ask_open(turn, draft)  # undecided: the facts that can still change it first
    if asked:
        return told + asked
    st = turn.reset(ReviewState)
    return [Reply((Msg("form.review_intro", {"ref": draft.reference}),))] + told + show(turn, st.section)


def _fields(turn: Turn, section: str) -> list[str]:
    draft, ed = _draft(turn), turn.ctx.edition
    if section == "members":
        return []
    return [p for p in dict(ff.SECTIONS)[section] if ff.applies(p, draft.content, ed)]


def show(turn: Turn, index: int) -> Replies:
    """One section: each answer with a button to change it, then the next section."""
    draft, ed = _draft(turn), turn.ctx.edition
    st = turn.state(ReviewState)
    turn.open(FLOW.name)
    st.section, st.declaring = index, False
    section = SHOWN[index]
    if section == "medical" and not _fields(turn, section):
        return show(turn, index + 1)
    lines, choices = [Msg(ff.SECTION_TITLES[section])], []
    if section == "members":
        for i, m in enumerate(draft.form.members):
            relation = ff.option_label("members.0.relation", m.relation, ed) if m.relation else "—"
            lines.append(Msg("form.member_line", {"n": i + 1, "name": m.name or "—", "relation": relation}))
        fig = form_figures(draft.form)
        if fig is not None:
            lines.append(Msg("form.figures_line", {"size": fig.size, "annual": fig.annual_total,
                                                   "per_capita": fig.per_capita_monthly.quantize(CENT)}))
        choices.append(Choice(Pick("form", "members"), Msg("btn.members_edit")))
    for path in _fields(turn, section):
        value = ff.shown(path, ff.value_of(path, draft.form), ed)
        lines.append(Msg("form.review_line", {"field": ff.label(path), "value": value}))
        choices.append(Choice(Pick("change", path), Msg("btn.change_field", {"field": ff.label(path)})))
    last = index == len(SHOWN) - 1
    choices.append(Choice(Pick("form", "next"), Msg("btn.review_submit" if last else "btn.review_next")))
    return [turn.ask(lines, choices)]


def after_change(turn: Turn, path: str) -> Replies:
    """Back to the section of a changed answer (or to what the change opened)."""
    from dialogs.form import advance
    from dialogs.form_members import member_view

    draft = _draft(turn)
    progress = draft.content.progress
    if path in ("own_monthly_income", "other_annual_income") or ff.is_member(path):
        progress.figures_confirmed = False
    if ff.is_member(path) and progress.members_done:
        progress.members_done = False
        return member_view(turn, ff.member_index(path))
    gaps = [p for s, fields in ff.SECTIONS for p in fields
            if ff.applies(p, draft.content, turn.ctx.edition) and ff.missing(p, draft.content)]
    if gaps or not progress.figures_confirmed or not progress.members_done:
        return advance(turn)
    section = next((i for i, (s, fields) in enumerate(ff.SECTIONS) if path in fields), 0)
    return [Reply((Msg("form.changed"),))] + show(turn, section)


def _issues(turn: Turn, draft: Draft) -> Replies:
    """What still stops the submission: the first field to fill or correct, or confirm."""
    from dialogs.form import ask, ask_confirm

    found = check_form(draft.form, today=turn.ctx.today, edition=turn.ctx.edition)
    errors = [i for i in found if i.severity == "error"]
    if errors:
        first = errors[0]
        note = Msg("form.not_ready", {"n": len(errors), "field": ff.label(first.field)})
        path = first.field if first.field != "members" else "members.0.name"
        if first.code != "required":
            return [Reply((note, ff.error_msg(path, first.code)))] + ask(turn, path, changing=True)
        if path in draft.content.progress.skipped:
            draft.content.progress.skipped.remove(path)
        return [Reply((note,))] + ask(turn, path, changing=True)
    confirms = [i for i in found if i.severity == "confirm"]
    if confirms:
        return ask_confirm(turn, confirms[0].field, confirms[0].code)
    return []


def declaration(turn: Turn) -> Replies:
    """The declaration, once nothing stops the submission."""
    draft = _draft(turn)
    blocking = _issues(turn, draft)
    if blocking:
        return blocking
    turn.open(FLOW.name)
    turn.state(ReviewState).declaring = True
    lines = [Msg("form.declaration")]
    if draft.content.verdict in STAFF_JUDGES:
        lines.append(Msg(STAFF_JUDGES[draft.content.verdict]))
    choices = (Choice(Pick("confirm", "declare"), Msg("btn.declare_submit")),
               Choice(Pick("form", "back"), Msg("btn.back_to_review")))
    return [turn.ask(lines, choices)]


def submit(turn: Turn) -> Replies:
    """Submits the draft: status submitted, reviewers told, the reference and a recap."""
    from dialogs import menu

    draft, ed, desk = _draft(turn), turn.ctx.edition, desk_of(turn)
    content = draft.content
    content.form = draft.form.model_copy(update={"filled_on": turn.ctx.today})
    content.for_staff_to_judge = content.verdict in STAFF_JUDGES
    content.progress.declared = True
    resubmitted = draft.status == "returned"
    desk.move(draft, "submitted", comment="resubmitted" if resubmitted else None)
    content.reopen_fields, content.comment = [], None
    summary = recap(draft, ed)
    if resubmitted and turn.ctx.tx is not None:  # the reminders to correct it no longer apply
        inline(withdraw(turn.ctx.tx, f"draft:{draft.reference}"))
    for reviewer in desk.reviewers_for(draft):
        turn.send_to(reviewer, Reply((Msg("staff.new_submission", {"ref": draft.reference}), *summary)))
    turn.reset(ReviewState)
    done = Msg("form.submitted", {"ref": draft.reference})
    return [Reply((done, *summary, Msg("form.submitted_next")))] + menu.show(turn)


def recap(draft: Draft, ed) -> tuple[Msg, ...]:
    """The masked summary: name, category, household size, per-capita income, ID 4+4."""
    f = draft.form
    fig = form_figures(f)
    category = enumeration("hardship_category", ed).options.get(f.hardship_category or "")
    lines = [Msg("form.recap", {
        "name": f.name or "—", "category": Label.of(category) if category else "—",
        "size": fig.size if fig else 1, "per_capita": fig.per_capita_monthly.quantize(CENT) if fig else Decimal(0),
        "id": ff.shown("id_number", f.id_number, ed)})]
    if mark := form_facts.judge_mark(draft.content):
        lines.append(mark)
    if draft.on_behalf:
        lines.append(Msg("form.recap_on_behalf"))
    return tuple(lines)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Change, next section, members, declare, back."""
    from dialogs.form import ask
    from dialogs.form_members import menu

    st, draft = turn.state(ReviewState), _draft(turn)
    if draft is None:
        return [Reply((Msg("nav.stale"),), stale=True)]
    if pick.kind == "change":
        return ask(turn, pick.value, changing=True)
    if pick.kind == "confirm" and pick.value == "declare" and st.declaring:
        return submit(turn)
    if pick.value == "members":
        draft.content.progress.members_done = draft.content.progress.figures_confirmed = False
        desk_of(turn).touch(draft)
        return menu(turn)
    if pick.value == "next":
        return declaration(turn) if st.section >= len(SHOWN) - 1 else show(turn, st.section + 1)
    if pick.value == "back":
        return show(turn, 0)
    return [Reply((Msg("nav.stale"),), stale=True)]


def on_text(turn: Turn, text: Text) -> Replies:
    """Typed text in the review: the buttons are the way."""
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def repeat(turn: Turn) -> Replies:
    """The section (or the declaration) again."""
    st = turn.state(ReviewState)
    if _draft(turn) is None:
        return []
    return declaration(turn) if st.declaring else show(turn, st.section)


FLOW = Flow(name="review", diagram=__doc__ or "", state=ReviewState, on_text=on_text, on_pick=on_pick,
            repeat=repeat)
