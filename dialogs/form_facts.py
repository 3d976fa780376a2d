"""The screening's still-open facts, asked from the form: when the screening re-run on
the form's facts (dialogs.form_members.recheck) cannot decide, because the form changed
something the screening had settled early (its incomes) and a fact it never needed is
now open (permanent paralysis, the workplace, a disaster), the form asks exactly the
facts that can still change the answer, with the screening's own questions
(dialogs.questions), and re-runs after each answer.

A fact the form will fill itself later (每年个人自付医药费 is the illness test's cost)
is left to the form. A fact the person cannot tell ("I don't know") stays open: the
result stays undecided and a submission is marked for staff to judge, as a
not-eligible one is (with its reasons told clause by clause, as the result does).

```mermaid
stateDiagram-v2
    [*] --> fact: the re-run is undecided (after the figures · at the review)
    fact --> fact: answer (re-run: still undecided) · I don't know (left open) · bad answer (re-ask) · /why
    fact --> [*]: decided (eligible · not eligible: why, may still submit) · nothing more to ask (undecided: for staff)
```
"""
from __future__ import annotations

from rules import Decision, FactError, evaluate, facts_for
from rules.parse import ParseError, is_dont_know

from dialogs import form_fields as ff
from dialogs.drafts import Draft, DraftContent, desk_of
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.questions import EXAMPLES, question, read_answer, with_answer
from dialogs.result import reason_lines
from dialogs.types import Choice, Msg, Pick, Reply, Text

VERDICTS = {True: "eligible", False: "not_eligible", None: "undecided"}
# Screening facts the form fills itself (rules.form.screening_facts_from_form): while the
# form's field is still to be asked, the fact is the form's to tell, not asked here.
FROM_FORM = {"medical_out_of_pocket": ("annual_out_of_pocket",), "hukou": ("hukou",),
             "marital_status": ("marital_status",), "birth_date": ("id_number", "birth_date"),
             "sex": ("id_number", "sex")}


class FactsState(FlowState):
    """The open fact, and the bad answers to it so far."""

    key = "form_facts"
    asking: str | None = None
    failures: int = 0


def rerun(content: DraftContent, turn: Turn) -> Decision | None:
    """The rules' decision on the draft's screening answers (None if they do not read)."""
    ctx = turn.ctx
    try:
        return evaluate(facts_for(content.screening, edition=ctx.edition, today=ctx.today), ctx.edition)
    except FactError:
        return None


def verdict_lines(decision: Decision, turn: Turn) -> list[Msg]:
    """The re-run's result: eligible, or not eligible with each clause's reason and
    that staff may still judge it, or undecided (for staff when nothing is left to ask)."""
    if decision.eligible is False:
        return [Msg("form.verdict.not_eligible"), *reason_lines(decision, turn.ctx), Msg("form.may_still_submit")]
    return [Msg("form.verdict.eligible" if decision.eligible else "form.verdict.undecided")]


def judge_mark(content: DraftContent) -> Msg | None:
    """The mark a submission carries for staff: not eligible, or undecided, for staff to judge."""
    if not content.for_staff_to_judge:
        return None
    return Msg("form.recap_undecided" if content.verdict == "undecided" else "form.recap_not_eligible")


def open_facts(turn: Turn, draft: Draft) -> list[str]:
    """The facts to ask: those that can still change the re-run's answer, that the form
    will not tell itself and that the person has not said they cannot tell."""
    content, ed = draft.content, turn.ctx.edition
    if not content.screening or content.verdict != "undecided":
        return []
    decision = rerun(content, turn)
    if decision is None or decision.decided:
        return []

    def from_form(fact: str) -> bool:
        return any(ff.applies(p, content, ed) and ff.missing(p, content) for p in FROM_FORM.get(fact, ()))
    return [f for f in decision.missing if f not in content.unknown_facts and not from_form(f)]


def ask_open(turn: Turn, draft: Draft) -> Replies:
    """The first open fact's question (with a word on why), or nothing to ask."""
    facts = open_facts(turn, draft)
    if not facts:
        return []
    turn.reset(FactsState)
    return [Reply((Msg("form.facts_needed"),))] + _ask(turn, facts[0], len(facts))


def _ask(turn: Turn, fact: str, left: int | None = None, error: Msg | None = None) -> Replies:
    st = turn.state(FactsState)
    turn.open(FLOW.name)
    if st.asking != fact:
        st.failures = 0
    st.asking = fact
    q = question(fact, turn.ctx.edition, turn.session.next_seq(), left=left, nav=False)
    nav = (Choice(Pick("nav", "why"), Msg("btn.why")), Choice(Pick("nav", "idk"), Msg("btn.idk")))
    before = [Reply((error,))] if error else []
    return before + [Reply(q.lines, q.choices + nav, q.seq, q.expects, f"fact:{fact}")]


def _next(turn: Turn, draft: Draft, lines: list[Msg]) -> Replies:
    """After an answer: the next open fact, or the result and back to the form."""
    from dialogs.form import advance

    facts = open_facts(turn, draft)
    if facts:
        return ([Reply(tuple(lines))] if lines else []) + _ask(turn, facts[0], len(facts))
    st = turn.state(FactsState)
    st.asking = None
    decision = rerun(draft.content, turn)
    if decision is not None and decision.decided:
        lines += verdict_lines(decision, turn)
    elif decision is not None and set(decision.missing) & set(draft.content.unknown_facts):
        lines.append(Msg("form.verdict.undecided_for_staff"))  # what is left, no one can tell
    elif decision is not None:
        lines.append(Msg("form.verdict.after_form"))  # what is left, the form tells further on
    return [Reply(tuple(lines))] + advance(turn)


def _answer(turn: Turn, inp: Pick | Text) -> Replies:
    from dialogs.form import current

    st, draft, ctx = turn.state(FactsState), current(turn), turn.ctx
    fact, content = st.asking, draft.content
    kind = ctx.edition.facts[fact].kind
    try:
        key, value = read_answer(fact, inp, ctx.edition, ctx.today)
        answers = with_answer(content.screening, key, value, ctx.edition)
        decision = evaluate(facts_for(answers, edition=ctx.edition, today=ctx.today), ctx.edition)
    except ParseError as exc:
        return _failed(turn, Msg(f"err.{kind}.{exc.code}", {"example": EXAMPLES.get(kind, "")}))
    except FactError as exc:
        return _failed(turn, Msg(f"err.fact.{exc.code}"))
    content.screening, content.verdict = answers, VERDICTS[decision.eligible]
    desk_of(turn).touch(draft)
    return _next(turn, draft, [])


def _failed(turn: Turn, error: Msg) -> Replies:
    st = turn.state(FactsState)
    st.failures += 1
    turn.session.seq -= 1
    return _ask(turn, st.asking, error=error)


def dont_know(turn: Turn) -> Replies:
    """/idk · "I don't know": the fact is left open for staff; the next one is asked."""
    from dialogs.form import current

    st, draft = turn.state(FactsState), current(turn)
    if draft is None or st.asking is None:
        return repeat(turn)
    fact = st.asking
    draft.content.unknown_facts.append(fact)
    desk_of(turn).touch(draft)
    return _next(turn, draft, [Msg("form.fact_left_open", {"fact": Msg(f"fact.{fact}")})])


def why(turn: Turn) -> Replies:
    """Which clause the open fact comes from, then the question again."""
    st, ed = turn.state(FactsState), turn.ctx.edition
    if st.asking is None:
        return repeat(turn)
    fact = st.asking
    params = {"clause": ed.facts[fact].clause, "limit": ed.exclusions.homes_owned_at_least}
    turn.session.seq -= 1
    return [Reply((Msg(f"why.{fact}", params),))] + _ask(turn, fact)


def on_text(turn: Turn, text: Text) -> Replies:
    """A typed answer ("I don't know" typed too)."""
    from dialogs.form import current

    if turn.state(FactsState).asking is None or current(turn) is None:  # the draft gone (purged, withdrawn)
        return repeat(turn)
    return dont_know(turn) if is_dont_know(text.text) else _answer(turn, text)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """A pressed answer."""
    from dialogs.form import current

    if pick.kind == "answer" and turn.state(FactsState).asking is not None and current(turn) is not None:
        return _answer(turn, pick)
    return [Reply((Msg("nav.stale"),), stale=True)]


def repeat(turn: Turn) -> Replies:
    """The open fact's question again (or back to the form; /apply's answer if the draft
    is gone)."""
    from dialogs.form import advance, apply, current

    st = turn.state(FactsState)
    if current(turn) is None:
        return apply(turn)
    if st.asking is None:
        return advance(turn)
    return _ask(turn, st.asking)


FLOW = Flow(name="form_facts", diagram=__doc__ or "", state=FactsState, on_text=on_text, on_pick=on_pick,
            repeat=repeat, commands={"idk": dont_know, "why": why})
