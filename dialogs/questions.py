"""One question per fact: how to ask it (text, buttons, input kind), how to read
the answer, and how answers depend on each other. The fact's kind, its choices,
the facts it depends on and the typed spellings it accepts all come from the
edition (``facts:`` and ``spellings:``), not from code."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rules.edition import Edition
from rules.facts import MONTHLY_MONEY
from rules.idcard import IdNumber, parse_id_number
from rules.parse import ParseError, normalise, parse_count, parse_date, parse_money, parse_yes_no

from dialogs.types import Choice, Label, Msg, Pick, Reply, Text

NAV = (("why", "btn.why"), ("idk", "btn.idk"), ("back", "btn.back"))
EXAMPLES = {"money": "25200", "date": "1975-06-01", "size": "3", "count": "1", "id": "360102197506010014"}


def choices_for(fact: str, ed: Edition) -> list[Choice]:
    """The buttons of a fact's question (empty for typed answers)."""
    spec = ed.facts[fact]
    if spec.kind == "bool":
        return [Choice(Pick("answer", "yes"), Msg("ans.yes")), Choice(Pick("answer", "no"), Msg("ans.no"))]
    if spec.kind == "choice":
        return [Choice(Pick("answer", v), Msg(f"choice.{fact}.{v}")) for v in spec.choices or []]
    if spec.kind == "locality":
        items = [Choice(Pick("answer", k), Label.of(loc.name)) for k, loc in ed.localities.items.items()]
        return items + [Choice(Pick("answer", "other"), Msg("choice.locality.other"))]
    if spec.kind == "count":  # 0, 1, ... up to the exclusion's limit "or more"
        limit = ed.exclusions.homes_owned_at_least
        counts = [Choice(Pick("answer", str(n)), Msg(f"choice.count.{n}")) for n in range(limit)]
        return counts + [Choice(Pick("answer", str(limit)), Msg("choice.count.plus", {"n": limit}))]
    return []


def question(fact: str, ed: Edition, seq: int, *, left: int | None, current: Any = None,
             nav: bool = True) -> Reply:
    """The reply that asks ``fact``, with progress and the current answer when changing."""
    spec = ed.facts[fact]
    lines = [Msg(f"ask.{fact}")]
    if fact == "major_illness":  # the 16 diseases numbered one per line, then the paralysis rule
        lines.append(Msg("ask.disease_list", {"count": len(ed.major_diseases.items)}))
        lines += [Msg("ask.disease_item", {"n": n, "name": Label.of(d)}) for n, d in enumerate(ed.major_diseases.items, 1)]
        lines.append(Msg("ask.disease_paralysis_note", {"name": Label.of(ed.major_diseases.paralysis)}))
    if spec.kind in EXAMPLES:
        lines.append(Msg(f"hint.{fact}" if spec.own_hint else f"hint.{spec.kind}"))
    if current is not None:
        lines.append(Msg("ask.current", {"answer": display_answer(fact, current, ed)}))
    if left:
        lines.append(Msg("progress.left", {"n": left}))
    nav_choices = [Choice(Pick("nav", v), Msg(m)) for v, m in NAV] if nav else []
    return Reply(tuple(lines), tuple(choices_for(fact, ed) + nav_choices), seq, spec.kind, fact)


def _spellings(fact: str, ed: Edition) -> dict[str, list[str]]:
    """Each choice value of ``fact`` with its accepted spellings (the value itself too)."""
    kind = ed.facts[fact].kind
    table = ed.spellings.get("locality" if kind == "locality" else fact, {})
    values = [c.pick.value for c in choices_for(fact, ed)]
    return {v: [v, *(table[v].all() if v in table else ())] for v in values}


def match_spelling(text: str, spellings: dict[str, list[str]], *, partial: bool = False) -> str | None:
    """The value one of whose spellings ``text`` is (case and full width aside); with
    ``partial``, else the one value a part of it (2 characters or more) points to; never
    a guess between two."""
    wanted = normalise(text).lower()
    parts = []
    for value, spelled in spellings.items():
        spelled = {normalise(s).lower() for s in spelled}
        if wanted in spelled:
            return value
        if partial and len(wanted) >= 2 and any(wanted in s for s in spelled):
            parts.append(value)
    return parts[0] if len(parts) == 1 else None


def edition_spellings(key: str, ed: Edition) -> dict[str, list[str]]:
    """The typed answers ``spellings.yaml`` accepts under ``key`` (a group's, the consent's)."""
    return {value: s.all() for value, s in ed.spellings.get(key, {}).items()}


def match_choice(text: str, fact: str, ed: Edition) -> str | None:
    """A typed answer to a button question: the value one of its spellings names, or
    the one value a part of it points to."""
    return match_spelling(text, _spellings(fact, ed), partial=True)


def read_answer(fact: str, inp: Pick | Text, ed: Edition, today: dt.date) -> tuple[str, Any]:
    """(fact, JSON value) for an answer, or ParseError with a code. A question may also
    take another fact that answers it (the birth date takes an ID number)."""
    kind = ed.facts[fact].kind
    raw = inp.value if isinstance(inp, Pick) else inp.text
    if isinstance(inp, Pick) or kind in ("choice", "locality"):
        value = raw if isinstance(inp, Pick) else match_choice(raw, fact, ed)
        if kind == "bool" and value in ("yes", "no"):
            return fact, value == "yes"
        if value is None or value not in {c.pick.value for c in choices_for(fact, ed)}:
            raise ParseError("invalid" if normalise(raw) else "empty")  # control characters are nothing
        return fact, int(value) if kind == "count" else value
    for other, spec in ed.facts.items():
        if fact in (spec.accepted_at or ()) and spec.kind == "id" and looks_like_id(raw):
            return other, parse_id_number(raw, today=today).number
    if kind == "bool":
        return fact, parse_yes_no(raw)
    if kind == "money":
        return fact, str(parse_money(raw, per_month=fact in MONTHLY_MONEY))
    if kind in ("count", "size"):
        return fact, parse_count(raw, minimum=1 if kind == "size" else 0, maximum=99)
    if kind == "date":
        return fact, parse_date(raw, today=today).isoformat()
    if kind == "id":
        return fact, parse_id_number(raw, today=today).number
    raise ParseError("invalid")


def looks_like_id(raw: str) -> bool:
    return len(normalise(raw).replace(" ", "")) == 18


def with_answer(answers: dict[str, Any], key: str, value: Any, ed: Edition) -> dict[str, Any]:
    """The answers with ``key`` set: a fact that settles others (an ID number) replaces
    their typed answers, and a typed answer replaces the fact that had settled it."""
    new = dict(answers)
    for fact in ed.facts[key].answers or ():
        new.pop(fact, None)
    for other, spec in ed.facts.items():
        if key in (spec.answers or ()):
            new.pop(other, None)
    new[key] = value
    return prune(new, ed)


def effective(answers: dict[str, Any], ed: Edition) -> dict[str, Any]:
    """The answers with what an ID number settles (sex, birth date) filled in."""
    out = dict(answers)
    for fact, spec in ed.facts.items():
        if spec.kind == "id" and answers.get(fact):
            ident = IdNumber.of_valid(answers[fact])
            said = {"sex": ident.sex, "birth_date": ident.birth_date.isoformat()}
            out |= {f: said[f] for f in spec.answers or () if f in said}
    return out


def prune(answers: dict[str, Any], ed: Edition) -> dict[str, Any]:
    """Drops answers that no longer apply (a cadre answer after sex became male)."""
    known = effective(answers, ed)
    return {k: v for k, v in answers.items()
            if k not in ed.facts or all(known.get(f) == want for f, want in (ed.facts[k].applies_when or {}).items())}


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
        return Msg("fmt.money_value", {"amount": Decimal(value)})
    if kind == "date":
        return Msg("fmt.date_value", {"date": dt.date.fromisoformat(value)})
    if kind == "id":
        return IdNumber.of_valid(value).masked()
    return str(value)
