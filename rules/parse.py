"""Parsing answers the way people type them: full-width digits, 元/¥, thousands
separators, Chinese numerals (七百六十五, 一万二), dates in four spellings, yes/no.

Every parser returns a value or raises :class:`ParseError` with a code (never a
sentence); unparseable input is rejected, never guessed.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

MAX_MONEY = Decimal("1000000000")  # one billion yuan: anything above is a typo
MAX_INPUT = 200  # characters; longer answers are rejected before parsing


class ParseError(ValueError):
    """An answer that cannot be read; ``code`` is a message id suffix."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise(text: str) -> str:
    """NFKC (full-width to ASCII), control characters dropped, spaces squeezed."""
    if len(text) > MAX_INPUT * 50:
        raise ParseError("too_long")
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch == " ")
    return " ".join(text.split())


_DIGITS = {"零": 0, "〇": 0, "o": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
           "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
           "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_CHARS = set(_DIGITS) | set(_SMALL) | set(_BIG) | {"点"}


def _cn_section(text: str) -> int:
    """A section below 万: 七百六十五, 三千五 (=3500), 十二, 两百五 (=250)."""
    total, digit, last_unit, zero_seen = 0, None, None, False
    for ch in text:
        if ch in "零〇":
            if digit is not None:
                raise ParseError("invalid")
            zero_seen = True
        elif ch in _DIGITS:
            if digit is not None:
                raise ParseError("invalid")
            digit = _DIGITS[ch]
        elif ch in _SMALL:
            unit = _SMALL[ch]
            if last_unit is not None and unit >= last_unit:
                raise ParseError("invalid")
            total += (1 if digit is None else digit) * unit
            digit, last_unit, zero_seen = None, unit, False
        else:
            raise ParseError("invalid")
    if digit is not None:
        if last_unit and last_unit >= 100 and not zero_seen and digit:
            digit *= last_unit // 10  # colloquial ellipsis: 三千五 = 3500
        total += digit
    return total


def chinese_number(text: str) -> Decimal:
    """Read a Chinese numeral (一万二 = 12000, 七百六十五点五 = 765.5)."""
    text = text.strip()
    if not text or not set(text) <= _CN_CHARS:
        raise ParseError("invalid")
    whole, point, frac = text.partition("点")
    if point and not (whole and frac):
        raise ParseError("invalid")  # 点 alone, 一点 ("a little"), 点五: not read as numbers
    total, rest = 0, whole
    for big in sorted(set(_BIG.values()), reverse=True):
        marks = [c for c, v in _BIG.items() if v == big and c in rest]
        if marks:
            head, _, rest = rest.partition(marks[0])
            if not head and total:
                raise ParseError("invalid")  # 亿万: a unit without its digits after another unit
            total += (_cn_section(head) if head else 1) * big
            if rest and rest[0] in _DIGITS and len(rest) == 1 and rest[0] not in "零〇":
                return Decimal(total + _DIGITS[rest[0]] * big // 10)  # 一万二 = 12000
    total += _cn_section(rest) if rest else 0
    if frac:
        if not all(c in _DIGITS for c in frac):
            raise ParseError("invalid")
        return Decimal(f"{total}.{''.join(str(_DIGITS[c]) for c in frac)}")
    return Decimal(total)


_CURRENCY = re.compile(r"^(?:rmb|cny|¥|\$)?\s*(.*?)\s*(?:元整|元|圆|块钱|块|rmb|cny|yuan)?$", re.I)
_ARABIC = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SCALED = re.compile(r"^(\d+(?:\.\d+)?)\s*([万千亿])$")


def parse_money(text: str | int | Decimal) -> Decimal:
    """Yuan as Decimal (≤ 2 decimals, ≥ 0): '765', '¥1,234.50', '七百六十五', '1.2万'."""
    if isinstance(text, bool):
        raise ParseError("invalid")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        s = normalise(str(text)).lower()
        if not s:
            raise ParseError("empty")
        if len(s) > MAX_INPUT:
            raise ParseError("too_long")
        s = _CURRENCY.match(s).group(1).replace(" ", "")
        value = _money_value(s)
    if not value.is_finite():
        raise ParseError("invalid")
    if value < 0:
        raise ParseError("negative")
    if value > MAX_MONEY:
        raise ParseError("too_large")
    if value != value.quantize(Decimal("0.01")):
        raise ParseError("precision")
    value = value.quantize(Decimal("0.01"))
    return value.copy_abs() if value.is_zero() else value  # "-0" is 0.00, never -0.00


def _money_value(s: str) -> Decimal:
    try:
        if _ARABIC.match(s):
            return Decimal(s.replace(",", ""))
        scaled = _SCALED.match(s)
        if scaled:
            factor = {"万": 10_000, "千": 1000, "亿": 100_000_000}[scaled.group(2)]
            return Decimal(scaled.group(1)) * factor
        return chinese_number(s)
    except InvalidOperation:
        raise ParseError("invalid") from None


_COUNT_SUFFIX = re.compile(r"(?:套房|套|个人|个|口人|口|人|名|位|间)$")


def parse_count(text: str | int, *, minimum: int = 0, maximum: int = 99) -> int:
    """A whole number of things: '2', '两套', '三口人'."""
    if isinstance(text, bool):
        raise ParseError("invalid")
    if isinstance(text, int):
        value = text
    else:
        s = normalise(text)
        if not s:
            raise ParseError("empty")
        if len(s) > MAX_INPUT:
            raise ParseError("too_long")  # also keeps int() below its 4300-digit limit
        s = _COUNT_SUFFIX.sub("", s.replace(" ", ""))
        if s.isdecimal():  # isdigit() would admit characters int() cannot read (᧚)
            value = int(s)
        else:
            number = chinese_number(s) if s else None
            if number is None or number != number.to_integral_value():
                raise ParseError("invalid")
            value = int(number)
    if value < minimum:
        raise ParseError("too_small")
    if value > maximum:
        raise ParseError("too_large")
    return value


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_CN_YEAR_DIGITS = str.maketrans({c: str(v) for c, v in _DIGITS.items()})


def _cn_date(s: str) -> str:
    """一九七五年六月一日 -> 1975年6月1日."""
    m = re.match(r"^([零〇一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})[日号]?$", s)
    if not m:
        return s
    return f"{m.group(1).translate(_CN_YEAR_DIGITS)}年{_cn_section(m.group(2))}月{_cn_section(m.group(3))}日"


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """A calendar date: 1975-06-01, 1975年6月1日, 1975/6/1, 19750601; not after ``today``."""
    s = normalise(str(text)).replace(" ", "")
    if not s:
        raise ParseError("empty")
    if len(s) > MAX_INPUT:
        raise ParseError("too_long")
    s = _cn_date(s)
    for pattern in _DATE_PATTERNS:
        m = pattern.match(s)
        if m:
            try:
                value = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ParseError("no_such_day") from None
            if value.year < 1900:
                raise ParseError("too_early")
            if today is not None and value > today:
                raise ParseError("future")
            return value
    raise ParseError("invalid")


_YES = {"是", "是的", "对", "对的", "有", "嗯", "好", "y", "yes", "yeah", "yep", "true", "t", "1", "ok", "是滴", "没错"}
_NO = {"否", "不是", "不对", "不", "没有", "无", "没", "n", "no", "nope", "false", "f", "0", "不是的", "没有的"}


def parse_yes_no(text: str | bool) -> bool:
    """是/否/对/不是/有/没有/yes/no/y/n as a bool."""
    if isinstance(text, bool):
        return text
    s = normalise(str(text)).lower().rstrip("。.!！~")
    if not s:
        raise ParseError("empty")
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise ParseError("invalid")
