"""Understanding people (the issue's findings on rules.parse): more spellings read,
odd input questioned with a code, and nothing but ParseError ever raised."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locales import LANGUAGES, catalog_ids
from rules.edition import load_edition
from rules.parse import (PARSER_CODES, ParseError, is_dont_know, normalise, parse_count, parse_date,
                         parse_money, parse_yes_no, too_young)

TODAY = dt.date(2016, 10, 15)
JUNE_1 = dt.date(1975, 6, 1)


@pytest.mark.parametrize("text", ["75年6月1日", "1975年六月一日", "1975 6 1", "June 1, 1975", "1 June 1975",
                                  "1st June 1975", "Jun 1 1975", "七五年六月一日"])
def test_dates_people_type(text: str) -> None:
    assert parse_date(text, today=TODAY) == JUNE_1


@pytest.mark.parametrize(("text", "code"), [
    ("1975年6月", "no_day"), ("June 1975", "no_day"), ("1975-06", "no_day"),
    ("01/06/1975", "ambiguous"), ("1975-0\u200b6-01", "ambiguous"), ("19o5-06-01", "ambiguous"),
    ("①⑨⑦⑤年6月1日", "digits"), ("1975年6月¹日", "digits"),
])
def test_dates_that_are_asked_again(text: str, code: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_date(text, today=TODAY)
    assert info.value.code == code


@pytest.mark.parametrize(("text", "value"), [
    ("2万5", 25000), ("1万2", 12000), ("2万5千", 25000), ("人民币25200元", 25200), ("25,200元", 25200),
    ("25万3千", 253000), ("3千5", 3500), ("2万500", 20500),
])
def test_money_people_type(text: str, value: int) -> None:
    assert parse_money(text) == Decimal(value)


@pytest.mark.parametrize(("text", "code"), [
    ("2万到3万", "range"), ("20000-30000", "range"), ("2万至3万", "range"), ("2-3万", "range"),
    ("20000 to 30000", "range"),
    ("约2万", "approximate"), ("大约25000", "approximate"), ("about 25000", "approximate"),
    ("2万多", "approximate"), ("25000左右", "approximate"),
    ("25 200", "ambiguous"), ("2\u200b5200", "ambiguous"), ("25\u202e200", "ambiguous"),
    ("25o00", "ambiguous"), ("2OOOO", "ambiguous"), ("①", "digits"), ("²", "digits"), ("25²", "digits"),
    ("٢٥٠٠٠", "digits"), ("9" * 5000, "too_long"),
])
def test_money_that_is_asked_again(text: str, code: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_money(text)
    assert info.value.code == code


@pytest.mark.parametrize("word", ["有的", "有啊", "嗯", "好的", "对呀", "yep", "是的呀"])
def test_more_yes_words(word: str) -> None:
    assert parse_yes_no(word) is True


@pytest.mark.parametrize("word", ["没有啊", "没得", "no", "never", "not yet", "Never.", "还没有"])
def test_more_no_words(word: str) -> None:
    assert parse_yes_no(word) is False


def test_i_dont_know_is_not_no() -> None:
    with pytest.raises(ParseError):
        parse_yes_no("不知道")


@pytest.mark.parametrize(("text", "value"), [
    ("一家三口", 3), ("3 people", 3), ("three", 3), ("Three people", 3), ("我家四口人", 4),
    ("没有", 0), ("无", 0), ("none", 0), ("one", 1), ("一套", 1),
])
def test_counts_people_type(text: str, value: int) -> None:
    assert parse_count(text, minimum=0) == value


@pytest.mark.parametrize(("text", "code"), [("3o", "ambiguous"), ("1 2", "ambiguous"), ("①", "digits"),
                                            ("²", "digits"), ("9" * 4400, "too_long")])
def test_counts_that_are_asked_again(text: str, code: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_count(text)
    assert info.value.code == code


@pytest.mark.parametrize("text", ["o", "O", "oo"])
@pytest.mark.parametrize("parser", [parse_money, parse_count], ids=lambda p: p.__name__)
def test_the_letter_o_is_never_zero(parser, text: str) -> None:
    with pytest.raises(ParseError):
        parser(text)


@pytest.mark.parametrize("text", ["不知道", "不清楚", "我不知道", "不太清楚", "不确定", "记不清了", "不知道啊",
                                  "I don't know", "i dont know", "dont know", "not sure", "I'm not sure",
                                  "no idea", "idk", "Don't know."])
def test_dont_know(text: str) -> None:
    assert is_dont_know(text)


@pytest.mark.parametrize("text", ["是", "不是", "没有", "no", "2万", "I don't", "知道", "", "\x00"])
def test_not_dont_know(text: str) -> None:
    assert not is_dont_know(text)


def test_too_young_uses_the_editions_age() -> None:
    assert load_edition().param("min_worker_age") == 16
    assert too_young(dt.date(2000, 10, 16), TODAY)
    assert not too_young(dt.date(2000, 10, 15), TODAY)  # sixteen today
    assert not too_young(JUNE_1, TODAY)
    assert too_young(dt.date(2000, 2, 29), dt.date(2016, 2, 28))
    assert not too_young(dt.date(2000, 2, 29), dt.date(2016, 3, 1))


# --- no input crashes a parser ---------------------------------------------------------

ODD = st.text(alphabet=st.sampled_from(list("0123456789oO 万千百十一二三四五六七八九零两点.,-~年月日号元¥约到至"
                                            "①²٣᧚\u200b\u200e\u202e\u2066\ufeff\u3000JuneMay of st")), max_size=30)
ANY = st.one_of(st.text(max_size=60), ODD)


@pytest.mark.parametrize("parser", [parse_money, parse_count, parse_date, parse_yes_no, normalise],
                         ids=lambda p: p.__name__)
@given(text=ANY)
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_input_raises_anything_but_parse_error(parser, text: str) -> None:
    try:
        parser(text)
    except ParseError as exc:
        name = parser.__name__
        assert exc.code in PARSER_CODES[name], (name, exc.code)


@given(text=ANY)
@settings(max_examples=300)
def test_is_dont_know_never_raises(text: str) -> None:
    assert is_dont_know(text) in (True, False)


@pytest.mark.parametrize("digits", [4300, 4301, 5000, 20000])
def test_huge_digit_strings_are_parse_errors(digits: int) -> None:
    for parser in (parse_money, parse_count, parse_date):
        with pytest.raises(ParseError):
            parser("1" * digits)


# --- the codes are declared, found by the catalogs' check, and translated ---------------

def test_declared_codes_cover_every_code_the_parsers_raise() -> None:
    from locales import families

    found = families.found_parser_codes()
    for name, declared in PARSER_CODES.items():
        assert found[name] <= set(declared), (name, sorted(found[name] - set(declared)))
    assert families.parser_codes()["parse_money"] >= {"range", "approximate", "ambiguous", "digits"}


NEW_IDS = ["err.money.ambiguous", "err.money.digits", "err.money.range", "err.money.approximate",
           "err.count.ambiguous", "err.count.digits", "err.size.ambiguous", "err.size.digits",
           "err.date.no_day", "err.date.ambiguous", "err.date.digits"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_new_code_has_a_message(lang: str) -> None:
    ids = catalog_ids(lang)
    for msgid in NEW_IDS:
        assert ids.get(msgid, "").strip(), msgid
        assert "{example}" in ids[msgid]
