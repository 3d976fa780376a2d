"""Moving around a screening the way people do: going back, changing an earlier
answer, asking why, not knowing, cancelling, starting over, pressing old or forged
buttons, coming back after a crash, switching language, getting stuck, and a
Telegram update delivered twice."""
from __future__ import annotations

from decimal import Decimal

import pytest
from harness import WORKER, Person, msg, msg_head, next_update_id, progress

from locales import translator
from rules import load_edition

ED = load_edition()
# a woman born in 1964: within the cut-off for women cadres (1962), not for other
# women (1967), so her cadre status matters; for a man (1957) it does not.
BORN_1964 = WORKER | {"birth_date": "1964-03-01"}


def translator_money(amount: str) -> str:
    """An amount as the assistant shows it (25,200.00 元)."""
    return translator("zh_CN").money(Decimal(amount))


def without(state: dict) -> dict:
    """A stored state without what every step rewrites (the outbox, the update id)."""
    return {k: v for k, v in state.items() if k not in ("outbox", "last_update_id")}


# ---- back ----------------------------------------------------------------------

async def test_back_undoes_the_last_answer_and_asks_it_again(person: Person) -> None:
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    await person.answer(True)                       # union member
    await person.answer(True)                       # labour relation
    assert person.asks == "wage_earner_head"
    await person.command("back")
    assert msg("nav.undone") in person.text
    assert person.asks == "labor_relation"
    assert await person.answers() == {"union_member": True}
    await person.press("nav:back")                  # the button does the same
    assert person.asks == "union_member"
    assert await person.answers() == {}


async def test_back_at_the_first_question_has_nothing_to_undo(person: Person) -> None:
    await person.command("screen")
    seq = person.question.seq
    await person.command("back")
    assert msg("nav.nothing_to_undo") in person.text
    assert (person.asks, person.question.seq) == ("group:scope", seq)


async def test_back_drops_a_question_that_no_longer_applies(person: Person) -> None:
    """Sex female -> cadre asked; back; sex male -> cadre is never asked."""
    await person.command("screen")
    await person.answer_until(BORN_1964, stop="sex")
    await person.press("female")
    assert person.asks == "cadre", "a woman born in 1964 is asked whether she is a cadre"
    await person.command("back")
    assert person.asks == "sex"
    await person.press("male")
    asked = await person.answer_until(BORN_1964)
    assert "cadre" not in asked
    assert msg("result.eligible") in person.text


async def test_changing_sex_to_male_forgets_the_cadre_answer(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(BORN_1964, stop="sex")
    await person.press("female")
    await person.press("yes")                       # a cadre: within 1962
    assert (await person.answers())["cadre"] is True
    await person.command("change")
    await person.press("chg:sex")
    await person.press("male")
    answers = await person.answers()
    assert answers["sex"] == "male" and "cadre" not in answers


async def test_back_from_the_result_reopens_the_last_question(person: Person) -> None:
    await person.command("screen")
    asked = await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text
    await person.command("back")
    assert person.asks == asked[-1]


# ---- change an earlier answer ----------------------------------------------------

async def test_change_an_answer_from_the_summary_after_the_result(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text
    await person.press("nav:summary")
    assert msg("summary.title") in person.text
    assert msg("summary.line", question=msg("fact.household_size"), answer="3") in person.text
    assert "chg:household_annual_income" in person.buttons
    await person.press("chg:household_annual_income")
    assert person.asks == "household_annual_income"
    assert msg("ask.current", answer=translator_money("25200")) in person.text
    await person.say("4.5万")                      # 1,250 a month: above 765 and after costs
    asked = await person.answer_until(WORKER)
    assert msg("result.not_eligible") in person.text, person.story()
    assert "household_annual_income" not in asked and set(asked) <= {
        "workplace", "medical_out_of_pocket", "disaster_costs", "disaster", "disease_paralysis",
        "child_education_hardship"}, asked
    assert (await person.answers())["household_annual_income"] == "45000.00"


async def test_change_in_the_middle_then_carry_on_where_it_was_needed(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="hukou")
    await person.command("change")
    await person.press("chg:homes_owned")
    assert person.asks == "homes_owned" and msg("ask.current", answer="1") in person.text
    await person.say("两套")
    assert msg("result.not_eligible") in person.text
    assert msg("reason.exclusions.homes_owned", homes_owned=2, limit=2) in person.text


async def test_change_with_the_button_of_an_old_summary_is_stale(person: Person) -> None:
    await person.command("screen")
    await person.answer(True)
    await person.command("change")
    old_seq = person.question.seq
    await person.command("screen")                 # start over: the summary has passed
    before = without(await person.state())
    await person.press("chg:union_member", seq=old_seq)
    assert person.replies[0].stale and msg("nav.stale") in person.text
    assert without(await person.state()) == before


# ---- why, I don't know, stuck ------------------------------------------------------

async def test_why_shows_the_clause_and_asks_again(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="homes_owned")
    seq = person.question.seq
    await person.command("why")
    assert msg("why.homes_owned", clause=ED.facts["homes_owned"].clause) in person.text
    assert "6号 一" in person.text
    assert (person.asks, person.question.seq) == ("homes_owned", seq)
    await person.press("nav:why")
    assert msg("why.homes_owned", clause="6号 一") in person.text
    await person.say("1")
    assert person.asks == "hukou"                   # the exclusions were asked as one group before


async def test_i_dont_know_then_continue(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="filed_elsewhere")
    await person.press("nav:idk")
    assert msg("idk.filed_elsewhere") in person.text
    assert person.buttons == ["nav:continue", "nav:clerk"]
    await person.press("nav:continue")
    assert person.asks == "filed_elsewhere"
    await person.say("否")
    assert person.asks == "homes_owned"


async def test_i_dont_know_and_a_typed_answer_goes_on(person: Person) -> None:
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    await person.command("idk")
    await person.say("是")                          # after all, they know
    assert person.asks == "labor_relation"


async def test_i_dont_know_then_clerk_shows_the_result_so_far_and_what_is_missing(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="hukou")
    await person.command("idk")
    assert msg("idk.hukou") in person.text
    await person.press("nav:clerk")
    text = person.text
    assert msg("clerk.handover") in text
    assert msg("result.undecided") in text
    assert msg("reason.scope.all_true") in text     # what is already settled
    missing = text.split(msg("next.undecided_topics"))[1]
    for topic in ("identity", "certificate", "income"):   # hukou and birth date; 低保证; incomes
        assert msg(f"topic.{topic}") in missing
    assert msg("topic.scope") not in missing               # already settled
    assert len(missing.strip().splitlines()) <= len(ED.topics), "a few lines, not every fact"
    assert person.asks is None


async def test_after_a_clerk_handover_the_person_can_come_back_and_continue(person: Person) -> None:
    """The handover says the answers are kept and the person can continue later."""
    await person.command("screen")
    await person.answer_until(WORKER, stop="hukou")
    kept = await person.answers()
    await person.command("clerk")
    assert "nav:continue" in person.buttons
    await person.command("start")                   # days later
    assert msg("resume.screen", n=len(kept)) in person.text
    assert person.asks == "hukou" and await person.answers() == kept
    await person.command("clerk")
    await person.press("nav:continue")              # or right away, with the button
    assert person.asks == "hukou"
    await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text


async def test_looking_at_the_summary_mid_way_does_not_lose_the_question(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="homes_owned")
    await person.command("change")
    assert person.buttons[-1] == "nav:continue"
    await person.press("nav:continue")
    assert person.asks == "homes_owned"
    await person.command("summary")
    await person.command("start")
    assert person.asks == "homes_owned" and msg_head("resume.screen") in person.text


async def test_three_failures_offer_help_and_a_clerk(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="birth_date")
    for attempt in range(1, 4):
        await person.say("昨天")
        assert person.asks == "birth_date"
        assert msg("err.date.invalid", example="1975-06-01") in person.text
        offered = "nav:clerk" in person.buttons
        assert offered == (attempt >= 3), f"clerk offered after {attempt} failures: {offered}"
    assert msg("err.many_failures") in person.text
    await person.press("nav:clerk")
    assert msg("clerk.handover") in person.text and msg("result.undecided") in person.text


async def test_a_good_answer_resets_the_failure_count(person: Person) -> None:
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    for _ in range(3):
        await person.say("也许")
    assert "nav:clerk" in person.buttons
    await person.say("是")
    assert person.asks == "labor_relation" and "nav:clerk" not in person.buttons
    await person.say("也许")
    assert msg("err.many_failures") not in person.text


# ---- cancel, start over ------------------------------------------------------------

async def test_cancel_clears_the_answers_and_shows_the_menu(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="homes_owned")
    await person.command("cancel")                  # answers would be lost: asked first
    assert msg_head("confirm.drop.cancel") in person.text and await person.answers() != {}
    await person.press("ok:keep")                   # kept: the question waits
    assert msg("nav.kept") in person.text and person.asks == "homes_owned"
    await person.command("cancel")
    await person.press("ok:drop:cancel")
    assert msg("nav.cancelled") in person.text and msg("menu.welcome") in person.text
    assert await person.answers() == {}
    await person.say("1")                           # the question is gone
    assert msg("menu.not_understood") in person.text and person.asks is None
    await person.command("start")                   # nothing to resume
    assert msg_head("resume.screen") not in person.text and msg("menu.welcome") in person.text


async def test_start_over_from_the_result_and_mid_way(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER)
    await person.press("nav:restart")
    assert msg_head("confirm.drop.restart") in person.text   # the answers would be lost: asked first
    await person.press("ok:drop:restart")
    assert msg("screen.intro") in person.text and person.asks == "group:scope"
    assert await person.answers() == {}
    await person.press("all")
    await person.command("restart")
    await person.press("ok:drop:restart")
    assert person.asks == "group:scope" and await person.answers() == {}


async def test_the_menu_starts_a_screening(person: Person) -> None:
    await person.command("start")
    assert msg("menu.welcome") in person.text
    await person.press("menu:screen")
    assert person.asks == "group:scope"


# ---- stale and forged buttons ------------------------------------------------------

async def test_a_button_of_a_passed_question_changes_nothing(person: Person) -> None:
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    first = person.question.seq
    await person.press("yes")                       # union member: yes
    await person.press("yes")                       # labour relation: yes
    before = without(await person.state())
    await person.press("no", seq=first)             # the old "not a member" button
    assert len(person.replies) == 1 and person.replies[0].stale
    assert person.text == msg("nav.stale")
    assert without(await person.state()) == before
    assert (await person.answers())["union_member"] is True
    await person.press("yes")                       # the open question still works
    assert person.asks == "group:exclusions"


@pytest.mark.parametrize("value", ["maybe", "chg:union_member", "cat:dibao", "nav:clerk", "nav:continue",
                                   "lang:fr", "mat:dibao", "", "yes\x00", "x" * 5000])
async def test_a_forged_button_changes_nothing(person: Person, value: str) -> None:
    await person.command("screen")
    await person.press("yes")
    before = without(await person.state())
    await person.press(value)                       # with the right question number
    assert person.replies[0].stale and msg("nav.stale") in person.text
    assert without(await person.state()) == before


async def test_a_button_without_a_question_number_is_refused(person: Person) -> None:
    await person.command("screen")
    before = without(await person.state())
    await person.press("yes", seq=None)
    assert person.replies[0].stale
    assert without(await person.state()) == before


# ---- resume after a crash ----------------------------------------------------------

async def test_resume_after_a_crash_continues_at_the_same_question(open_assistant) -> None:
    first = Person(await open_assistant(), "tg:1001")
    await first.command("screen")
    await first.answer_until(WORKER, stop="birth_date")
    open_seq = first.question.seq
    stored = await first.answers()
    await first.assistant.db.close()                # the process dies here

    again = Person(await open_assistant(), "tg:1001")   # a new process, same file
    await again.command("start")
    assert msg("resume.screen", n=len(stored)) in again.text
    assert (again.asks, again.question.seq) == ("birth_date", open_seq)
    assert await again.answers() == stored
    await again.say("1975年6月1日")
    await again.answer_until(WORKER)
    assert msg("result.eligible") in again.text


async def test_a_process_killed_without_closing_loses_no_acknowledged_answer(open_assistant) -> None:
    """The first process never closes its connection (killed); a second one opens the
    same file and sees every answer that was acknowledged."""
    first = Person(await open_assistant(), "tg:1001")
    await first.command("screen")
    await first.answer_until(WORKER, stop="hukou")
    stored = await first.answers()
    again = Person(await open_assistant(), "tg:1001")   # while the first still holds the file
    await again.command("start")
    assert again.asks == "hukou" and await again.answers() == stored


async def test_an_answer_acknowledged_before_a_crash_is_not_lost(open_assistant) -> None:
    first = Person(await open_assistant(), "tg:1001")
    await first.command("screen")
    await first.one_by_one()
    await first.say("是", update_id=7001)
    replies = first.text
    await first.assistant.db.close()
    again = Person(await open_assistant(), "tg:1001")
    await again.say("是", update_id=7001)          # Telegram redelivers the update
    assert again.text == replies                    # the same answer, not applied twice
    assert await again.answers() == {"union_member": True}
    assert again.asks == "labor_relation"


# ---- language ------------------------------------------------------------------------

async def test_switching_language_mid_way_keeps_the_answers(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="hukou")
    kept = await person.answers()
    seq = person.question.seq
    await person.command("lang", "en")
    assert msg("lang.switched", "en") in person.text
    assert person.asks == "hukou" and person.question.seq == seq
    assert msg("ask.hukou", "en") in person.text
    assert dict(person.question.choices)["urban"] == msg("choice.hukou.urban", "en")
    assert await person.answers() == kept
    await person.command("change")
    assert msg("summary.title", "en") in person.text
    assert msg("summary.line", "en", question=msg("fact.homes_owned", "en"), answer="1") in person.text
    await person.press("chg:homes_owned")
    await person.say("1")
    await person.answer_until(WORKER)
    assert msg("result.eligible", "en") in person.text
    assert ED.category_names["marginal"].en in person.text
    assert ED.materials.copies_rule.en in person.text


async def test_the_language_menu_and_back_to_chinese(person: Person) -> None:
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    await person.answer(True)
    await person.command("lang")
    assert msg("lang.choose") in person.text
    assert person.buttons == ["lang:zh_CN", "lang:en"]
    await person.press("lang:en")
    assert msg("ask.labor_relation", "en") in person.text
    await person.command("language", "zh")
    assert msg("lang.switched") in person.text and msg("ask.labor_relation") in person.text
    assert await person.answers() == {"union_member": True}


async def test_a_new_person_gets_the_language_of_their_telegram_client(assistant) -> None:
    p = Person(assistant, "tg:3003")
    await p.command("start", language_hint="en-US")
    assert msg("menu.welcome", "en") in p.text
    assert await assistant.language_of("tg:3003") == "en"


# ---- redelivery ------------------------------------------------------------------------

async def test_a_redelivered_update_is_applied_once_and_answered_the_same(person: Person) -> None:
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    uid = next_update_id()
    first = await person.press("yes", update_id=uid)
    state = await person.state()
    again = await person.press("yes", update_id=uid)
    assert again == first
    assert await person.state() == state
    assert person.asks == "labor_relation"
    later = await person.say("否", update_id=uid)  # whatever the redelivery carries
    assert later == first and await person.answers() == {"union_member": True}


async def test_a_redelivered_typed_answer_counts_once(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="homes_owned")
    before = await person.state()
    uid = next_update_id()
    await person.say("好几套", update_id=uid)       # a bad answer, counted once
    await person.say("好几套", update_id=uid)
    assert (await person.state())["flows"]["screening"]["failures"] == before["flows"]["screening"]["failures"] + 1
    assert (await person.state())["seq"] == before["seq"]


# ---- progress ------------------------------------------------------------------------------

async def test_progress_goes_down_and_never_up(person: Person) -> None:
    await person.command("screen")
    seen = []
    while person.asks is not None:
        if person.asks.startswith("consent:"):  # not a screening question: no progress line
            await person.press("ok:yes")
            continue
        seen.append((person.asks, progress(person.question.text)))
        if person.asks.startswith("group:"):
            await person.answer_group(WORKER)
        else:
            await person.answer(WORKER[person.asks])
    numbers = [n for _, n in seen]
    assert None not in numbers, seen
    assert numbers == sorted(numbers, reverse=True), f"the progress went up: {seen}"
    assert numbers[0] > numbers[-1] >= 1
    assert numbers[0] >= len(seen), "the first estimate is below the questions actually asked"


async def test_progress_does_not_go_up_when_a_dependent_question_opens(person: Person) -> None:
    rural = BORN_1964 | {"hukou": "rural", "provincial_contract_year": True, "sex": "female",
                         "cadre": True, "residence": "other", "residence_dibao_line": "500"}
    await person.command("screen")
    seen = []
    while person.asks is not None:
        if person.asks.startswith("consent:"):  # not a screening question: no progress line
            await person.press("ok:yes")
            continue
        seen.append((person.asks, progress(person.question.text)))
        if person.asks.startswith("group:"):
            await person.answer_group(rural)
        else:
            await person.answer(rural[person.asks])
    asked = [f for f, _ in seen]
    assert {"provincial_contract_year", "cadre", "residence_dibao_line"} <= set(asked)
    numbers = [n for _, n in seen]
    assert numbers == sorted(numbers, reverse=True), f"the progress went up: {seen}"


async def test_screen_goes_on_with_an_open_screening_and_restart_starts_over(person: Person) -> None:
    """/screen in the middle (e.g. after a clerk's checklist) keeps the answers;
    /restart is the way to start over."""
    await person.command("screen")
    await person.one_by_one()                       # the scope questions one by one
    await person.answer(True)                       # union member
    assert person.asks == "labor_relation"
    await person.command("materials")
    await person.command("screen")
    assert person.asks == "labor_relation"
    assert await person.answers() == {"union_member": True}
    await person.command("restart")
    await person.press("ok:drop:restart")
    assert person.asks == "group:scope"
    assert await person.answers() == {}
