"""Consent before sensitive questions (PIPL Art. 29): what is collected, why, who sees
it, how long it is kept, and that Telegram passes through servers outside China
(the terminal and the web chat are the alternative). Asked once per scope and
version; the answer, its version and time are stored (tx.consents, audit).

The screening asks it before its first sensitive question (an ID number at the
birth-date question, the illness questions): :func:`screening_gate` is the one call
the screening makes. Without consent the screening goes on with the other facts.
The form asks it before anything else; without consent the form is not offered.
A clerk records the worker's own answer for a form they fill for the worker.

```mermaid
stateDiagram-v2
    [*] --> ask: screening reaches a sensitive question · /apply
    ask --> screening: agree / refuse (the question is asked; without consent no ID is taken)
    ask --> form: agree (the form starts)
    ask --> menu: refuse (no form)
```
"""
from __future__ import annotations

from typing import Literal

from rules.parse import ParseError, parse_yes_no

from dialogs.drafts import desk_of
from dialogs.questions import edition_spellings, match_spelling
from dialogs.flow import Flow, FlowState, Replies, Turn
from dialogs.types import Choice, Msg, Pick, Reply, Text, with_note

VERSION = "2016-10-v1"  # the consent texts below; a new wording gets a new version and is asked again
SENSITIVE_FACTS = frozenset({"birth_date", "major_illness", "disease_paralysis", "id_number"})
TEXTS = {"screening": "consent.text.screening", "form": "consent.text.form", "clerk": "consent.text.clerk"}
Then = Literal["screening", "form", "clerk_form"]


class ConsentState(FlowState):
    """The consent being asked and what follows it."""

    key = "consent"
    scope: Literal["screening", "form"] | None = None
    then: Then | None = None


def given(turn: Turn, scope: Literal["screening", "form"]) -> bool | None:
    """The person's answer to the current consent text (None: not asked)."""
    return desk_of(turn).consent(scope, VERSION)


def allows_id(turn: Turn) -> bool:
    """Whether an ID number may be taken in the screening (consent given)."""
    return given(turn, "screening") is True


def ask(turn: Turn, scope: Literal["screening", "form"], then: Then) -> Replies:
    """Opens the consent question."""
    st = turn.reset(ConsentState)
    st.scope, st.then = scope, then
    turn.open(FLOW.name)
    return [_question(turn)]


def _question(turn: Turn) -> Reply:
    st = turn.state(ConsentState)
    text = TEXTS["clerk" if st.then == "clerk_form" else st.scope]
    agree = "btn.consent_worker_agrees" if st.then == "clerk_form" else "btn.consent_agree"
    refuse = "btn.consent_worker_refuses" if st.then == "clerk_form" else "btn.consent_refuse"
    choices = (Choice(Pick("confirm", "yes"), Msg(agree)), Choice(Pick("confirm", "no"), Msg(refuse)))
    return turn.ask((Msg(text, {"version": VERSION}),), choices, asks=f"consent:{st.scope}")


def screening_gate(turn: Turn, fact: str | None) -> Replies:
    """Before a sensitive screening question not yet consented to: the consent question
    (the screening question follows the answer). Otherwise nothing."""
    if fact not in SENSITIVE_FACTS or given(turn, "screening") is not None:
        return []
    return ask(turn, "screening", "screening")


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Agree or refuse; then the screening question, the form, or the menu."""
    from dialogs import form, menu, screening

    st = turn.state(ConsentState)
    if pick.kind != "confirm" or st.scope is None:
        return [Reply((Msg("nav.stale"),), stale=True)]
    yes = pick.value == "yes"
    if st.then == "clerk_form":
        return form.start_for_worker(turn, yes, VERSION)
    desk_of(turn).record_consent(st.scope, VERSION, yes)
    then, st.scope, st.then = st.then, None, None
    if then == "screening":
        note = Msg("consent.screening_given" if yes else "consent.screening_refused")
        return with_note(note, screening.ask_next(turn))
    if yes:
        return [Reply((Msg("consent.form_given"),))] + form.start(turn)
    return [Reply((Msg("consent.form_refused"),))] + menu.show(turn)


def on_text(turn: Turn, text: Text) -> Replies:
    """A typed yes or no answers as the buttons do; anything else asks for one of them."""
    try:
        yes = _typed(text.text, turn)
    except ParseError:
        turn.session.seq -= 1  # the same question again: its buttons stay valid
        return [Reply((Msg("err.pick_a_button"),)), _question(turn)]
    return on_pick(turn, Pick("confirm", "yes" if yes else "no"))


def _typed(text: str, turn: Turn) -> bool:
    """同意 / 不同意 (the edition's spellings), else a plain yes or no."""
    value = match_spelling(text, edition_spellings("consent", turn.ctx.edition))
    return value == "yes" if value is not None else parse_yes_no(text)


def repeat(turn: Turn) -> Replies:
    """The consent question again."""
    turn.session.seq -= 1
    return [_question(turn)]


FLOW = Flow(name="consent", diagram=__doc__ or "", state=ConsentState, on_text=on_text, on_pick=on_pick,
            repeat=repeat)
