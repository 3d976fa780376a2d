"""What an f-string message id can take: the table ``FAMILIES`` maps each family
(``ask.{fact}``, ``err.{kind}.{exc.code}``...) to what fills it (the edition's facts,
the codes the parsers can raise, the detail codes the rules declare, the commands...).
A family missing from the table is a problem the catalog check reports
(locales/tools.py), so a new one cannot slip through."""
from __future__ import annotations

import ast
import string
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from locales import LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent


# ---- what a family can take ------------------------------------------------------------

@lru_cache(maxsize=1)
def _edition() -> Any:
    from rules.edition import load_edition

    return load_edition()


def _facts() -> list[str]:
    return list(_edition().facts)


def _choices() -> list[tuple[str, str]]:
    return [(f, v) for f, spec in _edition().facts.items() if spec.kind == "choice" for v in spec.choices or []]


def _hinted_kinds() -> list[str]:
    from dialogs.questions import EXAMPLES

    return list(EXAMPLES)


def _checklist_conditions() -> list[str]:
    """The facts the materials lists' conditional items depend on."""
    facts: list[str] = []
    for spec in _edition().materials.lists.values():
        for entry in spec.items:
            for alt in entry.when or []:
                facts += [f for f in alt if f != "primary" and f not in facts]
    return facts


# Which parsers read an answer of each kind (dialogs.questions.read_answer): the codes
# they can raise, with the dialog's own "empty"/"invalid" for pressed or picked answers.
KIND_PARSERS = {
    "bool": ("parse_yes_no",), "count": ("parse_count",), "size": ("parse_count",),
    "money": ("parse_money",), "date": ("parse_date", "parse_id_number"), "id": ("parse_id_number",),
    "choice": ("normalise",), "locality": ("normalise",),
}
PARSER_MODULES = ("rules/parse.py", "rules/numerals.py", "rules/dates.py", "rules/idcard.py")
# The parsers' own declaration of the codes they can raise (a tuple per parser).
DECLARED_CODES = ("rules/parse.py", "PARSER_CODES")
# FactError codes an already-parsed answer can still meet when the rules read it
# (the rest are type errors a parsed answer cannot produce); checked to exist in rules/facts.py.
DIALOG_FACT_CODES = ("money.not_positive", "dibao_line.too_low", "dibao_line.too_high",
                     "contradicts_id_number")

@lru_cache(maxsize=1)
def parser_codes() -> dict[str, frozenset[str]]:
    """For each parser, the ParseError codes it can raise: those it declares
    (rules.parse.PARSER_CODES) and those found in its code (and its callees')."""
    codes = dict(found_parser_codes())
    for name, declared in _module_dict(*DECLARED_CODES).items():
        codes[name] = codes.get(name, frozenset()) | frozenset(declared)
    return codes


def _module_dict(path: str, name: str) -> dict[str, Any]:
    for node in ast.parse((ROOT / path).read_text(encoding="utf-8")).body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
            return dict(ast.literal_eval(node.value))
    raise FamilyError(f"{path} has no constant {name}")


@lru_cache(maxsize=1)
def found_parser_codes() -> dict[str, frozenset[str]]:
    """For each function of the parser modules, the ParseError codes its code raises,
    directly or through the module functions it calls."""
    direct: dict[str, set[str]] = {}
    calls: dict[str, set[str]] = {}
    for module in PARSER_MODULES:
        for node in ast.parse((ROOT / module).read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            direct[node.name], calls[node.name] = set(), set()
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                    if sub.func.id == "ParseError" and sub.args and isinstance(sub.args[0], ast.Constant):
                        direct[node.name].add(sub.args[0].value)
                    else:
                        calls[node.name].add(sub.func.id)
    closed: dict[str, frozenset[str]] = {}
    for name in direct:
        seen, todo, codes = {name}, [name], set()
        while todo:
            current = todo.pop()
            codes |= direct.get(current, set())
            for callee in calls.get(current, set()) & set(direct):
                if callee not in seen:
                    seen.add(callee)
                    todo.append(callee)
        closed[name] = frozenset(codes)
    return closed


def _error_codes() -> list[tuple[str, str]]:
    kinds = {spec.kind for spec in _edition().facts.values()}
    missing = kinds - set(KIND_PARSERS)
    if missing:
        raise FamilyError(f"no parser known for answer kinds {sorted(missing)}: extend KIND_PARSERS")
    codes = parser_codes()
    return sorted({(kind, code) for kind in kinds for parser in KIND_PARSERS[kind]
                   for code in codes[parser] | {"empty", "invalid"}})


def _fact_codes() -> list[str]:
    source = (ROOT / "rules" / "facts.py").read_text(encoding="utf-8")
    for code in DIALOG_FACT_CODES:
        if f'"{code}"' not in source:
            raise FamilyError(f"fact error code {code!r} is no longer raised by rules/facts.py")
    return list(DIALOG_FACT_CODES)


def _module_constant(path: str, name: str) -> list[str]:
    for node in ast.parse((ROOT / path).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return list(ast.literal_eval(node.value))
    raise FamilyError(f"{path} has no constant {name}")


class FamilyError(Exception):
    """A family of ids the tool cannot expand."""


# ---- the engine's details, by running it --------------------------------------------------

def _reasons() -> list[tuple[str, str]]:
    """The (rule, detail) codes the conditions declare (rules.conditions.declared_details)."""
    from rules.conditions import declared_details

    return sorted((rule, d) for rule, details in declared_details(_edition()).items() for d in details)


def _dropping() -> list[str]:
    """What asks to confirm before answers are lost (dialogs.router.DROPPING)."""
    for node in ast.parse((ROOT / "dialogs/router.py").read_text(encoding="utf-8")).body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "DROPPING":
            return [key.value for key in node.value.keys]  # the keys are literal strings
    raise FamilyError("dialogs/router.py has no DROPPING table")


def _groups() -> list[str]:
    return list(_edition().question_groups)


def _group_answers() -> list[tuple[str, str]]:
    """Each question group's own answers: all / not all, none / some, or none / several
    (a "which" group's other buttons are the facts' own labels)."""
    return [(name, a) for name, g in _edition().question_groups.items()
            for a in g.answers if a not in g.facts]


def _trigger_facts() -> tuple[str, ...]:
    """The facts a category's trigger names when it passes (rules.conditions.TRIGGER_FACTS)."""
    from rules.conditions import TRIGGER_FACTS

    return TRIGGER_FACTS


def _flips() -> list[tuple[str, str]]:
    """The (fact, relation) pairs the engine declares for its flips."""
    from rules.engine import DECLARED_FLIPS

    return sorted(DECLARED_FLIPS)


# template (as written in the code) -> the values of its placeholders
FAMILIES: dict[str, Callable[[], Iterable[Any]]] = {
    "ask.{fact}": _facts, "fact.{fact}": _facts, "why.{fact}": _facts, "idk.{fact}": _facts,
    "fact.{f}": _facts, "fact.{r}": _facts,
    # the birth date has its own hint (it takes an ID too), the monthly lines a monthly example
    "hint.{fact}": lambda: [f for f, spec in _edition().facts.items() if spec.own_hint],
    "hint.{spec.kind}": _hinted_kinds,
    "choice.{fact}.{value}": _choices, "choice.{fact}.{v}": _choices,
    "choice.count.{n}": lambda: range(_edition().exclusions.homes_owned_at_least),
    "checklist.ask.{cl.asking}": _checklist_conditions,
    "err.{kind}.{exc.code}": _error_codes,
    "err.fact.{exc.code}": _fact_codes,
    "reason.{reason.rule}.{reason.detail}": _reasons,
    "age.cutoff.{group}": lambda: ("male", "female_cadre", "female"),
    "btn.drop.{what}": _dropping, "confirm.drop.{what}": _dropping,
    "with.{r}": _trigger_facts,
    "topic.{topic}": lambda: list(_edition().topics),
    "group.{name}.ask": _groups, "group.{name}.why": _groups, "group.{name}.idk": _groups,
    "group.{name}.{a}": _group_answers,
    "flip.{flip.fact}.{flip.relation}": _flips,
    "lang.name.{code}": lambda: LANGUAGES,
    "cmd.{c}": lambda: _module_constant("bot/telegram_app.py", "COMMANDS"),
}


def expand(template: str) -> list[str]:
    """The ids of one family (FamilyError if the tool does not know it)."""
    if template not in FAMILIES:
        raise FamilyError(f"cannot expand {template!r}: add it to locales.families.FAMILIES")
    fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    ids = []
    for value in FAMILIES[template]():
        values = value if isinstance(value, tuple) else (value,)
        if len(values) != len(fields):
            raise FamilyError(f"{template!r}: {values!r} does not fill {fields}")
        out = template
        for field, v in zip(fields, values, strict=True):
            out = out.replace("{" + field + "}", str(v), 1)
        ids.append(out)
    return ids
