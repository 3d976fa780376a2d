"""The whole registration form in the terminal channel: a conversation played in-process
is recorded as the lines a person types at the console (a button as its number, a
navigation button as its command), then typed into ``run_console`` over a fresh
database: the terminal reaches the same submission, and /mydraft writes the files."""
from __future__ import annotations

import io
import os
import stat
from pathlib import Path
from typing import Any

from form_filler import RecordingPerson, apply_after_screening, finish_and_submit
from harness import msg_head

from bot.console import run_console
from dialogs.render import TYPED_NUMBERS
from dialogs.types import Button, Command, Text


class ConsoleTyping(RecordingPerson):
    """A person whose every input is also written down as a console line."""

    def __init__(self, *a: Any, **kw: Any):
        super().__init__(*a, **kw)
        self.lines: list[str] = []

    async def send(self, inp, **kw):
        self.lines.append(self.as_line(inp))
        return await super().send(inp, **kw)

    def as_line(self, inp) -> str:
        if isinstance(inp, Command):
            return f"/{inp.name} {inp.arg}".strip()
        if isinstance(inp, Text):
            return inp.text
        q = self.question  # a button of the open question: its number, or the command it stands for
        assert isinstance(inp, Button) and q is not None and inp.seq == q.seq
        position = [v for v, _ in q.choices].index(inp.value)
        if q.expects in TYPED_NUMBERS:  # digits are the answer there: a command, or #<n> for a choice
            command = q.buttons[position].command
            return f"/{command}" if command else f"#{position + 1}"
        return str(position + 1)


async def test_the_whole_form_in_the_terminal(open_assistant, tmp_path: Path, monkeypatch) -> None:
    person = ConsoleTyping(await open_assistant(), "console:wang")
    await person.command("start")                        # what run_console sends first
    await finish_and_submit(await apply_after_screening(person), remove=3)
    assert msg_head("form.submitted") in person.text
    await person.command("mydraft")
    lines = person.lines[1:]                             # run_console sends the /start itself

    monkeypatch.chdir(tmp_path)                          # the copies are written where it runs
    terminal = await open_assistant(path=tmp_path / "terminal.sqlite3")
    out = io.StringIO()
    assert await run_console(terminal, user="wang", inp=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    shown = out.getvalue()
    assert msg_head("form.submitted") in shown, shown[-3000:]
    written = sorted(p.suffix for p in tmp_path.iterdir() if p.suffix in (".docx", ".pdf"))
    assert written == [".docx", ".pdf"], shown[-1500:]
    # they hold ID numbers and a bank card: only their owner may read them, as the database
    assert {stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir() if p.suffix in (".docx", ".pdf")} == {0o600}
    async with terminal.db.transaction() as tx:
        [draft] = await tx.drafts.list_for("console:wang")
    assert draft.status == "submitted" and len(draft.content["form"]["members"]) == 3


async def test_a_copy_that_cannot_be_written_is_said_and_the_terminal_goes_on(open_assistant, tmp_path: Path,
                                                                             monkeypatch) -> None:
    person = ConsoleTyping(await open_assistant(), "console:wang")
    await person.command("start")
    await finish_and_submit(await apply_after_screening(person), remove=3)
    await person.command("mydraft")
    await person.command("status")                       # the terminal still answers afterwards
    lines = person.lines[1:]

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    os.rmdir(gone)                                       # no file can be made here, not even by root
    terminal = await open_assistant(path=tmp_path / "terminal.sqlite3")
    out = io.StringIO()
    assert await run_console(terminal, user="wang", inp=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    shown = out.getvalue()
    failed = msg_head("console.document_not_written")
    assert shown.count(failed) == 2, shown[-1500:]       # the DOCX and the PDF, each said, no traceback
    status_heading = person.text.strip().splitlines()[0]  # /status, after the copies: answered
    assert shown.rindex(failed) < shown.rindex(status_heading), shown[-800:]
