"""One step of the assistant: find the open flow in the table and hand it the input.

Global commands (/start with its payloads, /help, /language, /cancel) and the
commands that open a flow (/screen, /restart, /materials, /change) are handled
here, once; every other command goes to the open flow, which answers it or not.
A button counts only if it belongs to the open question (a stale or forged press
changes nothing); menu and navigation buttons stand for commands.

```mermaid
flowchart LR
    start(["/start"]) --> menu
    menu -- "/screen · check whether I qualify" --> screening
    menu -- "/materials · materials checklist" --> checklist
    screening -- "decided · /clerk" --> result
    result -- "/change · pick an answer" --> screening
    result -- "/back · start over (/restart)" --> screening
    checklist -- "list shown" --> menu
    screening -- "first sensitive question" --> consent
    result -- "/apply" --> consent
    consent -- "agree" --> form["form · members · review"]
    form -- "re-run undecided" --> form_facts["form_facts: the screening's open facts"]
    form_facts -- "decided · left open (for staff)" --> form
    form -- "submitted (reviewers told)" --> drafts["drafts: /status /mydraft"]
    staff["staff desk: /staff /inbox /notice /file /cleanup /stats /export"] -- "return" --> drafts
    any{{"any flow"}} -- "/deadlines /reminders /privacy /mydata /forget" --> any
    any{{"any flow"}} -- "/cancel (confirmed when answers would be lost)" --> menu
    any -- "/help · /language: then the open question again" --> any
```
"""
from __future__ import annotations

from collections.abc import Callable

from locales import LANGUAGES, normalise_language

from dialogs import checklist, menu, outcome, screening
from dialogs import consent, form, form_facts, form_members, form_review, form_status
from dialogs import deadlines, reminders_flow
from dialogs import staff_admin, staff_cleanup, staff_decision, staff_file, staff_inbox, staff_notice
from dialogs import staff_reports, staff_visit
from dialogs import privacy
from dialogs.context import Context
from dialogs.render import NAV_COMMANDS
from dialogs.flow import Flow, Outgoing, Replies, Turn
from dialogs.state import SessionState
from dialogs.types import Button, Choice, Command, Input, Msg, Pick, Reply, pick_of

# The table of flows: adding a flow is one module and one line here.
FLOWS: dict[str, Flow] = {f.name: f for f in (menu.FLOW, screening.FLOW, outcome.FLOW, checklist.FLOW)}
FLOWS.update({f.name: f for f in (consent.FLOW, form.FLOW, form_members.FLOW, form_review.FLOW,
                                 form_status.FLOW, form_facts.FLOW)})  # the registration form
FLOWS[deadlines.FLOW.name] = deadlines.FLOW
FLOWS[reminders_flow.FLOW.name] = reminders_flow.FLOW
FLOWS.update({f.FLOW.name: f.FLOW for f in (staff_admin, staff_inbox, staff_visit, staff_decision, staff_notice,
                                            staff_file, staff_cleanup, staff_reports)})  # the staff desk
FLOWS[privacy.FLOW.name] = privacy.FLOW  # the person's rights: /privacy, /mydata, /forget

START_PAYLOADS: dict[str, Callable[[Turn], Replies]] = {
    "screen": screening.start, "materials": checklist.start, "checklist": checklist.start}
STALE = Reply((Msg("nav.stale"),), stale=True)


def repeat(turn: Turn) -> Replies:
    """The open flow's question again, so the conversation goes on."""
    return FLOWS[turn.flow].repeat(turn)


def set_language(turn: Turn, lang: str) -> Replies:
    """Switches language; the conversation continues in it."""
    if lang not in LANGUAGES:
        choices = (Choice(Pick("lang", code), Msg(f"lang.name.{code}")) for code in LANGUAGES)
        return [turn.ask((Msg("lang.choose"),), choices)]
    turn.session.lang = lang
    return [Reply((Msg("lang.switched"),))] + repeat(turn)


def on_start(turn: Turn, payload: str) -> Replies:
    """/start: a deep-link payload opens its flow; otherwise the person continues."""
    if payload in START_PAYLOADS:
        return START_PAYLOADS[payload](turn)
    if payload.startswith(staff_admin.INVITE_PREFIX):  # a staff invite link
        return staff_admin.accept(turn, payload)
    if turn.flow in (screening.FLOW.name, checklist.FLOW.name) or screening.has_open_question(turn):
        return screening.resume(turn) or repeat(turn)
    return menu.show(turn)


def cancel(turn: Turn) -> Replies:
    """The screening is dropped and the menu shown."""
    turn.reset(screening.ScreenState)
    return [Reply((Msg("nav.cancelled"),))] + menu.show(turn)


# What would lose the answers given so far; asked to confirm first ("drop:<what>").
DROPPING: dict[str, Callable[[Turn], Replies]] = {"cancel": cancel, "restart": screening.start}
DROP_PICKS = frozenset(Pick("confirm", f"drop:{what}") for what in DROPPING)  # the question's own buttons


def confirm_dropping(what: str) -> Callable[[Turn], Replies]:
    """/cancel and "start over" ask first when answers would be lost."""

    def handler(turn: Turn) -> Replies:
        answers = len(turn.state(screening.ScreenState).answers)
        if not answers:
            return DROPPING[what](turn)
        choices = (Choice(Pick("confirm", f"drop:{what}"), Msg(f"btn.drop.{what}")),
                   Choice(Pick("confirm", "keep"), Msg("btn.keep_answers")))
        return [turn.ask((Msg(f"confirm.drop.{what}", {"n": answers}),), choices)]

    return handler


def on_confirm(turn: Turn, pick: Pick) -> Replies | None:
    """The answer to a "your answers would be lost" question (None: not one, such as the
    form's "is this number right?", whose "that's right" is also ``keep``)."""
    if not any(pick_of(choice) in DROP_PICKS for choice in turn.session.choices):
        return None
    what = pick.value.removeprefix("drop:")
    if pick.value.startswith("drop:") and what in DROPPING:
        return DROPPING[what](turn)
    if pick.value == "keep":
        return [Reply((Msg("nav.kept"),))] + repeat(turn)
    return None


GLOBAL: dict[str, Callable[[Turn], Replies]] = {
    "screen": screening.open_or_resume, "restart": confirm_dropping("restart"),
    "materials": checklist.start, "checklist": checklist.start,
    "help": lambda turn: [Reply((Msg("help.text"),))] + repeat(turn),
    "cancel": confirm_dropping("cancel"), "change": outcome.summary, "summary": outcome.summary,
}
GLOBAL.update({"apply": form.apply, "status": form_status.status, "mydraft": form_status.copy})
GLOBAL["deadlines"] = deadlines.show_list
GLOBAL["reminders"] = reminders_flow.show
GLOBAL.update({"privacy": privacy.show, "mydata": privacy.mydata, "forget": privacy.forget})
START_PAYLOADS["deadlines"] = deadlines.show_list  # a reminder's button
GLOBAL.update({"staff": staff_admin.show, "inbox": staff_inbox.show_queue, "notice": staff_notice.show_units,
               "file": staff_file.show_lists, "cleanup": staff_cleanup.show_list,
               "stats": staff_reports.FLOW.commands["stats"], "export": staff_reports.FLOW.commands["export"]})
START_PAYLOADS.update({"queue": staff_inbox.show_queue, "draft": form_status.status})  # reminders' buttons


def on_command(turn: Turn, cmd: Command) -> Replies:
    """A command at any point of the conversation."""
    name, arg = cmd.name.lower().lstrip("/"), cmd.arg.strip()
    if name == "start":
        return on_start(turn, arg)
    if name in ("language", "lang"):
        return set_language(turn, normalise_language(arg, "") if arg else "")
    if name in GLOBAL:
        return GLOBAL[name](turn)
    handler = FLOWS[turn.flow].commands.get(name)
    if handler is not None:
        return handler(turn)
    return [Reply((Msg("nav.unknown_command"),))] + repeat(turn)


# Navigation and menu buttons that stand for a command.
# (a navigation button's command is the one channels show beside it: render.NAV_COMMANDS)
PICK_COMMANDS = {("nav", value): command for value, command in NAV_COMMANDS.items()} | {
    ("menu", "screen"): "screen", ("menu", "materials"): "materials", ("menu", "language"): "language",
    ("menu", "help"): "help"}


def _offered(session: SessionState, btn: Button) -> str | None:
    """The token of the pressed button if it belongs to the open question, else None."""
    value = btn.value
    if value.startswith("#"):  # a choice by position (what channels send)
        position = value[1:]
        if not (position.isascii() and position.isdigit() and len(position) <= 4):
            return None
        index = int(position)
        value = session.choices[index] if index < len(session.choices) else ""
    if btn.seq != session.seq or value not in session.choices:
        return None
    return value


def on_button(turn: Turn, btn: Button) -> Replies:
    """A pressed button, after checking it belongs to the open question."""
    value = _offered(turn.session, btn)
    if value is None:
        return [STALE]
    pick = pick_of(value)
    if (pick.kind, pick.value) in PICK_COMMANDS:
        return on_command(turn, Command(PICK_COMMANDS[pick.kind, pick.value]))
    if pick.kind == "lang":
        return set_language(turn, pick.value)
    if pick.kind == "confirm" and (confirmed := on_confirm(turn, pick)) is not None:
        return confirmed
    return FLOWS[turn.flow].on_pick(turn, pick)


def step(session: SessionState, inp: Input, ctx: Context) -> tuple[Replies, list[Outgoing]]:
    """Applies one input to the session (in place): the replies to the sender and the
    messages to other people. Remembers the buttons of the open question so that
    only they are accepted."""
    turn = Turn(session, ctx)
    if session.flow not in FLOWS:
        session.flow = menu.FLOW.name
    if isinstance(inp, Command):
        replies = on_command(turn, inp)
    elif isinstance(inp, Button):
        replies = on_button(turn, inp)
    else:
        replies = FLOWS[turn.flow].on_text(turn, inp)
    turn.finish()
    for reply in replies:
        if reply.seq == session.seq and reply.choices:
            session.choices = [c.value for c in reply.choices]
    return replies, turn.outgoing
