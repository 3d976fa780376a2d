"""An answer a check only doubts (a bank card failing the check digit, other income equal to
a year of wages) is asked to be confirmed: "that's right" keeps it and the form goes on,
"enter it again" asks the field again; in the terminal, by typing the option's number.
(The "keep" of /cancel's "your answers would be lost" question once caught them all.)"""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from form_filler import APPLICANT, CARD, RecordingPerson, apply_after_screening
from harness import msg
from test_form_console import ConsoleTyping

from bot.console import run_console

from rules.form_checks import luhn_ok

BAD_CARD = CARD[:-1] + next(d for d in "0123456789" if not luhn_ok(CARD[:-1] + d))
WAGES_AGAIN = str(12 * int(APPLICANT["own_monthly_income"]))  # a year of the applicant's wages


@pytest.fixture
def person(assistant) -> RecordingPerson:
    return RecordingPerson(assistant, "tg:1001")


async def at_confirmation(person, path: str, value: str, **applicant) -> None:
    """The form filled up to ``path``, ``value`` typed there: its confirmation is open."""
    form = await apply_after_screening(person, applicant=dict(APPLICANT, **applicant))
    await form.fill_fields(stop=path)
    if form.path != path:  # after the members and the figures
        await form.add_members()
        await person.press("f:members_done")
        await person.press("f:figures_ok")
        await form.fill_fields(stop=path)
    assert form.path == path, person.story()
    await person.say(value)
    assert person.buttons == ["ok:keep", "ok:redo"], person.story()


async def last_draft_form(assistant, person):
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    return draft.content["form"]


async def test_other_income_equal_to_a_years_wages_is_kept_when_confirmed(assistant, person):
    await at_confirmation(person, "other_annual_income", WAGES_AGAIN)
    await person.press("ok:keep")
    assert msg("nav.kept") not in person.text, person.story()  # not the "answers kept" of /cancel
    assert person.asks != "form:other_annual_income", person.story()
    form = await last_draft_form(assistant, person)
    assert Decimal(form["other_annual_income"]) == Decimal(WAGES_AGAIN)
    assert any(c.startswith("other_annual_income:") for c in form["confirmed"]), form["confirmed"]


async def test_enter_it_again_asks_the_field_again(assistant, person):
    await at_confirmation(person, "other_annual_income", WAGES_AGAIN)
    await person.press("ok:redo")
    assert person.asks == "form:other_annual_income", person.story()
    await person.say(APPLICANT["other_annual_income"])
    assert person.asks != "form:other_annual_income", person.story()


async def test_a_card_failing_the_check_digit_is_kept_when_confirmed(assistant, person):
    await at_confirmation(person, "bank_card", BAD_CARD)
    await person.press("ok:keep")
    assert person.asks != "form:bank_card", person.story()
    form = await last_draft_form(assistant, person)
    assert form["bank_card"] == BAD_CARD and "bank_card:bank_card.luhn" in form["confirmed"]


async def test_in_the_terminal_typing_1_keeps_it_and_the_form_goes_on(open_assistant, tmp_path):
    person = ConsoleTyping(await open_assistant(), "console:wang")
    await person.command("start")  # what run_console sends first
    await at_confirmation(person, "other_annual_income", WAGES_AGAIN)
    await person.press("ok:keep")  # typed as its number, "1"
    next_question = person.question.text
    lines = person.lines[1:]
    assert lines[-1] == "1"
    terminal = await open_assistant(path=tmp_path / "terminal.sqlite3")
    out = io.StringIO()
    assert await run_console(terminal, user="wang", inp=io.StringIO("\n".join(lines) + "\n"), out=out) == 0
    shown = out.getvalue()
    assert shown.count(msg("form.confirm.other_income_wages")) == 1, shown[-2000:]
    assert msg("nav.kept") not in shown and next_question in shown, shown[-2000:]
