"""Catalog tools: which message ids the code can produce, and whether every
language translates them.

```
python -m locales.tools check [--dir LOCALES_DIR]      # one line per problem, exit 1 if any
python -m locales.tools extract [-o locales/messages.pot]
```

The ids come from three places:

* literal ids, found by babel's extractor in ``dialogs/``, ``bot/`` and
  ``locales/__init__.py`` (``Msg("nav.stale")``, ``t("bot.description")``), and the
  id-shaped string constants of those files that belong to a known namespace
  (tables such as ``MARKS = {"pass": "mark.pass"}``, ``"ans.yes" if v else "ans.no"``);
* f-string families (``Msg(f"ask.{fact}")``), each expanded by :data:`FAMILIES`
  over what it can take: the edition's facts, the codes the parsers can raise for
  a kind of answer, the detail codes the rules declare, the commands...
  A family the tool does not know how to expand is itself a problem, so a new one
  cannot slip through;
* nothing else: an id built any other way is not checked (keep ids literal).

``check`` then requires, for every id, a non-empty, non-fuzzy msgstr in every
language, the same ``{placeholders}`` in every language, and it lists catalog
entries no code produces as ``unused`` (a warning, not a failure).
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
import string
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from locales import LANGUAGES, LOCALES_DIR

ROOT = LOCALES_DIR.parent
SOURCES = ("dialogs", "bot", "locales/__init__.py")
KEYWORDS = {"Msg": None, "N_": None, "t": None, "gettext": None, "_": None}
ID_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
FAMILY_SHAPE = re.compile(r"^[a-z][a-z0-9_]*(?:\.(?:[a-z0-9_]+|\*))+$")

Location = tuple[str, int]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the catalogs; ``kind`` is missing, empty, fuzzy,
    placeholders, family or unused (the last is only a warning)."""

    kind: str
    msgid: str
    lang: str = ""
    detail: str = ""

    @property
    def fatal(self) -> bool:
        return self.kind != "unused"

    def __str__(self) -> str:
        where = f" [{self.lang}]" if self.lang else ""
        return f"{self.kind}{where}: {self.msgid}" + (f" ({self.detail})" if self.detail else "")


# ---- the source files ---------------------------------------------------------------

def source_files(root: Path = ROOT) -> list[Path]:
    """The Python files whose messages are checked."""
    files: list[Path] = []
    for entry in SOURCES:
        path = root / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return [f for f in files if f.is_file() and f.name != "tools.py"]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _string_constants(tree: ast.AST) -> dict[str, list[int]]:
    """Every plain string constant of a module (f-string parts excluded) with its lines."""
    in_fstring = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    found: dict[str, list[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in in_fstring:
            found.setdefault(node.value, []).append(node.lineno)
    return found


def babel_ids(files: Iterable[Path], root: Path = ROOT) -> dict[str, list[Location]]:
    """Literal ids found by babel's extractor (keeping only real string constants:
    babel joins ``"a" if x else "b"`` into one bogus message)."""
    ids: dict[str, list[Location]] = {}
    for path in files:
        constants = _string_constants(ast.parse(path.read_text(encoding="utf-8")))
        with contextlib.redirect_stderr(io.StringIO()):  # babel warns about every f-string
            found = list(extract_from_file("python", str(path), keywords=KEYWORDS))
        for lineno, message, _comments, _context in found:
            for msgid in message if isinstance(message, tuple) else (message,):
                if msgid and msgid in constants and ID_SHAPE.match(msgid):
                    ids.setdefault(msgid, []).append((_rel(path, root), lineno))
    return ids


def constant_ids(files: Iterable[Path], namespaces: set[str], root: Path = ROOT) -> dict[str, list[Location]]:
    """Id-shaped string constants in a known namespace (ids kept in tables)."""
    ids: dict[str, list[Location]] = {}
    for path in files:
        for value, lines in _string_constants(ast.parse(path.read_text(encoding="utf-8"))).items():
            if ID_SHAPE.match(value) and value.split(".")[0] in namespaces:
                ids.setdefault(value, []).extend((_rel(path, root), n) for n in lines)
    return ids


def fstring_families(files: Iterable[Path], root: Path = ROOT) -> dict[str, list[Location]]:
    """Id-shaped f-strings as templates with their expressions: ``ask.{fact}``."""
    families: dict[str, list[Location]] = {}
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.JoinedStr):
                continue
            parts, shape = [], []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                    shape.append(str(value.value))
                else:
                    parts.append("{" + ast.unparse(value.value) + "}")
                    shape.append("*")
            if FAMILY_SHAPE.match("".join(shape)) and "*" in shape:
                families.setdefault("".join(parts), []).append((_rel(path, root), node.lineno))
    return families


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
        raise FamilyError(f"cannot expand {template!r}: add it to locales.tools.FAMILIES")
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


# ---- the catalogs ---------------------------------------------------------------------------

def read_catalogs(locales_dir: Path = LOCALES_DIR) -> dict[str, Catalog]:
    """Every language's catalog, read with babel."""
    catalogs = {}
    for lang in LANGUAGES:
        with (locales_dir / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalogs[lang] = read_po(fh, locale=lang)
    return catalogs


def _namespaces(catalogs: dict[str, Catalog]) -> set[str]:
    return {m.id.split(".")[0] for c in catalogs.values() for m in c if m.id and isinstance(m.id, str)}


def expected_ids(catalogs: dict[str, Catalog] | None = None, root: Path = ROOT
                 ) -> tuple[dict[str, list[Location]], list[Problem]]:
    """Every id the code can produce (with where), and the families it cannot expand."""
    files = source_files(root)
    catalogs = catalogs if catalogs is not None else read_catalogs()
    ids = babel_ids(files, root)
    namespaces = _namespaces(catalogs) | {i.split(".")[0] for i in ids}
    for msgid, where in constant_ids(files, namespaces, root).items():
        ids.setdefault(msgid, []).extend(w for w in where if w not in ids.get(msgid, []))
    problems = []
    for template, where in fstring_families(files, root).items():
        try:
            for msgid in expand(template):
                ids.setdefault(msgid, []).extend(where)
        except FamilyError as exc:
            problems.append(Problem("family", template, detail=f"{exc}; used at {where[0][0]}:{where[0][1]}"))
    return ids, problems


def _placeholders(text: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}
    except ValueError:
        return {"<unbalanced braces>"}


def check(catalogs: dict[str, Catalog] | None = None, root: Path = ROOT) -> list[Problem]:
    """Everything wrong with ``catalogs`` (the real ones by default)."""
    catalogs = catalogs if catalogs is not None else read_catalogs()
    ids, problems = expected_ids(catalogs, root)
    for msgid in sorted(ids):
        texts = {}
        for lang, catalog in catalogs.items():
            message = catalog.get(msgid)
            if message is None:
                problems.append(Problem("missing", msgid, lang, f"used at {ids[msgid][0][0]}:{ids[msgid][0][1]}"))
            elif not message.string or not str(message.string).strip():
                problems.append(Problem("empty", msgid, lang))
            elif message.fuzzy:
                problems.append(Problem("fuzzy", msgid, lang))
            else:
                texts[lang] = str(message.string)
        shapes = {lang: _placeholders(text) for lang, text in texts.items()}
        if len({frozenset(s) for s in shapes.values()}) > 1:
            detail = "; ".join(f"{lang}: {sorted(s)}" for lang, s in shapes.items())
            problems.append(Problem("placeholders", msgid, detail=detail))
    for lang, catalog in catalogs.items():
        for message in catalog:
            if message.id and message.id not in ids and not _plural_variant(str(message.id), ids):
                problems.append(Problem("unused", str(message.id), lang))
    return problems


PLURAL_FORMS = ("zero", "one", "two", "few", "many")


def _plural_variant(msgid: str, ids: Iterable[str]) -> bool:
    """``resume.screen.one``: a plural form of an id the code produces (locales.Translator)."""
    base, _, form = msgid.rpartition(".")
    return form in PLURAL_FORMS and base in ids


def write_pot(path: Path, root: Path = ROOT) -> int:
    """Writes the template of every id the code can produce; returns how many."""
    ids, problems = expected_ids(root=root)
    if problems:
        raise FamilyError("; ".join(str(p) for p in problems))
    catalog = Catalog(project="hardship-filing-assistant", version="0.1", charset="utf-8",
                      fuzzy=False)
    for msgid in sorted(ids):
        catalog.add(msgid, locations=sorted(set(ids[msgid]))[:5])
    with path.open("wb") as fh:
        write_po(fh, catalog, omit_header=False, sort_output=True, width=100)
    return len(ids)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m locales.tools", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    chk = sub.add_parser("check", help="every id the code produces is translated in every language")
    chk.add_argument("--dir", type=Path, default=LOCALES_DIR, help="the locales folder to check")
    chk.add_argument("--quiet", action="store_true", help="do not list unused entries")
    ext = sub.add_parser("extract", help="write the .pot template")
    ext.add_argument("-o", "--output", type=Path, default=LOCALES_DIR / "messages.pot")
    args = parser.parse_args(argv)
    if args.command == "extract":
        try:
            n = write_pot(args.output)
        except FamilyError as exc:
            print(f"locales.tools: {exc}", file=sys.stderr)
            return 1
        print(f"{n} message ids written to {args.output}")
        return 0
    problems = check(read_catalogs(args.dir))
    fatal = [p for p in problems if p.fatal]
    for p in problems:
        if p.fatal or not args.quiet:
            print(p, file=sys.stderr if p.fatal else sys.stdout)
    ids, _ = expected_ids()
    print(f"{len(ids)} message ids, {len(LANGUAGES)} languages: "
          + ("ok" if not fatal else f"{len(fatal)} problem(s)"))
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main())
