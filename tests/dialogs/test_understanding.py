"""People understood as they really type (issue: never a wrong answer, never a crash):
"I don't know" typed, place names inside a listed locality, everyday spellings of the
choices, an odd birth date questioned, an ID number acknowledged (masked), forged presses."""
from __future__ import annotations

import pytest
from harness import WORKER, Person, msg, msg_head

from dialogs.types import Button

ID_1975 = "360102197506010014"  # a valid number: born 1975-06-01, male


@pytest.mark.parametrize(("typed", "lang"), [("不知道", "zh_CN"), ("不清楚", "zh_CN"), ("我也不知道啊", "zh_CN"),
                                             ("I don't know", "en"), ("not sure", "en")])
async def test_i_dont_know_typed_opens_the_help_and_the_question_waits(person: Person, typed: str,
                                                                      lang: str) -> None:
    await person.command("lang", "en" if lang == "en" else "zh")
    await person.command("screen")
    await person.answer_until(WORKER, stop="homes_owned")
    await person.say(typed)
    assert msg("idk.homes_owned", lang) in person.text
    await person.press("nav:continue")
    assert person.asks == "homes_owned"
    assert "homes_owned" not in await person.answers()


@pytest.mark.parametrize(("fact", "typed", "value"), [
    ("residence", "东湖区", "nanchang-city"), ("residence", "青山湖", "nanchang-city"),
    ("residence", "莲塘镇", "nanchang-county"), ("residence", "进贤", "jinxian"),
    ("residence", "其它", "other"), ("residence", "elsewhere", "other"),
    ("hukou", "农业户口", "rural"), ("hukou", "非农业户口", "urban"), ("hukou", "城市户口", "urban"),
    ("hukou", "rural hukou", "rural"), ("sex", "女的", "female"), ("sex", "男性", "male"),
    ("sex", "woman", "female")])
async def test_everyday_spellings_and_place_names_answer_choice_questions(person: Person, fact: str, typed: str,
                                                                        value: str) -> None:
    await person.command("screen")
    await person.answer_until(WORKER | {"birth_date": "1960-01-01"}, stop=fact)  # sex decides the age rule
    await person.say(typed)
    assert (await person.answers())[fact] == value


async def test_an_ambiguous_place_is_asked_again(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="residence")
    await person.say("南昌")  # 南昌市城区 or 南昌县: never a guess between two
    assert person.asks == "residence" and "residence" not in await person.answers()


async def test_a_birth_date_younger_than_16_is_questioned(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="birth_date")
    await person.say("2010-05-01")  # five years before the screening date (2016-10-15)
    assert msg_head("confirm.too_young") in person.text and "birth_date" not in await person.answers()
    await person.press("ok:no")
    assert person.asks == "birth_date"
    await person.say("2010年5月1日")
    await person.say("对")  # typed: yes, that's right
    assert (await person.answers())["birth_date"] == "2010-05-01"
    assert person.asks != "birth_date"


async def test_a_typed_id_number_is_acknowledged_masked(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="birth_date")
    await person.say(ID_1975)
    assert ID_1975 not in person.text
    assert "3601**********0014" in person.text
    assert msg("choice.sex.male") in person.text and "1975" in person.text
    assert (await person.answers())["id_number"] == ID_1975


@pytest.mark.parametrize("value", ["#²", "#①", "#" + "1" * 5000, "#-1", "#1.0", "#٣"])
async def test_forged_positions_change_nothing(person: Person, value: str) -> None:
    await person.command("screen")
    before = await person.state()
    await person.send(Button(value, person.question.seq))
    assert person.replies[0].stale
    assert (await person.state())["flows"] == before["flows"]
