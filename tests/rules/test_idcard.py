"""Resident ID numbers (GB 11643-1999) as properties.

The check character is computed here independently of rules.idcard: weight
w_i = 2^(17-i) mod 11 for the 17 body digits, character "10X98765432"[sum mod 11].
Since 11 is prime and no weight is 0 mod 11, changing one body digit by d (1..9)
changes the sum by w_i·d ≠ 0 mod 11, so every single substitution is caught; and
w_i = 2·w_(i+1) mod 11, so every swap of two different adjacent body digits is too.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from rules.idcard import check_digit, parse_id_number
from rules.parse import ParseError

TODAY = dt.date(2016, 10, 15)
WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
CHECK_CHARS = "10X98765432"
ID_CHARS = "0123456789X"
ASCII_ID = re.compile(r"^[0-9]{17}[0-9X]$")


def reference_check(body: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(body, WEIGHTS)) % 11]


addresses = st.text(alphabet="0123456789", min_size=6, max_size=6)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.text(alphabet="0123456789", min_size=3, max_size=3)


@st.composite
def valid_ids(draw) -> tuple[str, dt.date, str]:
    body = draw(addresses) + draw(births).strftime("%Y%m%d") + draw(sequences)
    return body + reference_check(body), dt.date(int(body[6:10]), int(body[10:12]), int(body[12:14])), \
        "male" if int(body[16]) % 2 else "female"


def test_reference_weights_are_the_standard_ones():
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    assert reference_check("36010219750601001") == "4"
    assert reference_check("11010519491231002") == "X"  # the example of GB 11643


@given(valid_ids())
@settings(max_examples=400)
def test_every_body_with_its_check_digit_and_a_real_birth_date_validates(case):
    number, born, sex = case
    assert check_digit(number[:17]) == number[17]
    ident = parse_id_number(number, today=TODAY)
    assert (ident.number, ident.birth_date, ident.sex) == (number, born, sex)
    assert ident.masked() == number[:4] + "*" * 10 + number[14:]


@given(valid_ids(), st.integers(min_value=0, max_value=17), st.sampled_from(ID_CHARS))
@settings(max_examples=1000)
def test_every_single_substitution_is_rejected(case, position, char):
    number = case[0]
    assume(number[position] != char)
    changed = number[:position] + char + number[position + 1:]
    with pytest.raises(ParseError):
        parse_id_number(changed, today=TODAY)


@pytest.mark.parametrize("number", ["360102197506010014", "36010219660520002X", "11010519491231002X"])
def test_every_single_substitution_of_some_numbers_is_rejected_exhaustively(number: str):
    parse_id_number(number, today=TODAY)
    for position in range(18):
        for char in ID_CHARS:
            if char != number[position]:
                changed = number[:position] + char + number[position + 1:]
                with pytest.raises(ParseError):
                    parse_id_number(changed, today=TODAY)


@given(valid_ids(), st.integers(min_value=0, max_value=15))
@settings(max_examples=500)
def test_every_adjacent_transposition_in_the_body_is_rejected(case, position):
    number = case[0]
    assume(number[position] != number[position + 1])
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2:]
    with pytest.raises(ParseError):
        parse_id_number(swapped, today=TODAY)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


@given(valid_ids())
@settings(max_examples=300)
def test_full_width_digits_and_lower_case_x_are_normalised(case):
    number = case[0]
    for typed in (_full_width(number), number.lower(), _full_width(number.lower()),
                  f" {number[:6]} {number[6:14]} {number[14:]} "):
        assert parse_id_number(typed, today=TODAY).number == number


def test_lower_case_x_example():
    assert parse_id_number("36010219660520002x").number == "36010219660520002X"
    assert parse_id_number("36010219660520002x").sex == "female"


@pytest.mark.parametrize(("text", "code"), [
    ("", "empty"), ("   ", "empty"), ("36010219750601001", "length"), ("3601021975060100144", "length"),
    ("36010219750601001A", "characters"), ("X60102197506010014", "characters"),
    ("360102199902300012", "birth_date"), ("360102189912310012", "birth_date"),
    ("360102197506010015", "check_digit"),
])
def test_bad_numbers_have_codes(text: str, code: str):
    with pytest.raises(ParseError) as info:
        parse_id_number(text, today=TODAY)
    assert info.value.code == code


def test_a_birth_date_after_today_is_rejected_and_today_is_not():
    with pytest.raises(ParseError) as info:
        parse_id_number("360102201610160011", today=TODAY)
    assert info.value.code == "birth_date"
    assert parse_id_number("360102201610150024", today=TODAY).birth_date == TODAY


def test_digits_of_other_scripts_are_not_an_id_number():
    arabic_indic = "".join(chr(0x660 + int(c)) for c in "36010219750601001") + "4"
    with pytest.raises(ParseError):
        parse_id_number(arabic_indic, today=TODAY)


@given(st.text(max_size=60))
@example("")
@example("\x00" * 18)
@example("3" * 100_000)
@example("💳" * 18)
@example("360102197506010014'; DROP TABLE sessions;--")
@example("٣٦٠١٠٢١٩٧٥٠٦٠١٠٠١4")
@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_is_a_valid_number_or_a_parse_error(text: str):
    valid_or_parse_error(text)


def valid_or_parse_error(text: str) -> None:
    try:
        ident = parse_id_number(text, today=TODAY)
    except ParseError:
        return
    assert ASCII_ID.match(ident.number)
    assert reference_check(ident.number[:17]) == ident.number[17]


@given(st.text(alphabet="0123456789Xx０１２３４５６７８９ｘＸ -", min_size=15, max_size=22))
@settings(max_examples=500)
def test_id_like_text_is_a_valid_number_or_a_parse_error(text: str):
    valid_or_parse_error(text)
