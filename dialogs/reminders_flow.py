"""/reminders: which kinds of reminders a person gets; a press switches one off or on.

```mermaid
stateDiagram-v2
    [*] --> kinds: /reminders
    kinds --> kinds: press a kind: muted / unmuted
    kinds --> menu: done
```
"""
from __future__ import annotations

from dialogs.flow import Flow, Replies, Turn
from dialogs.reminder_plan import KINDS, inline
from dialogs.types import Choice, Msg, Pick, Reply, Text

KIND_LABELS = {"campaign": "reminders.kind.campaign", "draft_returned": "reminders.kind.draft_returned",
               "draft_unfinished": "reminders.kind.draft_unfinished", "notice_end": "reminders.kind.notice_end",
               "entry_deadline": "reminders.kind.entry_deadline", "contact_card": "reminders.kind.contact_card"}


def show(turn: Turn, before: tuple[Msg, ...] = ()) -> Replies:
    """The kinds, each on or off, as buttons."""
    if turn.ctx.tx is None or not turn.ctx.person:
        return [Reply((Msg("reminders.unavailable"),))]
    turn.open(FLOW.name)
    muted = inline(turn.ctx.tx.reminders.muted(turn.ctx.person))
    choices = [Choice(Pick("remind", k), Msg("reminders.off" if k in muted else "reminders.on",
                                             {"kind": Msg(KIND_LABELS[k])})) for k in KINDS]
    choices.append(Choice(Pick("remind", "done"), Msg("reminders.btn.done")))
    return [turn.ask((*before, Msg("reminders.title")), choices)]


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """A kind pressed: switched; "done": the menu."""
    if pick.kind != "remind":
        return show(turn)
    if pick.value == "done":
        from dialogs import menu
        return menu.show(turn)
    if pick.value not in KIND_LABELS or turn.ctx.tx is None:
        return show(turn)
    repo, person, kind = turn.ctx.tx.reminders, turn.ctx.person, pick.value
    if inline(repo.mute(person, kind)):
        said = Msg("reminders.muted", {"kind": Msg(KIND_LABELS[kind])})
    else:
        inline(repo.unmute(person, kind))
        said = Msg("reminders.unmuted", {"kind": Msg(KIND_LABELS[kind])})
    return show(turn, (said,))


def on_text(turn: Turn, text: Text) -> Replies:
    """Typed text: the buttons again."""
    return [Reply((Msg("err.pick_a_button"),))] + show(turn)


FLOW = Flow(name="reminders", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=show,
            commands={"reminders": show})
