"""The registration form (6号 附件1) as a draft: started or resumed by /apply, filled
section by section, prefilled from the screening, each answer checked as it comes.

A field is asked with buttons (the edition's options) or as typed text; a bad answer
is re-asked with what was wrong (as in the screening); an answer the person should
look at twice (a bank card failing the Luhn check) asks to confirm, never refuses.
An ID or bank card number is echoed masked and the message that held it deleted
where the channel can. The draft is a record of its own (dialogs.drafts), written
after every answer, so a form survives restarts; the members, the review and the
submission are flows of their own.

```mermaid
stateDiagram-v2
    [*] --> consent: /apply (no consent yet)
    [*] --> who: /apply as a clerk
    who --> consent: for a worker (the worker's consent)
    consent --> field: agreed (a new draft, prefilled)
    [*] --> field: /apply (an open draft: resume)
    field --> field: answer (valid) · skip (optional) · bad answer (re-ask)
    field --> confirm: an answer to confirm (Luhn, wages counted twice, 临时救助)
    confirm --> field: keep · re-enter
    field --> members: household section done
    members --> figures: members done
    figures --> field: confirmed (the screening re-run on the form's facts)
    field --> review: every section filled · /review
    review --> field: change an answer
```
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from rules import FactError, evaluate, facts_for
from rules.form import FormError

from dialogs import form_attachments
from dialogs import form_fields as ff
from dialogs.drafts import Draft, DraftContent, desk_of
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.types import Choice, Msg, Pick, Reply, Text

MAX_FAILURES = 3


class FormState(FlowState):
    """Where the person is in their draft."""

    key = "form"
    ref: str | None = None
    asking: str | None = None
    picked: list[str] = Field(default_factory=list)  # a multiple choice being ticked
    confirming: str | None = None  # "field:code" awaiting confirmation
    failures: int = 0
    changing: bool = False  # came from the review: back there after the answer


def current(turn: Turn) -> Draft | None:
    """The draft being filled (if it is still the person's and editable)."""
    draft = desk_of(turn).get(turn.state(FormState).ref)
    return draft if draft is not None and draft.status in ("draft", "returned") else None


# ---- starting ---------------------------------------------------------------------------------

def apply(turn: Turn) -> Replies:
    """/apply: resume the open draft, or start one (after consent); a clerk says for whom."""
    from dialogs import consent

    desk = desk_of(turn)
    if "clerk" in turn.ctx.roles:
        turn.open(FLOW.name)
        choices = [Choice(Pick("form", "self"), Msg("btn.form_for_me")),
                   Choice(Pick("form", "worker"), Msg("btn.form_for_worker"))]
        choices += [Choice(Pick("form", f"open:{d.reference}"),
                           Msg("btn.form_continue", {"ref": d.reference, "name": d.form.name or "—"}))
                    for d in desk.mine() if d.on_behalf and d.status in ("draft", "returned")][:5]
        return [turn.ask((Msg("form.clerk_who"),), choices)]
    draft = desk.open_draft(on_behalf=False)
    if draft is not None:
        return resume(turn, draft)
    if consent.given(turn, "form") is not True:
        return consent.ask(turn, "form", "form")
    return start(turn)


def _prefill(turn: Turn) -> DraftContent:
    """A new draft's content from the screening in this conversation."""
    from dialogs.screening import ScreenState

    ed, answers = turn.ctx.edition, dict(turn.state(ScreenState).answers)
    content = DraftContent(screening=answers)
    data = {k: answers[k] for k in ("hukou", "marital_status", "sex", "birth_date") if k in answers}
    if "id_number" in answers:
        data["id_number"] = answers["id_number"]
    try:
        decision = evaluate(facts_for(answers, edition=ed, today=turn.ctx.today), ed)
    except FactError:
        decision = None
    if decision is not None:
        content.verdict = {True: "eligible", False: "not_eligible", None: "undecided"}[decision.eligible]
        if decision.primary:
            data["hardship_category"] = ed.form_category[decision.primary]
        if decision.worker_type:
            data["worker_type"] = decision.worker_type
    if answers.get("medical_out_of_pocket") is not None:
        data["annual_out_of_pocket"] = Decimal(str(answers["medical_out_of_pocket"]))
    content.form = content.form.model_validate(data)
    return content


def start(turn: Turn, *, on_behalf: bool = False) -> Replies:
    """A new draft, prefilled from the screening; the first question."""
    content = _prefill(turn)
    draft = desk_of(turn).new(content, on_behalf=on_behalf)
    st = turn.reset(FormState)
    st.ref = draft.reference
    lines = [Msg("form.intro", {"ref": draft.reference})]
    if content.screening:
        lines.append(Msg("form.prefilled"))
    if content.verdict == "not_eligible":
        lines.append(Msg("form.screened_not_eligible"))
    return [Reply(tuple(lines))] + advance(turn)


def start_for_worker(turn: Turn, agreed: bool, version: str) -> Replies:
    """A clerk's draft for a worker, after recording the worker's own consent."""
    from dialogs import menu

    if not agreed:
        return [Reply((Msg("consent.form_refused"),))] + menu.show(turn)
    replies = start(turn, on_behalf=True)
    draft = current(turn)
    desk_of(turn).record_consent("form", version, True, subject=f"draft:{draft.reference}")
    draft.content.consent = {"version": version, "given": True, "recorded_by": desk_of(turn).person}
    return replies


def resume(turn: Turn, draft: Draft) -> Replies:
    """Back to an open draft where it was left."""
    st = turn.reset(FormState)
    st.ref = draft.reference
    lines = [Msg("form.resumed", {"ref": draft.reference})]
    if draft.status == "returned":
        lines = [Msg("form.returned", {"ref": draft.reference, "comment": draft.content.comment or "—"})]
    return [Reply(tuple(lines))] + advance(turn)


# ---- asking -----------------------------------------------------------------------------------

def advance(turn: Turn) -> Replies:
    """The next thing to ask: a field to correct, the next missing field, the members,
    the figures, or the review once every section is filled."""
    from dialogs import form_members, form_review

    draft, ed = current(turn), turn.ctx.edition
    if draft is None:
        return apply(turn)
    content = draft.content
    for path in content.reopen_fields:
        return ask(turn, path, changing=True)
    for section, fields in ff.SECTIONS:
        if section == "members":
            if not content.progress.members_done:
                return form_members.show(turn)
            if not content.progress.figures_confirmed:
                return form_members.figures(turn)
            continue
        for path in fields:
            if ff.applies(path, content, ed) and ff.missing(path, content):
                return ask(turn, path)
    return form_review.start(turn)


def ask(turn: Turn, path: str, *, changing: bool = False, error: Msg | None = None) -> Replies:
    """Asks one field (the current value shown when changing it)."""
    st, draft, ed = turn.state(FormState), current(turn), turn.ctx.edition
    turn.open(FLOW.name)
    if st.asking != path:
        st.failures = 0
        st.picked = list(ff.value_of(path, draft.form) or []) if ff.base_kind(path) == "choices" else []
    st.asking, st.changing, st.confirming = path, changing or st.changing and st.asking == path, None
    lines = ff.question_lines(path, draft.form)
    value = ff.value_of(path, draft.form)
    if changing and value not in (None, "", []):
        lines.append(Msg("ask.current", {"answer": ff.shown(path, value, ed)}))
    if path == "attachments":  # the category's materials not yet ticked (informs, never refuses)
        lines += form_attachments.missing_lines(draft.content, st.picked, ed, turn.ctx.today)
    if st.failures >= MAX_FAILURES:
        lines.append(Msg("form.many_failures"))
    choices = ff.choices(path, ed, draft.form, st.picked)
    if ff.optional(path, draft.form):
        choices.append(Choice(Pick("skip"), Msg("btn.skip")))
    before = [Reply((error,))] if error else []
    return before + [turn.ask(lines, choices, expects=ff.base_kind(path), asks="form:" + path)]


def reask(turn: Turn) -> Replies:
    """The open question again (also after /help or a language switch)."""
    st = turn.state(FormState)
    if current(turn) is None:
        return apply(turn)
    if st.confirming:
        return _ask_confirm(turn, *st.confirming.split(":", 1))
    return ask(turn, st.asking, changing=st.changing) if st.asking else advance(turn)


def on_text(turn: Turn, text: Text) -> Replies:
    """A typed answer to the open field."""
    st = turn.state(FormState)
    if current(turn) is None or st.asking is None or st.confirming:
        return [Reply((Msg("err.pick_a_button"),))] + reask(turn)
    return _answer(turn, text.text)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """A pressed option, a tick of a multiple choice, done, skip, or a confirmation."""
    from dialogs import consent

    st = turn.state(FormState)
    if pick.kind == "form" and pick.value in ("self", "worker"):
        if pick.value == "worker":
            return consent.ask(turn, "form", "clerk_form")
        draft = desk_of(turn).open_draft(on_behalf=False)
        return resume(turn, draft) if draft else (start(turn) if consent.given(turn, "form")
                                                  else consent.ask(turn, "form", "form"))
    if pick.kind == "form" and pick.value.startswith("open:"):
        draft = desk_of(turn).get(pick.value[5:])
        return resume(turn, draft) if draft else apply(turn)
    if current(turn) is None or st.asking is None:
        return [Reply((Msg("nav.stale"),), stale=True)]
    if st.confirming:
        return _confirmed(turn, pick.value == "keep")
    if pick.kind == "skip":
        draft = current(turn)
        draft.content.progress.skipped.append(st.asking)
        desk_of(turn).touch(draft)
        return _after(turn, [])
    if ff.base_kind(st.asking) == "choices":
        if pick.kind == "form" and pick.value == "done":
            return _answer(turn, Pick("answer", "__picked__"))
        st.picked = [k for k in st.picked if k != pick.value] if pick.value in st.picked else st.picked + [pick.value]
        turn.session.seq -= 1
        return ask(turn, st.asking, changing=st.changing)
    return _answer(turn, pick)


def _answer(turn: Turn, inp: Pick | str) -> Replies:
    """Reads, checks and stores one answer; re-asks on a bad one."""
    st, draft, ctx = turn.state(FormState), current(turn), turn.ctx
    path = st.asking
    try:
        value = list(st.picked) if isinstance(inp, Pick) and inp.value == "__picked__" else \
            ff.read(path, inp, today=ctx.today, ed=ctx.edition)
        candidate = ff.with_value(draft.form, path, value, ctx.today, ctx.edition)
    except FormError as exc:
        return _failed(turn, ff.error_msg(path, exc.code))
    found = ff.issues_of(path, candidate, today=ctx.today, ed=ctx.edition)
    errors = [i for i in found if i.severity == "error"]
    if errors:
        return _failed(turn, ff.error_msg(errors[0].field, errors[0].code))
    draft.content.form = candidate
    if path in draft.content.reopen_fields:
        draft.content.reopen_fields.remove(path)
    desk_of(turn).touch(draft)
    replies = []
    if ff.looks_sensitive(path):
        echo = Msg("form.captured", {"field": ff.label(path), "value": ff.shown(path, value, ctx.edition)})
        replies.append(Reply((echo,), delete_input=isinstance(inp, str)))
    confirms = [i for i in found if i.severity == "confirm"]
    if confirms:
        return replies + _ask_confirm(turn, confirms[0].field, confirms[0].code)
    return _after(turn, replies)


def _failed(turn: Turn, error: Msg) -> Replies:
    st = turn.state(FormState)
    st.failures += 1
    turn.session.seq -= 1
    return ask(turn, st.asking, changing=st.changing, error=error)


def _after(turn: Turn, replies: Replies) -> Replies:
    """After an answer: back to the review when changing, else the next question."""
    from dialogs import form_review

    st = turn.state(FormState)
    path, changing = st.asking, st.changing
    st.asking, st.changing, st.picked = None, False, []
    if changing and not current(turn).content.reopen_fields:
        return replies + form_review.after_change(turn, path)
    return replies + advance(turn)


def _ask_confirm(turn: Turn, field: str, code: str) -> Replies:
    st = turn.state(FormState)
    turn.open(FLOW.name)
    st.confirming, st.asking = f"{field}:{code}", st.asking or field
    choices = (Choice(Pick("confirm", "keep"), Msg("btn.confirm_keep")),
               Choice(Pick("confirm", "redo"), Msg("btn.confirm_redo")))
    return [turn.ask((Msg(ff.confirm_msg(code), {"field": ff.label(field)}),), choices)]


def ask_confirm(turn: Turn, field: str, code: str) -> Replies:
    """Asks the person to confirm an answer a check flagged (from the review)."""
    turn.state(FormState).changing = True
    return _ask_confirm(turn, field, code)


def _confirmed(turn: Turn, keep: bool) -> Replies:
    st, draft = turn.state(FormState), current(turn)
    field, _, code = st.confirming.partition(":")
    st.confirming = None
    if keep:
        draft.content.form = draft.form.model_copy(update={"confirmed": [*draft.form.confirmed, f"{field}:{code}"]})
        desk_of(turn).touch(draft)
        st.asking = field
        return _after(turn, [])
    return ask(turn, field, changing=st.changing)


def to_review(turn: Turn) -> Replies:
    """/review: the answers so far, section by section."""
    from dialogs import form_review

    return form_review.start(turn) if current(turn) else apply(turn)


FLOW = Flow(name="form", diagram=__doc__ or "", state=FormState, on_text=on_text, on_pick=on_pick,
            repeat=reask, commands={"review": to_review})
