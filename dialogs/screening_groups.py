"""The screening's question groups (edition data: ``question_groups``): facts most
people answer the same way, asked as one question ("are all of these true?", "does
any of these apply?"); "not all" asks them one by one. Pure functions of the
screening's answers and the edition; the screening flow calls them."""
from __future__ import annotations

from typing import Any

from rules.edition import Edition
from rules.parse import parse_yes_no

from dialogs.questions import NAV, edition_spellings, match_spelling
from dialogs.types import Choice, Msg, Pick, Reply


def group_for(screen: Any, ed: Edition) -> str | None:
    """The group to ask instead of ``asking`` alone: one that starts with it, none of
    whose facts is answered yet, and that was not answered "not all" before."""
    for name, group in ed.question_groups.items():
        if (group.facts[0] == screen.asking and name not in screen.declined
                and not any(f in screen.answers for f in group.facts)):
            return name
    return None


def group_question(name: str, ed: Edition, seq: int, *, left: int | None) -> Reply:
    """"Are all of these true?" / "Does any of these apply?" with the facts listed, or
    "Which one of these applies?" with a button for each."""
    group = ed.question_groups[name]
    lines = [Msg(f"group.{name}.ask")]
    lines += [Msg("group.item", {"n": n, "fact": Msg(f"fact.{f}")}) for n, f in enumerate(group.facts, 1)]
    if left:
        lines.append(Msg("progress.left", {"n": left}))
    choices = [Choice(Pick("answer", f), Msg(f"fact.{f}")) for f in group.answers if f in group.facts]
    choices += [Choice(Pick("answer", a), Msg(f"group.{name}.{a}")) for a in group.answers if a not in group.facts]
    choices += [Choice(Pick("nav", v), Msg(m)) for v, m in NAV]
    return Reply(tuple(lines), tuple(choices), seq, "choice", f"group:{name}")


def typed_group_answer(text: str, name: str, ed: Edition) -> str:
    """A typed answer to a group: one of its spellings (都没有, all three, 大病...), else
    yes or no: 是 to "are all of these true?" is "all"; 否 to "does any apply?" or
    "which applies?" is "none"; 是 to those asks the facts one by one."""
    value = match_spelling(text, edition_spellings("group." + name, ed))
    if value is not None:
        return value
    group = ed.question_groups[name]
    yes = parse_yes_no(text)
    if group.all_are:
        return group.answers[0] if yes else group.one_by_one
    return group.one_by_one if yes else "none"


def reopen_declined_group(screen: Any, ed: Edition) -> bool:
    """/back at the first one-by-one question of a group answered "not all" goes back
    to the group question itself."""
    for name in reversed(screen.declined):
        facts = ed.question_groups[name].facts
        if screen.asking in facts and not any(f in screen.answers for f in facts):
            screen.declined.remove(name)
            return True
    return False
