"""Parsing answers the way people type them, as properties and tables.

Money is always a Decimal with two places (never a float), whatever the text; dates
come in four spellings; yes/no words; and nasty input (empty, 100,000 characters,
control characters, emoji, SQL-looking text) is a ParseError, never another
exception.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from rules.parse import ParseError, chinese_number, parse_count, parse_date, parse_money, parse_yes_no

PARSERS = (parse_money, parse_count, parse_date, parse_yes_no)
CENT = Decimal("0.01")
MONEY_ALPHABET = "0123456789.,-+ ¥$元整块钱rmbcnyuan万千百十拾佰仟零〇一二两三四五六七八九壹贰叁点亿"
NASTY = [
    "", " ", "\t\n\r", "\x00", "\x00\x01\x7f", "\x1b[31m765", "\ufeff", "\u200b\u200d",
    "a" * 100_000, "7" * 100_000, "七" * 100_000, "7" * 5_000, "七" * 5_000, "9" * 201,
    "💰", "💰💰💰", "765💰元", "🙂 yes",
    "765'; DROP TABLE facts;--", "' OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x}",
    "NaN", "Infinity", "-Infinity", "1e400", "null", "None", "[]", "{}", "765.0.0", "--765",
    "7,65", "1,2345", "点", "一点", "亿万", "十十", "一万万", "万亿", "半",
]


def test_invisible_characters_around_an_answer_are_dropped():
    # parse.normalise drops control and format characters (a pasted NUL, an RTL or
    # zero-width mark); what remains is read as usual, and nothing left is an error.
    assert parse_money("\x00765\u200b") == Decimal("765.00")
    assert parse_money("\u202e765") == Decimal("765.00")
    assert parse_yes_no("\ufeff是") is True
    for parser in PARSERS:
        with pytest.raises(ParseError):
            parser("\x00\u200b\u202e")


def test_negative_zero_money_is_zero():
    for text in ("-0", "-0.00", "+0"):
        assert str(parse_money(text)) == "0.00"
    assert str(parse_money(Decimal("-0"))) == "0.00"


def money_ok(value: object) -> None:
    assert isinstance(value, Decimal) and not isinstance(value, float)
    assert value.is_finite() and value >= 0 and not value.is_signed()
    assert value.as_tuple().exponent == -2, value  # exactly two places


# --- money -------------------------------------------------------------------------------

@given(st.text(max_size=300))
@example("-0")
@example("-0.00")
@example("0.001")
@settings(max_examples=1500, suppress_health_check=[HealthCheck.too_slow])
def test_money_from_any_text_is_a_two_place_decimal_or_a_parse_error(text: str):
    try:
        value = parse_money(text)
    except ParseError:
        return
    money_ok(value)


@given(st.text(alphabet=MONEY_ALPHABET, max_size=20))
@settings(max_examples=3000)
def test_money_from_money_like_text_is_a_two_place_decimal_or_a_parse_error(text: str):
    try:
        value = parse_money(text)
    except ParseError:
        return
    money_ok(value)


@given(st.one_of(st.integers(), st.decimals(allow_nan=True, allow_infinity=True)))
@settings(max_examples=500)
def test_money_from_numbers_is_a_two_place_decimal_or_a_parse_error(number):
    try:
        value = parse_money(number)
    except ParseError:
        return
    money_ok(value)
    assert value == number


@given(st.decimals(min_value=0, max_value=999_999_999, places=2, allow_nan=False, allow_infinity=False))
@settings(max_examples=500)
def test_money_round_trips_in_the_usual_spellings(amount: Decimal):
    plain = f"{amount:.2f}"
    grouped = f"{amount:,.2f}"
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in plain)
    for text in (plain, grouped, f"¥{grouped}", f"{plain}元", f" {plain} 元 ", full_width, f"RMB {plain}"):
        assert parse_money(text) == amount, text


@pytest.mark.parametrize(("text", "value"), [
    ("七百六十五", "765"), ("一万二", "12000"), ("三千五", "3500"), ("一万零二", "10002"),
    ("两百五", "250"), ("十二", "12"), ("九千一百八十", "9180"), ("二万七千五百四十", "27540"),
    ("七百六十五点五", "765.5"), ("壹万贰仟", "12000"), ("一千零五", "1005"), ("一百零一", "101"),
    ("两千八百二十元", "2820"), ("1.2万", "12000"), ("3千", "3000"), ("765元", "765"),
    ("¥1,234.50", "1234.5"), ("９１８０", "9180"), ("9180.36", "9180.36"), ("0", "0"),
])
def test_money_words(text: str, value: str):
    result = parse_money(text)
    money_ok(result)
    assert result == Decimal(value)


@pytest.mark.parametrize(("text", "value"), [
    ("七百六十五", 765), ("一万二", 12000), ("三千五", 3500), ("一万零二", 10002), ("十", 10),
])
def test_chinese_numerals(text: str, value: int):
    assert chinese_number(text) == value


@pytest.mark.parametrize(("text", "code"), [
    ("-1", "negative"), ("-0.01", "negative"), ("765.005", "precision"), ("abc", "invalid"),
    ("", "empty"), ("2000000000", "too_large"),
])
def test_money_errors_have_codes(text: str, code: str):
    with pytest.raises(ParseError) as info:
        parse_money(text)
    assert info.value.code == code


def test_money_rejects_bool():
    with pytest.raises(ParseError):
        parse_money(True)  # type: ignore[arg-type]


# --- counts ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("2", 2), ("两套", 2), ("三口人", 3), ("1套", 1), ("７", 7), ("十二", 12), ("0", 0), (5, 5),
])
def test_counts(text, value: int):
    assert parse_count(text) == value


@given(st.text(max_size=50))
@example("᧚")  # a digit character (isdigit) that int() cannot read
@example("²")
@settings(max_examples=1000)
def test_count_from_any_text_is_an_int_or_a_parse_error(text: str):
    try:
        value = parse_count(text, minimum=0, maximum=99)
    except ParseError:
        return
    assert type(value) is int and 0 <= value <= 99


# --- dates -------------------------------------------------------------------------------

@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2016, 10, 15)))
@settings(max_examples=500)
def test_dates_in_the_four_spellings(day: dt.date):
    for text in (day.isoformat(), f"{day.year}年{day.month}月{day.day}日", f"{day.year}/{day.month}/{day.day}",
                 day.strftime("%Y%m%d"), f"{day.year}.{day.month:02d}.{day.day:02d}",
                 f"{day.year}年{day.month}月{day.day}号"):
        assert parse_date(text, today=dt.date(2016, 10, 15)) == day, text


@pytest.mark.parametrize(("text", "value"), [
    ("1975-06-01", dt.date(1975, 6, 1)), ("1975年6月1日", dt.date(1975, 6, 1)),
    ("1975/6/1", dt.date(1975, 6, 1)), ("19750601", dt.date(1975, 6, 1)),
    ("一九七五年六月一日", dt.date(1975, 6, 1)), ("一九六六年十二月三十一日", dt.date(1966, 12, 31)),
    ("１９７５－０６－０１", dt.date(1975, 6, 1)),
])
def test_date_examples(text: str, value: dt.date):
    assert parse_date(text) == value


@pytest.mark.parametrize(("text", "code"), [
    ("1975-02-30", "no_such_day"), ("2017-01-01", "future"), ("1899-12-31", "too_early"),
    ("yesterday", "invalid"), ("", "empty"),
])
def test_date_errors_have_codes(text: str, code: str):
    with pytest.raises(ParseError) as info:
        parse_date(text, today=dt.date(2016, 10, 15))
    assert info.value.code == code


@given(st.text(max_size=50))
@settings(max_examples=1000)
def test_date_from_any_text_is_a_date_or_a_parse_error(text: str):
    try:
        value = parse_date(text, today=dt.date(2016, 10, 15))
    except ParseError:
        return
    assert isinstance(value, dt.date) and dt.date(1900, 1, 1) <= value <= dt.date(2016, 10, 15)


# --- yes / no ----------------------------------------------------------------------------

@pytest.mark.parametrize("word", ["是", "是的", "对", "有", "yes", "Y", "YES", "true", "1", "是。", "  是 "])
def test_yes_words(word: str):
    assert parse_yes_no(word) is True


@pytest.mark.parametrize("word", ["否", "不是", "没有", "无", "no", "N", "No!", "false", "0", "不"])
def test_no_words(word: str):
    assert parse_yes_no(word) is False


@given(st.text(max_size=50))
@settings(max_examples=1000)
def test_yes_no_from_any_text_is_a_bool_or_a_parse_error(text: str):
    try:
        value = parse_yes_no(text)
    except ParseError:
        return
    assert type(value) is bool


# --- nasty input -------------------------------------------------------------------------

@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("text", NASTY, ids=lambda t: repr(t[:20]) + (f"…({len(t)})" if len(t) > 20 else ""))
def test_nasty_input_is_a_parse_error(parser, text: str):
    if (parser, text) == (parse_count, "None"):
        assert parser(text) == 0  # "none" is a real answer to "how many homes?"
        return
    with pytest.raises(ParseError):
        parser(text)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@pytest.mark.parametrize("text", ["🈶", "🈚", "Ⓨ", "ⓝ", "№", "⼀", "⼗", "🈔", "有🈶"])
def test_a_symbol_is_never_read_as_the_letter_or_ideograph_it_contains(parser, text: str):
    """NFKC reads 🈶 as 有 (yes), 🈚 and the radical ⽆ as 无 (no, none), Ⓨ as y, ⼗ as 十: a
    person who sent such a symbol did not type that answer (hypothesis found 🈶 taken as yes)."""
    with pytest.raises(ParseError):
        parser(text)


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: p.__name__)
@given(text=st.text(alphabet=st.characters(categories=("Cc", "Cf", "Co", "Cs", "So", "Zs")), max_size=40))
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_control_format_and_symbol_characters_are_a_parse_error(parser, text: str):
    with pytest.raises(ParseError):
        parser(text)


@pytest.mark.parametrize("text", ["550元/月", "每月550元", "550/月", "550 元 / 月", "每个月550", "550元每月",
                                  "５５０元／月", "550 per month", "¥550/month", "550"])
def test_a_monthly_figure_may_say_per_month(text: str):
    assert parse_money(text, per_month=True) == Decimal("550.00")


@pytest.mark.parametrize("text", ["550元/月", "每月550元", "550 per month"])
def test_a_yearly_figure_given_per_month_is_not_read_as_the_year(text: str):
    with pytest.raises(ParseError):
        parse_money(text)


def test_the_local_dibao_line_question_takes_a_per_month_answer():
    from dialogs.questions import read_answer
    from dialogs.types import Text
    from rules import load_edition

    ed = load_edition()
    assert read_answer("residence_dibao_line", Text("550元/月"), ed, dt.date(2016, 10, 15)) == \
        ("residence_dibao_line", "550.00")
    with pytest.raises(ParseError):
        read_answer("household_annual_income", Text("2100元/月"), ed, dt.date(2016, 10, 15))
