"""One step of the assistant: route an input to the dialog that handles it.

Commands and navigation buttons work at any point; a button whose question has
passed (stale, or forged) changes nothing. The mode in the state says which
dialog reads typed text.
"""
from __future__ import annotations

from locales import LANGUAGES, normalise_language

from dialogs import checklist_flow, screening
from dialogs.context import Context
from dialogs.result import checklist_reply
from dialogs.state import SessionState
from dialogs.types import Button, Choice, Command, Input, Msg, Reply, Text
from rules import checklist, facts_for

START_PAYLOADS = {"screen": "screen", "materials": "materials", "checklist": "materials"}


def menu(state: SessionState) -> list[Reply]:
    """The main menu."""
    state.mode = "menu"
    choices = (Choice("menu:screen", Msg("btn.screen")), Choice("menu:materials", Msg("btn.materials")),
               Choice("menu:language", Msg("btn.language")), Choice("menu:help", Msg("btn.help")))
    return [Reply((Msg("menu.welcome"),), choices, state.next_seq())]


def continue_where(state: SessionState, ctx: Context) -> list[Reply]:
    """Repeats the open question (or the menu) so the conversation goes on."""
    if state.mode == "screen" and state.screen.asking:
        return screening.reask(state, ctx)
    if state.mode == "checklist":
        return checklist_flow.repeat(state, ctx)
    if state.mode == "idk":
        state.mode = "screen"
        return screening.reask(state, ctx)
    if state.mode == "summary":
        return screening.summary(state, ctx)
    return menu(state)


def set_language(state: SessionState, lang: str, ctx: Context) -> list[Reply]:
    """Switches language; the conversation continues in it."""
    if lang not in LANGUAGES:
        choices = tuple(Choice(f"lang:{code}", Msg(f"lang.name.{code}")) for code in LANGUAGES)
        return [Reply((Msg("lang.choose"),), choices, state.next_seq())]
    state.lang = lang
    return [Reply((Msg("lang.switched"),))] + continue_where(state, ctx)


def on_command(state: SessionState, cmd: Command, ctx: Context) -> list[Reply]:
    """Handles a command at any point of the conversation."""
    name, arg = cmd.name.lower().lstrip("/"), cmd.arg.strip()
    if name == "start":
        target = START_PAYLOADS.get(arg)
        if target == "screen":
            return screening.start_screening(state, ctx)
        if target == "materials":
            return checklist_flow.start_checklist(state, ctx)
        if state.mode in ("screen", "checklist", "idk") or state.screen.asking:
            return screening.resume(state, ctx) or continue_where(state, ctx)
        return menu(state)
    if name == "screen" and state.screen.asking and state.screen.answers:
        state.mode = "screen"  # an open screening goes on (also from the menu); /restart starts over
        return screening.resume(state, ctx)
    if name in ("screen", "restart"):
        return screening.start_screening(state, ctx)
    if name in ("materials", "checklist"):
        return checklist_flow.start_checklist(state, ctx)
    if name in ("language", "lang"):
        return set_language(state, normalise_language(arg, "") if arg else "", ctx)
    if name == "help":
        return [Reply((Msg("help.text"),))] + continue_where(state, ctx)
    if name == "cancel":
        state.screen = type(state.screen)()
        return [Reply((Msg("nav.cancelled"),))] + menu(state)
    if name in ("summary", "change"):
        return screening.summary(state, ctx)
    if name in ("back", "why", "idk", "clerk") and state.mode in ("screen", "idk") and state.screen.asking:
        state.mode = "screen"
        return {"back": screening.go_back, "why": screening.why, "idk": screening.dont_know,
                "clerk": screening.hand_to_clerk}[name](state, ctx)
    if name == "back" and state.mode in ("result", "summary") and state.screen.order:
        return screening.go_back(state, ctx)
    return [Reply((Msg("nav.unknown_command"),))] + continue_where(state, ctx)


NAV_COMMANDS = {"nav:why": "why", "nav:idk": "idk", "nav:back": "back", "nav:clerk": "clerk",
                "nav:summary": "summary", "nav:restart": "restart", "menu:screen": "screen",
                "menu:materials": "materials", "menu:language": "language", "menu:help": "help"}


STALE = Reply((Msg("nav.stale"),), stale=True)


def on_button(state: SessionState, btn: Button, ctx: Context) -> list[Reply]:
    """Handles a pressed button, after checking it belongs to the open question."""
    value = btn.value
    if value.startswith("#") and value[1:].isdigit():  # a choice by position (opaque button data)
        index = int(value[1:])
        value = state.choices[index] if index < len(state.choices) else ""
    if btn.seq != state.seq or value not in state.choices:
        return [STALE]
    btn = Button(value, btn.seq)
    if value in NAV_COMMANDS:
        return on_command(state, Command(NAV_COMMANDS[value]), ctx)
    if value == "nav:continue":
        if not state.screen.asking:
            return continue_where(state, ctx)
        state.mode = "screen"
        return screening.reask(state, ctx)
    if value.startswith("lang:"):
        return set_language(state, value[5:], ctx)
    if value.startswith("chg:"):
        return screening.change(state, value[4:], ctx)
    if value.startswith("mat:") and value[4:] in ctx.edition.category_order:
        facts = facts_for(state.screen.answers, edition=ctx.edition, today=ctx.today)
        return [checklist_reply(checklist(facts, value[4:], None, ctx.edition), ctx)]
    if state.mode == "screen" and state.screen.asking:
        return screening.on_answer(state, btn, ctx)
    if state.mode == "checklist":
        return checklist_flow.on_checklist_input(state, btn, ctx)
    return [STALE]


def on_text(state: SessionState, text: Text, ctx: Context) -> list[Reply]:
    """Handles typed text according to the open dialog."""
    if state.mode == "idk":
        state.mode = "screen"
    if state.mode == "screen" and state.screen.asking:
        return screening.on_answer(state, text, ctx)
    if state.mode == "checklist":
        return checklist_flow.on_checklist_input(state, text, ctx)
    if state.mode in ("result", "summary"):
        return [Reply((Msg("err.pick_a_button"),))] + (screening.summary(state, ctx) if state.mode == "summary" else menu(state))
    return [Reply((Msg("menu.not_understood"),))] + menu(state)


def step(state: SessionState, inp: Input, ctx: Context) -> list[Reply]:
    """Applies one input to the state (in place) and returns the replies; remembers
    the buttons of the open question so that only they are accepted."""
    if isinstance(inp, Command):
        replies = on_command(state, inp, ctx)
    elif isinstance(inp, Button):
        replies = on_button(state, inp, ctx)
    else:
        replies = on_text(state, inp, ctx)
    for reply in replies:
        if reply.seq == state.seq and reply.choices:
            state.choices = [c.value for c in reply.choices]
    return replies
