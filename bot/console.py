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
import os
import sys
from pathlib import Path
import threading
from typing import TextIO

from bot.logsafe import safe_trace
from dialogs.render import TYPED_NUMBERS, Rendered, Shown
from dialogs.assistant import Assistant
from dialogs.types import Command, Input, Text, choice_number, pressed
from locales import DEFAULT_LANGUAGE, translator
from storage import user_key

log = logging.getLogger(__name__)

QUIT = {"/quit", "/exit", "/q"}


def parse_line(line: str, choices: tuple[Shown, ...], seq: int | None,
               expects: str | None = None) -> Input | None:
    """A typed line as a dialog input: a command, a numbered choice, or text. Where the
    answer is typed (a number, a date...), digits are the answer: a choice there is
    ``#<n>`` ("#1" skips an optional ID number)."""
    s = line.strip()
    if expects in TYPED_NUMBERS:
        if s.startswith(("#", "＃")) and (position := choice_number(s[1:], len(choices))) is not None:
            return pressed(seq, position)
        choices = ()
    if s in QUIT:
        return None
    if s.startswith("/") and len(s) > 1:
        name, _, arg = s[1:].partition(" ")
        return Command(name, arg)
    if (position := choice_number(s, len(choices))) is not None:
        return pressed(seq, position)
    return Text(line.rstrip("\n"))


Question = tuple[tuple[Shown, ...], int | None, str | None]


def write_private(path: Path, data: bytes) -> None:
    """Writes a file only its owner may read (0600, as the database): the person's form
    copy and data export hold their ID numbers, bank card and illnesses."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as out:
        os.fchmod(fd, 0o600)  # a file that was there before keeps no wider mode
        out.write(data)


def _here() -> str:
    """The folder the console runs in, as it can be named ("." if it is gone)."""
    try:
        return os.getcwd()
    except OSError:
        return "."


def show(replies: list[Rendered], out: TextIO, lang: str | None = None) -> Question:
    """Prints the replies; returns the last question's buttons, number and input kind.
    ``lang``: the person's language, for what this channel says itself."""
    shown: Question = ((), None, None)
    for r in replies:
        out.write(r.text + "\n")
        if r.document:  # the person's copy of their form, written where the console runs
            path = Path(r.document[0])
            try:
                write_private(path, r.document[1])
            except OSError as exc:
                out.write(translator(lang or DEFAULT_LANGUAGE)(
                    "console.document_not_written", name=path.name, folder=_here(),
                    reason=exc.strerror or type(exc).__name__) + "\n")
            else:
                out.write(f"  -> {path.resolve()}\n")
        if r.expects in TYPED_NUMBERS:  # digits are the answer: commands, and #<n> for a choice
            for n, b in enumerate(r.buttons, 1):
                out.write(f"  /{b.command}  {b.label}\n" if b.command else f"  #{n}  {b.label}\n")
        else:
            for n, b in enumerate(r.buttons, 1):
                out.write(f"  {n}. {b.label}\n")
        if r.buttons or r.expects:
            shown = (r.buttons, r.seq, r.expects)
        out.write("\n")
    out.flush()
    return shown


def read_lines(inp: TextIO) -> asyncio.Queue[str]:
    """Lines of ``inp`` as they come ("" at the end), read by a daemon thread, so that
    Ctrl-C leaves at once instead of waiting for a line that never comes."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        while True:
            try:
                line = inp.readline()
            except (OSError, ValueError):  # closed under us
                line = ""
            loop.call_soon_threadsafe(lines.put_nowait, line)
            if not line:
                return

    threading.Thread(target=pump, name="console-input", daemon=True).start()
    return lines


async def run_console(assistant: Assistant, *, user: str | None = None, inp: TextIO = sys.stdin,
                      out: TextIO = sys.stdout) -> int:
    """Runs the conversation until /quit or end of input; Ctrl-C and Ctrl-D leave at
    once saying that the answers are saved."""
    key = user_key("console", user or getpass.getuser())
    try:
        return await _converse(assistant, key, inp, out)
    except asyncio.CancelledError:  # Ctrl-C (asyncio.run turns SIGINT into a cancellation)
        await _say_saved(assistant, key, out)
        raise


async def _say_saved(assistant: Assistant, key: str, out: TextIO) -> None:
    try:
        lang = await asyncio.shield(assistant.language_of(key))
    except (asyncio.CancelledError, Exception):  # noqa: BLE001 - leaving anyway
        lang = assistant.default_language
    out.write("\n" + translator(lang)("console.saved") + "\n")
    out.flush()


async def _converse(assistant: Assistant, key: str, inp: TextIO, out: TextIO) -> int:
    choices, seq, expects = show(await assistant.handle(key, Command("start")), out)
    interactive = inp.isatty()
    lines = read_lines(inp)
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = await lines.get()
        if not line:  # end of input (Ctrl-D at a terminal)
            if interactive:
                await _say_saved(assistant, key, out)
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
        shown = show(replies, out, await assistant.language_of(key) if any(r.document for r in replies) else None)
        if isinstance(parsed, Command) and parsed.name.lower() == "help":  # this channel's own command
            out.write(translator(await assistant.language_of(key))("console.help_quit") + "\n\n")
        if shown[0] or shown[2]:
            choices, seq, expects = shown
    return 0
