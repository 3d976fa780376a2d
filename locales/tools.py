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
* f-string families (``Msg(f"ask.{fact}")``), each expanded by ``FAMILIES`` (locales/families.py)
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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from locales import LANGUAGES, LOCALES_DIR
from locales.families import FamilyError, expand

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
