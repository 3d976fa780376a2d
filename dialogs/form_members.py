"""The household's members (家庭主要成员, a repeat group: add, edit, remove), then the
derived figures (家庭人口, 家庭年度总收入, 家庭月人均收入: computed, shown for
confirmation, never typed), then the screening re-run on the form's facts.

```mermaid
stateDiagram-v2
    [*] --> menu: the household section is filled
    menu --> field: add a member (name, relation, ID...) · a member's missing field
    field --> menu: the member's fields are filled
    menu --> member: edit member N (each answer with "change")
    member --> field: change a field
    menu --> menu: remove member N
    menu --> figures: done
    figures --> menu: change the members
    figures --> recheck: correct
    recheck --> [*]: what changed in the screening (and, if it now fails, why; may still submit)
    recheck --> facts: undecided: the facts that can still change it (form_facts.py)
```
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules import FactError, evaluate, facts_for
from rules.form import form_figures, screening_facts_from_form

from dialogs import form_facts
from dialogs import form_fields as ff
from dialogs.drafts import Draft, desk_of
from dialogs.flow import Flow, Replies, Turn
from dialogs.questions import display_answer
from dialogs.form_facts import verdict_lines
from dialogs.types import Choice, Msg, Pick, Reply, Text

COMPARED = ("household_size", "household_annual_income", "hukou", "marital_status", "sex", "birth_date",
            "id_number", "medical_out_of_pocket")
ADDED = ("medical_out_of_pocket",)


def _draft(turn: Turn) -> Draft:
    from dialogs.form import current

    return current(turn)


def show(turn: Turn) -> Replies:
    """A member's next missing field, or the members menu."""
    from dialogs.form import ask

    draft, ed = _draft(turn), turn.ctx.edition
    for i in range(len(draft.form.members)):
        for name in ff.MEMBER_FIELDS:
            path = ff.member_path(i, name)
            if ff.applies(path, draft.content, ed) and ff.missing(path, draft.content):
                return ask(turn, path)
    return menu(turn)


def menu(turn: Turn, note: Msg | None = None) -> Replies:
    """The members so far, with add, edit, remove and done."""
    draft, ed = _draft(turn), turn.ctx.edition
    turn.open(FLOW.name)
    members = draft.form.members
    lines = ([note] if note else []) + [Msg("form.members_title", {"n": len(members)})]
    size = draft.content.screening.get("household_size")
    if size:
        lines.append(Msg("form.members_expected", {"size": int(size), "n": int(size) - 1}))
    for i, m in enumerate(members):
        relation = ff.option_label("members.0.relation", m.relation, ed) if m.relation else "—"
        lines.append(Msg("form.member_line", {"n": i + 1, "name": m.name or "—", "relation": relation}))
    choices = [Choice(Pick("form", "add"), Msg("btn.member_add"))]
    for i, m in enumerate(members):
        choices.append(Choice(Pick("form", f"edit:{i}"), Msg("btn.member_edit", {"n": i + 1, "name": m.name or ""})))
        choices.append(Choice(Pick("form", f"remove:{i}"), Msg("btn.member_remove", {"n": i + 1, "name": m.name or ""})))
    choices.append(Choice(Pick("form", "members_done"), Msg("btn.members_done")))
    return [turn.ask(lines, choices)]


def member_view(turn: Turn, i: int) -> Replies:
    """One member's answers, each with a button to change it."""
    draft, ed = _draft(turn), turn.ctx.edition
    if i >= len(draft.form.members):
        return menu(turn)
    turn.open(FLOW.name)
    lines, choices = [Msg("form.member_n", {"n": i + 1})], []
    for name in ff.MEMBER_FIELDS:
        path = ff.member_path(i, name)
        if ff.applies(path, draft.content, ed):
            value = ff.shown(path, ff.value_of(path, draft.form), ed)
            lines.append(Msg("form.review_line", {"field": ff.label(path), "value": value}))
            choices.append(Choice(Pick("change", path), Msg("btn.change_field", {"field": ff.label(path)})))
    choices.append(Choice(Pick("form", "members"), Msg("btn.members_back")))
    return [turn.ask(lines, choices)]


def _remove(turn: Turn, i: int) -> Replies:
    draft = _draft(turn)
    members = list(draft.form.members)
    if i >= len(members):
        return menu(turn)
    removed = members.pop(i)
    draft.content.form = draft.form.model_copy(update={"members": members})
    skipped = []
    for path in draft.content.progress.skipped:  # indices after the removed row move up
        if ff.is_member(path):
            j = ff.member_index(path)
            if j == i:
                continue
            path = ff.member_path(j - 1 if j > i else j, ff.field_name(path))
        skipped.append(path)
    draft.content.progress.skipped = skipped
    draft.content.progress.figures_confirmed = False
    desk_of(turn).touch(draft)
    return menu(turn, Msg("form.member_removed", {"name": removed.name or ""}))


def figures(turn: Turn) -> Replies:
    """The computed household figures, for the person to confirm."""
    draft = _draft(turn)
    turn.open(FLOW.name)
    fig = form_figures(draft.form)
    if fig is None:  # an income is missing: back to the fields
        draft.content.progress.members_done = False
        return show(turn)
    lines = [Msg("form.figures", {"size": fig.size, "annual": fig.annual_total,
                                  "per_capita": fig.per_capita_monthly.quantize(Decimal("0.01"))})]
    choices = (Choice(Pick("form", "figures_ok"), Msg("btn.figures_ok")),
               Choice(Pick("form", "members"), Msg("btn.figures_members")),
               Choice(Pick("change", "own_monthly_income"), Msg("btn.change_field", {"field": ff.label("own_monthly_income")})),
               Choice(Pick("change", "other_annual_income"), Msg("btn.change_field", {"field": ff.label("other_annual_income")})))
    return [turn.ask(lines, choices)]


def _same(fact: str, a: Any, b: Any) -> bool:
    if fact == "household_annual_income" and a is not None and b is not None:
        return Decimal(str(a)) == Decimal(str(b))
    return a == b


def recheck(turn: Turn, draft: Draft) -> Replies:
    """Re-runs the screening with what the form says where it says otherwise; tells what
    changed and the new result (not eligible: why, and that staff may still judge it)."""
    ctx, content = turn.ctx, draft.content
    if not content.screening:
        return []
    implied = screening_facts_from_form(draft.form, today=ctx.today, edition=ctx.edition)
    changed = {f: implied[f] for f in COMPARED if f in implied and f in content.screening
               and not _same(f, content.screening[f], implied[f])}
    # a cost the screening may not have asked, which the form knows (the illness test's)
    added = {f: implied[f] for f in ADDED if f in implied and f not in content.screening}
    if not changed and not added:
        return []
    answers = content.screening | changed | added
    try:
        decision = evaluate(facts_for(answers, edition=ctx.edition, today=ctx.today), ctx.edition)
    except FactError:
        return []
    verdict = form_facts.VERDICTS[decision.eligible]
    if not changed and verdict == content.verdict:  # what the form adds changes nothing: taken quietly
        content.screening = answers
        desk_of(turn).touch(draft)
        return []
    lines = [Msg("form.screen_changed")]
    for fact, new in changed.items():
        lines.append(Msg("form.screen_change_line", {
            "fact": Msg(f"fact.{fact}"), "old": display_answer(fact, content.screening[fact], ctx.edition),
            "new": display_answer(fact, new, ctx.edition)}))
    for fact, new in added.items():  # what the screening did not ask and the form tells
        lines.append(Msg("form.screen_change_line", {"fact": Msg(f"fact.{fact}"), "old": Msg("form.value_empty"),
                                                     "new": display_answer(fact, new, ctx.edition)}))
    content.screening = answers
    content.verdict = verdict
    lines += verdict_lines(decision, turn)
    desk_of(turn).touch(draft)
    return [Reply(tuple(lines))]


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Add, edit, remove, done, the figures' answers, or a field to change."""
    from dialogs.form import advance, ask

    draft = _draft(turn)
    if draft is None:
        return [Reply((Msg("nav.stale"),), stale=True)]
    progress, value = draft.content.progress, pick.value
    if pick.kind == "change":
        return ask(turn, value, changing=True)
    if value == "add":
        return ask(turn, ff.member_path(len(draft.form.members), "name"))
    if value.startswith("edit:"):
        return member_view(turn, int(value[5:]))
    if value.startswith("remove:"):
        return _remove(turn, int(value[7:]))
    if value == "members":
        progress.members_done, progress.figures_confirmed = False, False
        desk_of(turn).touch(draft)
        return menu(turn)
    if value == "members_done":
        progress.members_done = True
        desk_of(turn).touch(draft)
        return advance(turn)
    if value == "figures_ok":
        progress.figures_confirmed = True
        desk_of(turn).touch(draft)
        told = recheck(turn, draft)
        return told + (form_facts.ask_open(turn, draft) or advance(turn))
    return [Reply((Msg("nav.stale"),), stale=True)]


def on_text(turn: Turn, text: Text) -> Replies:
    """Typed text at the members menu: the buttons are the way."""
    return [Reply((Msg("err.pick_a_button"),))] + repeat(turn)


def repeat(turn: Turn) -> Replies:
    """The members menu (or the figures) again."""
    from dialogs.form import advance

    return advance(turn) if _draft(turn) else []


FLOW = Flow(name="members", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=repeat)
