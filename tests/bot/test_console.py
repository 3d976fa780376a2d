"""The terminal assistant as people run it: ``python -m bot console`` with its
input piped, no token, no network, a database in a temporary folder.

A whole screening in Chinese and one in English end with the reasons and the
checklist; a second process on the same database continues where the first one
stopped; /quit and the end of input both exit with status 0.
"""
from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

from locales import translator
from rules import load_edition

ROOT = Path(__file__).resolve().parents[2]
ED = load_edition()

# The standard worker: urban household of 3 in Nanchang city, 25,200 a year, a major
# illness -> eligible, 低保边缘户. Numbers pick the console's numbered choices. The scope
# conditions and the exclusions are one question each ("1" = all three are true;
# "都没有" = none of the exclusions), then the number of homes ("1" typed: one home);
# before the birth date, consent to sensitive questions ("1" = agree, or typed); the
# hardship reasons are one question too ("which one applies?": 大病, or its number 2).
CHINESE = ["/screen", "1", "都没有", "1", "1", "1", "1975年6月1日", "大病", "1", "三口人", "25,200元"]
ENGLISH = ["/lang en", "/screen", "yes", "none of these", "1", "1", "agree", "1975-06-01", "2", "1", "3",
           "2.52万"]
ANSWERS_BEFORE_BIRTH_DATE = 9  # 3 scope facts, 4 exclusion facts, homes, hukou


def t(msgid: str, lang: str = "zh_CN", **params: object) -> str:
    if "{documents}" in translator(lang).gettext(msgid):  # sentences name the edition's documents
        params = {"documents": load_edition().documents.get(lang)} | params
    return translator(lang)(msgid, **params)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The environment of the console: a fresh database and data key, no token."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    return keep | {
        "BOT_DATABASE": str(tmp_path / "data" / "bot.sqlite3"),
        "BOT_DATA_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "PYTHONPATH": str(ROOT),
        "PYTHONIOENCODING": "utf-8",
    }


def console(env: dict[str, str], lines: list[str], cwd: Path, *, eof_newline: bool = True) -> subprocess.CompletedProcess:
    """Runs ``python -m bot console`` with ``lines`` piped to its standard input."""
    stdin = "\n".join(lines) + ("\n" if eof_newline and lines else "")
    return subprocess.run([sys.executable, "-m", "bot", "console"], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", env=env, cwd=cwd, timeout=60)


def assert_clean(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr


def assert_eligible_with_reasons_and_checklist(out: str, lang: str) -> None:
    assert t("result.eligible", lang) in out, out[-3000:]
    assert t("result.primary", lang, category=ED.category_names["marginal"].get(lang)) in out
    assert t("reason.line", lang, mark=t("mark.pass", lang), text=t("reason.scope.all_true", lang),
             clause="6号 一") in out, "the reason with its mark and clause"
    assert t("reason.one_household.not_filed", lang) in out
    assert "700.00" in out and "765.00" in out, "the reason shows the figures"
    assert "📋" in out
    for key in ("application_short", "id_hukou", "medical_docs_city", "wage_flow", "marital_proof"):
        assert ED.materials.items[key].get(lang) in out, f"{key} missing from the checklist"
    rule = ED.materials.copies_rule
    assert (rule.zh_CN if lang == "zh_CN" else rule.en) in out


def test_a_whole_screening_in_chinese(env: dict[str, str], tmp_path: Path) -> None:
    proc = console(env, CHINESE, tmp_path)
    assert_clean(proc)
    out = proc.stdout
    assert t("menu.welcome") in out and "  1. " + t("btn.screen") in out
    assert t("group.scope.ask") in out and "  1. " + t("group.scope.all") in out
    assert t("ask.birth_date") in out and "  1. 是" in out          # a yes/no question: 是 is 1
    assert_eligible_with_reasons_and_checklist(out, "zh_CN")
    assert t("err.generic") not in out and "err." not in out


def test_a_whole_screening_in_english(env: dict[str, str], tmp_path: Path) -> None:
    proc = console(env, ENGLISH, tmp_path)
    assert_clean(proc)
    out = proc.stdout
    assert t("lang.switched", "en") in out
    assert t("group.scope.ask", "en") in out and "  1. " + t("group.scope.all", "en") in out
    assert t("group.hardship.ask", "en") in out and "  2. " + t("fact.major_illness", "en") in out
    assert_eligible_with_reasons_and_checklist(out, "en")
    after_switch = out.split(t("lang.switched", "en"))[1]
    assert t("ask.hukou") not in after_switch, "a Chinese question after /lang en"


def test_a_second_process_continues_where_the_first_stopped(env: dict[str, str], tmp_path: Path) -> None:
    cut = CHINESE.index("1975年6月1日")
    first = console(env, CHINESE[:cut], tmp_path)  # the input ends: the process exits
    assert_clean(first)
    assert first.stdout.rstrip().endswith(t("btn.back")), "the first process stopped at a question"
    assert t("ask.birth_date") in first.stdout.split(t("ask.hukou"))[-1]

    second = console(env, CHINESE[cut:], tmp_path)
    assert_clean(second)
    out = second.stdout
    resumed = t("resume.screen", n=ANSWERS_BEFORE_BIRTH_DATE)
    assert resumed in out, out[:1500]
    assert out.index(resumed) < out.index(t("ask.birth_date"))
    assert t("group.scope.ask") not in out, "the second process started again from the beginning"
    assert_eligible_with_reasons_and_checklist(out, "zh_CN")


def test_quit_exits_at_once_with_status_0(env: dict[str, str], tmp_path: Path) -> None:
    proc = console(env, ["/screen", "是", "/quit", "是", "是"], tmp_path)
    assert_clean(proc)
    assert t("group.exclusions.ask") in proc.stdout
    assert t("ask.homes_owned") not in proc.stdout, "input after /quit was read"


def test_end_of_input_exits_with_status_0(env: dict[str, str], tmp_path: Path) -> None:
    for lines, newline in (([], False), (["/screen", "是"], False), (["/screen"], True)):
        proc = console(env, lines, tmp_path, eof_newline=newline)
        assert_clean(proc)
        assert t("menu.welcome") in proc.stdout or t("group.scope.ask") in proc.stdout \
            or t("resume.screen", n=3) in proc.stdout  # /screen goes on (the three scope facts)


def test_navigation_and_bad_answers_in_the_terminal(env: dict[str, str], tmp_path: Path) -> None:
    lines = ["/screen", "也许", "/why", "1", "/back", "2", "否"]  # 2 = not all: one by one
    proc = console(env, lines, tmp_path)
    assert_clean(proc)
    out = proc.stdout
    assert t("err.bool.invalid") in out
    assert t("group.scope.why", clause="6号 一") in out
    assert t("nav.undone") in out
    assert t("reason.scope.not_member") in out and t("result.not_eligible") in out


def test_a_clerk_gets_a_checklist_by_numbers(env: dict[str, str], tmp_path: Path) -> None:
    """/materials, 2 = 低保边缘户, 1 = 困难职工, then the conditions: 1 = yes, 2 = no,
    3 = skip; 3 = 离异 for the marital status."""
    proc = console(env, ["/materials", "2", "1", "1", "2", "3", "3"], tmp_path)
    assert_clean(proc)
    out = proc.stdout
    assert t("checklist.ask_category") in out and "  2. " + ED.category_names["marginal"].zh_CN in out
    items = ED.materials.items
    assert items["medical_docs_city"].zh_CN in out                      # illness: yes
    assert items["disaster_proof"].zh_CN not in out                     # disaster: no
    assert "【" + items["school_proof"].if_.zh_CN + "】" in out          # skipped: conditional
    proof = items["marital_proof"].zh_CN
    assert proof in out and "【" + items["marital_proof"].if_.zh_CN + "】" + proof not in out
    assert ED.materials.copies_rule.zh_CN in out


def test_a_bad_setting_is_one_line_and_status_2(env: dict[str, str], tmp_path: Path) -> None:
    proc = console(env | {"BOT_DEFAULT_LOCALE": "fr"}, ["/quit"], tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "BOT_DEFAULT_LOCALE" in proc.stderr


def _read_until(fd: int, wanted: str, timeout: float = 30.0) -> str:
    """What a terminal shows until ``wanted`` appears (or the time is up)."""
    import select
    import time

    seen, deadline = b"", time.monotonic() + timeout
    while wanted.encode() not in seen.replace(b"\r\n", b"\n") and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    return seen.decode("utf-8", "replace").replace("\r\n", "\n")  # the terminal's line ends


def _in_a_terminal(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, int]:
    """``python -m bot console`` on a pseudo-terminal, as a person runs it."""
    import pty

    import signal

    master, slave = pty.openpty()
    # as in a person's terminal, Ctrl-C interrupts (a test run started in the background
    # may have SIGINT ignored, and a child inherits that)
    proc = subprocess.Popen([sys.executable, "-m", "bot", "console"], stdin=slave, stdout=slave,
                            stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(slave)
    return proc, master


@pytest.mark.slow
def test_ctrl_c_at_the_prompt_leaves_at_once_saying_the_answers_are_saved(env: dict[str, str],
                                                                           tmp_path: Path) -> None:
    import signal

    proc, master = _in_a_terminal(env, tmp_path)
    try:
        assert t("menu.welcome") in _read_until(master, "> ")
        os.write(master, "/screen\n".encode())
        assert t("group.scope.ask") in _read_until(master, "> ")  # the question, then the prompt
        proc.send_signal(signal.SIGINT)  # Ctrl-C while the console waits for a line
        shown = _read_until(master, t("console.saved"), timeout=10)
        assert proc.wait(timeout=10) == 130
        assert t("console.saved") in shown
        assert "Traceback" not in proc.stderr.read().decode()
    finally:
        proc.kill()
        os.close(master)


@pytest.mark.slow
def test_ctrl_d_at_the_prompt_leaves_saying_the_answers_are_saved(env: dict[str, str], tmp_path: Path) -> None:
    proc, master = _in_a_terminal(env, tmp_path)
    try:
        _read_until(master, "> ")
        os.write(master, b"\x04")  # Ctrl-D: end of input at a terminal
        assert t("console.saved") in _read_until(master, t("console.saved"), timeout=10)
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        os.close(master)


def test_help_in_the_terminal_tells_how_to_leave(env: dict[str, str], tmp_path: Path) -> None:
    proc = console(env, ["/help"], tmp_path)
    assert_clean(proc)
    assert t("help.text") in proc.stdout and t("console.help_quit") in proc.stdout


def test_output_piped_to_a_reader_that_leaves_ends_without_a_traceback(env: dict[str, str], tmp_path: Path) -> None:
    # `python -m bot console | head -2`: the reader closes its end after two lines
    proc = subprocess.Popen([sys.executable, "-m", "bot", "console"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=tmp_path)
    proc.stdout.close()
    _, err = proc.communicate(("\n".join(CHINESE) + "\n").encode(), timeout=60)
    assert "Traceback" not in err.decode(), err.decode()
    assert proc.returncode == 1  # as Python's own tools end on a closed pipe
    again = console(env, ["/screen"], tmp_path)  # what was answered before it stopped is kept
    assert_clean(again)
