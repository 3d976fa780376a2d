"""Whatever people (or their keyboards) send, every kind of question answers with a
specific re-ask — never an exception, never the generic "I did not understand"
where a specific message exists — and the ways people really write an answer are
taken: 七百六十五, 一万二, ７６５, 1,234.50元, ¥765, 1975/6/1, 19750601, 是/否/对/不是/y/n.
"""
from __future__ import annotations

from typing import Any

import pytest
from harness import WORKER, Person, msg

from dialogs.questions import EXAMPLES

ID_NUMBER = "360102197506010014"  # a man born 1975-06-01 (check digit 4)
ID_WITH_X = "36010219800101003X"  # a woman born 1980-01-01 (check digit X)

# one question of each kind, and the way to reach it from the standard worker
KINDS = {
    "bool": "union_member",
    "count": "homes_owned",
    "choice": "hukou",
    "date": "birth_date",
    "locality": "residence",
    "size": "household_size",
    "money": "household_annual_income",
    "id": "id_number",
}


async def reach(p: Person, kind: str) -> str:
    """Opens a question of ``kind``; returns its fact."""
    fact = KINDS[kind]
    await p.command("screen")
    if kind == "id":  # asked when the person changes the ID number typed for the birth date
        await p.answer_until(WORKER, stop="birth_date")
        await p.say(ID_NUMBER)
        await p.command("change")
        await p.press("chg:id_number")
    else:
        await p.answer_until(WORKER, stop=fact)
    assert (p.asks, p.question.expects) == (fact, kind), p.story()
    return fact


NASTY = {
    "empty": "",
    "spaces": "  \t  ",
    "huge": "1" * 100_000,
    "control": "\x00\x01\x07\x1b\x7f",
    "emoji": "😀👍",
    "markup": "<b>1</b>",
    "sql": "1; DROP TABLE users;--",
    "chinese_numeral": "七百六十五",
    "full_width": "７６５",
    "negative": "-5",
}
BY_SHAPE = {"empty": "empty", "spaces": "empty", "control": "empty", "huge": "too_long"}
# (kind, input) -> the parser's code, where it is not simply "invalid"
SPECIAL = {
    **{("id", name): "length" for name in ("emoji", "markup", "sql", "chinese_numeral", "full_width",
                                           "negative")},
    ("count", "chinese_numeral"): "too_large", ("count", "full_width"): "too_large",
    ("size", "chinese_numeral"): "too_large", ("size", "full_width"): "too_large",
    ("money", "negative"): "negative",
    ("money", "chinese_numeral"): None, ("money", "full_width"): None,  # valid: 765
}


def expected_code(kind: str, name: str) -> str | None:
    if name in BY_SHAPE:
        return BY_SHAPE[name]
    return SPECIAL.get((kind, name), "invalid")


NASTY_CASES = [pytest.param(kind, name, id=f"{kind}-{name}") for kind in KINDS for name in NASTY
               if expected_code(kind, name) is not None]  # 七百六十五 and ７６５ are valid money


@pytest.mark.parametrize(("kind", "name"), NASTY_CASES)
async def test_nasty_answer_gets_a_specific_re_ask(person: Person, kind: str, name: str) -> None:
    code = expected_code(kind, name)
    fact = await reach(person, kind)
    seq, answers = person.question.seq, await person.answers()

    await person.say(NASTY[name])

    error, question = person.replies[0], person.replies[-1]
    assert len(person.replies) == 2, person.story()
    expected = msg(f"err.{kind}.{code}", example=EXAMPLES.get(kind, ""))
    assert error.text == expected, f"{kind} / {name}: got {error.text!r}"
    assert error.text != msg("err.generic") and not error.text.startswith("err.")
    assert (question.asks, question.seq, question.expects) == (fact, seq, kind), "not the same question"
    assert "<b>" not in person.text and "DROP" not in person.text, "the input is echoed back"
    assert await person.answers() == answers


async def test_the_database_survives_sql_looking_answers(person: Person) -> None:
    await reach(person, "money")
    for text in ("1; DROP TABLE users;--", "'); DELETE FROM sessions; --", "\" OR 1=1 --"):
        await person.say(text)
    await person.say("25200")
    assert msg("result.eligible") in person.text
    assert (await person.answers())["household_annual_income"] == "25200.00"


@pytest.mark.parametrize("kind", list(KINDS))
async def test_errors_are_specific_in_english_too(open_assistant, kind: str) -> None:
    p = Person(await open_assistant(language="en"), "tg:4004")
    fact = await reach(p, kind)
    for text, code in (("", "empty"), ("😀" * 3, "length" if kind == "id" else "invalid")):
        await p.say(text)
        assert p.replies[0].text == msg(f"err.{kind}.{code}", "en", example=EXAMPLES.get(kind, ""))
        assert p.asks == fact


# ---- the ways people really write an answer -------------------------------------------

SPELLINGS: dict[str, list[tuple[str, Any]]] = {
    "bool": [("是", True), ("否", False), ("对", True), ("不是", False), ("y", True), ("n", False),
             ("YES", True), ("No.", False), ("是的。", True), ("ｙ", True), ("没有", False)],
    "count": [("0", 0), ("１", 1), ("一套", 1), ("两套", 2), ("2套", 2), ("零", 0)],
    "size": [("3", 3), ("三口人", 3), ("３", 3), ("３人", 3), ("十二", 12), ("一个人", 1)],
    "choice": [("城镇户口", "urban"), ("农业/农村户口", "rural"), ("urban", "urban"),
               ("Rural (农业) hukou", "rural"), ("ＵＲＢＡＮ", "urban")],
    "locality": [("南昌市城区", "nanchang-city"), ("nanchang-county", "nanchang-county"),
                 ("Jinxian County", "jinxian"), ("安义县", "anyi"), ("其他地区", "other")],
    "money": [("七百六十五", "765.00"), ("一万二", "12000.00"), ("７６５", "765.00"),
              ("1,234.50元", "1234.50"), ("¥765", "765.00"), ("2.52万", "25200.00"),
              ("两万五千二百", "25200.00"), ("25200 元", "25200.00"), ("RMB 765", "765.00"),
              ("０", "0.00")],
    "date": [("1975/6/1", "1975-06-01"), ("19750601", "1975-06-01"), ("1975年6月1日", "1975-06-01"),
             ("一九七五年六月一日", "1975-06-01"), ("１９７５－０６－０１", "1975-06-01"),
             ("1975.6.1", "1975-06-01"), ("1975年6月1号", "1975-06-01")],
    "id": [(ID_WITH_X.lower(), ID_WITH_X), (ID_NUMBER.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            ID_NUMBER), ("360102 19750601 0014", ID_NUMBER), (ID_WITH_X, ID_WITH_X)],
}


@pytest.mark.parametrize("kind", list(SPELLINGS))
async def test_real_spellings_are_taken(person: Person, kind: str) -> None:
    fact = await reach(person, kind)
    for typed, value in SPELLINGS[kind]:
        await person.say(typed)
        assert person.asks != fact, f"{typed!r} was refused as a {kind}:\n{person.text}"
        assert (await person.answers())[fact] == value, f"{typed!r} was read as {(await person.answers())[fact]!r}"
        await person.command("change")               # open the same question again
        await person.press(f"chg:{fact}")
        assert person.asks == fact


async def test_a_typed_id_number_answers_the_birth_date_question(person: Person) -> None:
    await reach(person, "date")
    await person.say(ID_WITH_X.lower())
    answers = await person.answers()
    assert answers["id_number"] == ID_WITH_X and "birth_date" not in answers
    # born 1980: within every cut-off, so neither sex nor cadre is asked
    assert person.asks == "group:hardship", person.story()


async def test_a_wrong_id_number_for_the_birth_date_says_what_is_wrong(person: Person) -> None:
    await reach(person, "date")
    await person.say(ID_NUMBER[:-1] + "5")           # one digit off
    assert person.replies[0].text == msg("err.date.check_digit")
    await person.say("360102199913320014")           # no 32nd of the 13th month
    assert person.replies[0].text == msg("err.date.birth_date")
    await person.say("2020-01-01")                   # after today (2016-10-15)
    assert person.replies[0].text == msg("err.date.future")
    await person.say("1975-02-30")
    assert person.replies[0].text == msg("err.date.no_such_day")
    assert person.asks == "birth_date"


async def test_a_zero_dibao_line_is_refused_with_its_reason(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="residence")
    await person.press("other")
    assert person.asks == "residence_dibao_line"
    await person.say("0")
    assert person.replies[0].text == msg("err.fact.money.not_positive")
    await person.say("0.001")
    assert person.replies[0].text == msg("err.money.precision", example=EXAMPLES["money"])
    await person.say("480元")
    assert person.asks == "household_size"


# ---- nasty input outside a question ------------------------------------------------------

async def _to_mode(p: Person, mode: str) -> None:
    if mode == "menu":
        await p.command("start")
    elif mode == "result":
        await p.command("screen")
        await p.answer_until(WORKER)
    elif mode == "summary":
        await p.command("screen")
        await p.answer(True)
        await p.command("change")
    elif mode == "idk":
        await p.command("screen")
        await p.command("idk")
    elif mode == "checklist":
        await p.command("materials")
    elif mode == "language":
        await p.command("lang")


@pytest.mark.parametrize("mode", ["menu", "result", "summary", "idk", "checklist", "language"])
async def test_nasty_text_anywhere_gets_an_answer(person: Person, mode: str) -> None:
    await _to_mode(person, mode)
    for text in NASTY.values():
        replies = await person.say(text)
        assert replies and all(r.text.strip() for r in replies), f"{mode}: no answer to {text[:20]!r}"
        assert not any(r.text.startswith(("err.", "menu.", "nav.")) for r in replies)


@pytest.mark.parametrize(("name", "arg"), [("lang", "<b>x</b>"), ("start", "1; DROP TABLE users;--"),
                                           ("😀", ""), ("", ""), ("x" * 10_000, "y" * 100_000),
                                           ("back\x00", ""), ("START", "screen")])
async def test_nasty_commands_get_an_answer(person: Person, name: str, arg: str) -> None:
    await person.command("screen")
    await person.one_by_one()
    await person.answer(True)
    replies = await person.command(name, arg)
    assert replies and all(r.text.strip() for r in replies)
    assert "<b>" not in person.text and "DROP" not in person.text
    if name == "lang":
        assert msg("lang.choose") in person.text    # an unknown language: the choice is offered
    elif name != "START":
        assert person.asks == "labor_relation" and await person.answers() == {"union_member": True}
