"""The main menu: what the assistant can do, reached by /start and after a checklist.

```mermaid
stateDiagram-v2
    [*] --> menu: /start · /cancel
    menu --> screening: check whether I qualify (/screen)
    menu --> checklist: materials checklist (/materials)
    menu --> menu: language · help
```
"""
from __future__ import annotations

from dialogs.flow import Flow, Replies, Turn
from dialogs.types import Choice, Label, Msg, Pick, Reply, Text

ITEMS = (("screen", "btn.screen"), ("materials", "btn.materials"), ("language", "btn.language"),
         ("help", "btn.help"))


def show(turn: Turn) -> Replies:
    """The main menu."""
    turn.open(FLOW.name)
    welcome = Msg("menu.welcome", {"documents": Label.of(turn.ctx.edition.documents)})
    return [turn.ask((welcome,), (Choice(Pick("menu", v), Msg(m)) for v, m in ITEMS))]


def on_text(turn: Turn, text: Text) -> Replies:
    """Typed text at the menu."""
    return [Reply((Msg("menu.not_understood"),))] + show(turn)


def on_pick(turn: Turn, pick: Pick) -> Replies:
    """Menu items are commands (the router runs them); nothing else is offered here."""
    return [Reply((Msg("nav.stale"),), stale=True)]


FLOW = Flow(name="menu", diagram=__doc__ or "", on_text=on_text, on_pick=on_pick, repeat=show)
