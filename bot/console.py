"""The terminal channel: the same dialogs on stdin/stdout, no token, no network.

Choices are numbered (type the number, or the answer itself); /back, /why,
/idk, /change, /cancel, /lang en, /help and /quit work at any point. It resumes
the local person's last session, and reads piped input line by line, so a whole
screening can be scripted.
"""
from __future__ import annotations

import asyncio
import getpass
import logging
import sys
from typing import TextIO

from bot.logsafe import safe_trace
from dialogs.render import Rendered, Shown
from dialogs.assistant import Assistant
from dialogs.types import Command, Input, Text, pressed
from locales import translator
from storage import user_key

log = logging.getLogger(__name__)

QUIT = {"/quit", "/exit", "/q"}
TYPED = {"count", "size", "money", "date", "id"}  # answers typed as text: digits are not choice numbers


def parse_line(line: str, choices: tuple[Shown, ...], seq: int | None,
               expects: str | None = None) -> Input | None:
    """A typed line as a dialog input: a command, a numbered choice, or text."""
    s = line.strip()
    if expects in TYPED:
        choices = ()
    if s in QUIT:
        return None
    if s.startswith("/") and len(s) > 1:
        name, _, arg = s[1:].partition(" ")
        return Command(name, arg)
    if s.isascii() and s.isdigit() and len(s) <= 3 and choices and 1 <= int(s) <= len(choices):
        return pressed(seq, int(s) - 1)
    return Text(line.rstrip("\n"))


Question = tuple[tuple[Shown, ...], int | None, str | None]


def show(replies: list[Rendered], out: TextIO) -> Question:
    """Prints the replies; returns the last question's buttons, number and input kind."""
    shown: Question = ((), None, None)
    for r in replies:
        out.write(r.text + "\n")
        if r.expects in TYPED:
            for b in r.buttons:
                if b.command:
                    out.write(f"  /{b.command}  {b.label}\n")
        else:
            for n, b in enumerate(r.buttons, 1):
                out.write(f"  {n}. {b.label}\n")
        if r.buttons or r.expects:
            shown = (r.buttons, r.seq, r.expects)
        out.write("\n")
    out.flush()
    return shown


async def run_console(assistant: Assistant, *, user: str | None = None, inp: TextIO = sys.stdin,
                      out: TextIO = sys.stdout) -> int:
    """Runs the conversation until /quit or end of input."""
    key = user_key("console", user or getpass.getuser())
    choices, seq, expects = show(await assistant.handle(key, Command("start")), out)
    interactive = inp.isatty()
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = await asyncio.to_thread(inp.readline)
        if not line:
            break
        parsed = parse_line(line, choices, seq, expects)
        if parsed is None:
            break
        try:
            replies = await assistant.handle(key, parsed)
        except Exception as exc:  # the step was rolled back: the conversation stays where it was
            log.error("console step failed: %s", safe_trace(exc))
            lang = await assistant.language_of(key)
            out.write(translator(lang)("bot.apology") + "\n\n")
            continue
        shown = show(replies, out)
        if shown[0] or shown[2]:
            choices, seq, expects = shown
    return 0
