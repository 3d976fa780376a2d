"""`python -m rules screen | materials | notice` (eligibility.md, "The contract").

Bad input exits with status 2 and one line on stderr naming the fact; never a
traceback. Output is UTF-8 JSON (screen, notice) or a numbered checklist.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from decimal import Decimal
from typing import Any, NoReturn

from rules.api import checklist_json, decision_json, facts_for
from rules.edition import DEFAULT_EDITION, EditionError, load_edition
from rules.engine import evaluate
from rules.facts import FactError
from rules.materials import WorkerTypeError, checklist

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Input the command cannot use; the message is the one line shown."""


def _fail(message: str) -> NoReturn:
    print(f"rules: {message}", file=sys.stderr)
    raise SystemExit(EXIT_BAD_INPUT)


def _read_json(stream) -> dict[str, Any]:
    text = stream.read()
    if not text.strip():
        raise BadInput("input: empty; expected one JSON object of facts, e.g. {}")
    try:
        data = json.loads(text, parse_float=Decimal, parse_constant=lambda c: float(c))
    except json.JSONDecodeError as exc:
        raise BadInput(f"input: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if not isinstance(data, dict):
        raise BadInput("input: expected one JSON object of facts")
    return data


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def cmd_screen(args: argparse.Namespace) -> dict[str, Any]:
    """Screen the facts on stdin."""
    ed = load_edition(args.edition)
    facts = facts_for(_read_json(sys.stdin), edition=ed, today=args.today)
    return decision_json(evaluate(facts, ed), ed)


def cmd_materials(args: argparse.Namespace) -> dict[str, Any]:
    """The checklist for the primary category (or --category)."""
    ed = load_edition(args.edition)
    facts = facts_for(_read_json(sys.stdin), edition=ed, today=args.today)
    category = args.category or evaluate(facts, ed).primary
    if category is None:
        raise BadInput("category: no primary category can be derived from these facts "
                       "(screen them first, or pass --category)")
    try:
        cl = checklist(facts, category, args.worker_type, ed)
    except WorkerTypeError as exc:
        raise BadInput(f"--worker-type {exc.asked}: contradicts hukou {facts.hukou!r}, which makes the "
                       f"applicant a {exc.derived} (6号 二.4); drop --worker-type or correct hukou") from None
    return checklist_json(cl, ed, args.lang)


def cmd_notice(args: argparse.Namespace) -> dict[str, Any]:
    """Public-notice end and entry deadline for a notice starting --start."""
    from rules.workdays import notice_dates

    ed = load_edition(args.edition)
    nd = notice_dates(args.start, notice_days=int(ed.param("public_notice_working_days")),
                      entry_days=int(ed.param("entry_deadline_working_days")))
    return {"notice_end": nd.notice_end.isoformat(), "entry_deadline": nd.entry_deadline.isoformat(),
            "estimated": nd.estimated}


def render_checklist(data: dict[str, Any]) -> str:
    """The numbered checklist as text."""
    lines = [f"{data['title']} ({data['reference']})"]
    for n, item in enumerate(data["items"], 1):
        cond = f"[{item['condition']}] " if item["condition"] else ""
        lines.append(f"{n}. {cond}{item['text']}")
        if item.get("note"):
            lines.append(f"   ({item['note']})")
    lines.append(f"※ {data['copies_rule']}")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """argparse with errors as one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        _fail(message)


def parser() -> argparse.ArgumentParser:
    """The command-line parser."""
    top = _Parser(prog="python -m rules", description="Hardship-filing rules engine")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, fn in (("screen", cmd_screen), ("materials", cmd_materials), ("notice", cmd_notice)):
        p = sub.add_parser(name, help=fn.__doc__, description=fn.__doc__)
        p.set_defaults(func=fn)
        p.add_argument("--edition", default=DEFAULT_EDITION)
        if name != "notice":
            p.add_argument("--today", type=_date, default=None,
                           help="the date to check birth dates against (default: today)")
    mat = sub.choices["materials"]
    mat.add_argument("--lang", choices=["zh_CN", "en"], default="zh_CN")
    mat.add_argument("--category", choices=["dibao", "marginal", "illness", "disaster"])
    mat.add_argument("--worker-type", choices=["worker", "migrant_worker"])
    mat.add_argument("--json", action="store_true", help="print JSON instead of a numbered list")
    sub.choices["notice"].add_argument("--start", type=_date, required=True)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command; exit status 2 on bad input."""
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    args = parser().parse_args(argv)
    if getattr(args, "today", "n/a") is None:
        args.today = dt.date.today()
    try:
        result = args.func(args)
    except FactError as exc:
        _fail(f"bad fact {exc.fact!r}: {exc.code}")
    except (BadInput, EditionError) as exc:
        _fail(str(exc))
    if args.command == "materials" and not args.json:
        print(render_checklist(result))
    else:
        print(json.dumps(result, ensure_ascii=False))
    return 0
