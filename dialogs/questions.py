"""One question per fact: how to ask it (text, buttons, input kind) and how to
read the answer. The fact's kind comes from the edition (``facts:``)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from locales import LANGUAGES, translator
from rules.edition import Edition
from rules.idcard import parse_id_number
from rules.parse import ParseError, normalise, parse_count, parse_date, parse_money, parse_yes_no

from dialogs.types import Button, Choice, Input, Label, Msg, Reply, Text

NAV = (("nav:why", "btn.why"), ("nav:idk", "btn.idk"), ("nav:back", "btn.back"))
EXAMPLES = {"money": "25200", "date": "1975-06-01", "size": "3", "count": "1", "id": "360102197506010014"}


def choices_for(fact: str, ed: Edition) -> list[Choice]:
    """The buttons of a fact's question (empty for typed answers)."""
    spec = ed.facts[fact]
    if spec.kind == "bool":
        return [Choice("yes", Msg("ans.yes")), Choice("no", Msg("ans.no"))]
    if spec.kind == "choice":
        return [Choice(v, Msg(f"choice.{fact}.{v}")) for v in spec.choices or []]
    if spec.kind == "locality":
        items = [Choice(k, Label.of(loc.name)) for k, loc in ed.localities.items.items()]
        return items + [Choice("other", Msg("choice.locality.other"))]
    if spec.kind == "count":
        return [Choice("0", Msg("choice.count.0")), Choice("1", Msg("choice.count.1")),
                Choice("2", Msg("choice.count.2plus"))]
    return []


def question(fact: str, ed: Edition, seq: int, *, left: int | None, current: Any = None,
             nav: bool = True) -> Reply:
    """The reply that asks ``fact``, with progress and the current answer when changing."""
    spec = ed.facts[fact]
    lines = [Msg(f"ask.{fact}")]
    if fact == "major_illness":
        diseases = tuple(Label(d.zh_CN, d.en) for d in ed.major_diseases.items)
        lines.append(Msg("ask.disease_list", {"list": diseases}))
    if spec.kind in EXAMPLES:
        lines.append(Msg(f"hint.{fact}" if fact in ("birth_date",) else f"hint.{spec.kind}"))
    if current is not None:
        lines.append(Msg("ask.current", {"answer": display_answer(fact, current, ed)}))
    if left:
        lines.append(Msg("progress.left", {"n": left}))
    nav_choices = [Choice(v, Msg(m)) for v, m in NAV] if nav else []
    return Reply(tuple(lines), tuple(choices_for(fact, ed) + nav_choices), seq, spec.kind, fact)


def _match_choice(text: str, fact: str, ed: Edition) -> str | None:
    """A typed answer to a button question: the key, or a label in either language."""
    wanted = normalise(text).lower()
    partial = []
    for choice in choices_for(fact, ed):
        labels = {choice.value.lower()}
        for lang in LANGUAGES:
            if isinstance(choice.label, Label):
                labels.add(getattr(choice.label, lang).lower())
            else:
                labels.add(translator(lang).gettext(choice.label.id).lower())
        if wanted in labels:
            return choice.value
        if len(wanted) >= 2 and any(wanted in label for label in labels):
            partial.append(choice.value)
    return partial[0] if len(partial) == 1 else None  # 城镇 for 城镇户口, never a guess between two


def read_answer(fact: str, inp: Input, ed: Edition, today: dt.date) -> tuple[str, Any]:
    """(fact, JSON value) for an answer, or ParseError with a code. The birth-date
    question also takes an ID number, which answers sex and birth date at once."""
    kind = ed.facts[fact].kind
    raw = inp.value if isinstance(inp, Button) else inp.text if isinstance(inp, Text) else ""
    if isinstance(inp, Button) or kind in ("choice", "locality"):
        value = raw if isinstance(inp, Button) else _match_choice(raw, fact, ed)
        if kind == "bool" and value in ("yes", "no"):
            return fact, value == "yes"
        if value is None or value not in {c.value for c in choices_for(fact, ed)}:
            raise ParseError("invalid" if normalise(raw) else "empty")  # control characters are nothing
        return fact, int(value) if kind == "count" else value
    if kind == "bool":
        return fact, parse_yes_no(raw)
    if kind == "money":
        return fact, str(parse_money(raw))
    if kind in ("count", "size"):
        return fact, parse_count(raw, minimum=1 if kind == "size" else 0, maximum=99)
    if kind == "date":
        compact = normalise(raw).replace(" ", "").upper()
        if len(compact) == 18 and fact == "birth_date":
            return "id_number", parse_id_number(compact, today=today).number
        return fact, parse_date(raw, today=today).isoformat()
    if kind == "id":
        return fact, parse_id_number(raw, today=today).number
    raise ParseError("invalid")


def display_answer(fact: str, value: Any, ed: Edition) -> Msg | Label | str:
    """How an answer is shown back (ID numbers masked)."""
    kind = ed.facts[fact].kind
    if kind == "bool":
        return Msg("ans.yes" if value else "ans.no")
    if kind == "choice":
        return Msg(f"choice.{fact}.{value}")
    if kind == "locality":
        loc = ed.localities.items.get(value)
        return Label.of(loc.name) if loc else Msg("choice.locality.other")
    if kind == "money":
        from decimal import Decimal
        return Msg("fmt.money_value", {"amount": Decimal(value)})
    if kind == "date":
        return Msg("fmt.date_value", {"date": dt.date.fromisoformat(value)})
    if kind == "id":
        return f"{value[:6]}********{value[14:]}"
    return str(value)
