"""Parsing answers the way people type them: full-width digits, 元/¥/人民币, thousands
separators, Chinese numerals (七百六十五, 一万二) and mixed ones (2万5), dates in
Chinese and English spellings, yes/no with particles (有的, 没有啊), counts in words
(一家三口, three), and "I don't know".

Every parser returns a value or raises :class:`ParseError` with a code (never a
sentence); unparseable or ambiguous input is questioned, never guessed. The codes
each parser can raise are declared in :data:`PARSER_CODES` (the catalogs' check
reads them; a test proves the code raises nothing undeclared).
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rules.dates import parse_date, too_young
from rules.numerals import (CN_DIGIT_OF, MAX_INPUT, ParseError, chinese_number, normalise, refuse_symbols,
                            number_text)

__all__ = ["MAX_INPUT", "MAX_MONEY", "PARSER_CODES", "ParseError", "chinese_number", "is_dont_know",
           "normalise", "parse_count", "parse_date", "parse_money", "parse_yes_no", "too_young"]

MAX_MONEY = Decimal("1000000000")  # one billion yuan: anything above is a typo

PARSER_CODES: dict[str, tuple[str, ...]] = {
    "normalise": ("too_long",),
    "parse_yes_no": ("empty", "invalid", "too_long"),
    "parse_count": ("empty", "invalid", "too_long", "too_small", "too_large", "ambiguous", "digits"),
    "parse_money": ("empty", "invalid", "too_long", "negative", "too_large", "precision", "ambiguous",
                    "digits", "range", "approximate"),
    "parse_date": ("empty", "invalid", "too_long", "no_such_day", "too_early", "future", "no_day",
                   "ambiguous", "digits"),
}

_CURRENCY = re.compile(r"^(?:人民币|rmb|cny|¥|\$)?\s*(.*?)\s*(?:元整|元|圆|块钱|块|rmb|cny|yuan)?$", re.I)
_PER_MONTH = re.compile(r"^(?:每个?月|一个月|月均|per month|monthly)?\s*(.*?)\s*"
                        r"(?:/\s*(?:个)?月|每个?月|一个月|/\s*month|/\s*mo|per month|a month|monthly)?$")
_ARABIC = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_SCALED = re.compile(r"^(\d+(?:\.\d+)?)\s*([万千亿])$")
_APPROX = re.compile(r"^(?:约|大约|大概|差不多|将近|接近|about|around|approx(?:imately)?\.?|roughly|~)"
                     r"|(?:左右|上下|多|余|来|出头|or so|-ish)$")
_RANGE = re.compile(r"[\d一二两三四五六七八九十百千万](?:\s*(?:到|至|~|～|〜|—|–|-|to)\s*)"
                    r"[\d一二两三四五六七八九十百千万]")


def parse_money(text: str | int | Decimal, *, per_month: bool = False) -> Decimal:
    """Yuan as Decimal (≤ 2 decimals, ≥ 0): '765', '¥1,234.50', '七百六十五', '1.2万', '2万5'.
    ``per_month``: the question asks a monthly figure, so '550元/月', '每月550' say it again."""
    if isinstance(text, bool):
        raise ParseError("invalid")
    if isinstance(text, int | Decimal):
        value = Decimal(text)
    else:
        s = number_text(str(text)).lower()
        if not s:
            raise ParseError("empty")
        if len(s) > MAX_INPUT:
            raise ParseError("too_long")
        if per_month:
            s = _PER_MONTH.match(s).group(1).strip()
        s = _CURRENCY.match(s).group(1).strip()
        if _APPROX.search(s):
            raise ParseError("approximate")
        if _RANGE.search(s.lstrip("+-")):
            raise ParseError("range")
        value = _money_value(_CURRENCY.match(s.replace(" ", "")).group(1))
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
        if any(c.isdigit() for c in s):
            return _mixed(s)
        return chinese_number(s)
    except InvalidOperation:
        raise ParseError("invalid") from None


def _mixed(s: str) -> Decimal:
    """Arabic digits with Chinese units: 2万5 (25000), 1万2 (12000), 2万5千, 25万3千, 3千5."""
    for mark, factor in (("亿", 100_000_000), ("万", 10_000)):
        head, sep, rest = s.partition(mark)
        if sep and re.fullmatch(r"\d+(?:\.\d+)?", head):
            base = Decimal(head) * factor
            if not rest:
                return base
            if "." in head:
                raise ParseError("invalid")  # 1.2万5: not a way people write a figure
            if re.fullmatch(r"[1-9]", rest):
                return base + int(rest) * factor // 10  # 2万5 = 25000
            tail = _mixed(rest) if rest.isdigit() or any(c in rest for c in "万亿") else _small(rest)
            if tail >= factor:
                raise ParseError("invalid")
            return base + tail
    return _small(s)


def _small(s: str) -> Decimal:
    """A part below 万 in Arabic digits, or with 千/百/十 units (5千3百, 3千5)."""
    if s.isascii() and s.isdigit():
        return Decimal(s)
    if not re.fullmatch(r"(?:\d[千百十])+\d?", s):
        raise ParseError("invalid")
    return chinese_number("".join(CN_DIGIT_OF.get(c, c) for c in s))


_COUNT_SUFFIX = re.compile(r"(?:套房子?|套住房|套|个人|个|口人|口|人|名|位|间|people|persons?|homes?|houses?"
                           r"|flats?|apartments?)$", re.I)
_FAMILY = re.compile(r"^(?:我们?|我)?(?:家|一家)(?:有|共|一共)?(.+?)口人?$")
_WORDS = {w: n for n, w in enumerate(("zero", "one", "two", "three", "four", "five", "six", "seven",
                                      "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen",
                                      "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"))}
_NONE = {"没有", "无", "没", "没得", "none", "no", "nothing", "nil", "没有房", "无房", "no home", "no homes"}


def parse_count(text: str | int, *, minimum: int = 0, maximum: int = 99) -> int:
    """A whole number of things: '2', '两套', '三口人', '一家三口', '3 people', 'three', '没有'."""
    if isinstance(text, bool):
        raise ParseError("invalid")
    if isinstance(text, int):
        value = text
    else:
        s = number_text(text).lower().rstrip("。.!！")
        if not s:
            raise ParseError("empty")
        if len(s) > MAX_INPUT:
            raise ParseError("too_long")  # also keeps int() below its 4300-digit limit
        value = _count_value(s)
    if value < minimum:
        raise ParseError("too_small")
    if value > maximum:
        raise ParseError("too_large")
    return value


def _count_value(s: str) -> int:
    if s in _NONE:
        return 0
    family = _FAMILY.match(s.replace(" ", ""))
    s = family.group(1) if family else _COUNT_SUFFIX.sub("", s).strip()
    if s in _WORDS:
        return _WORDS[s]
    s = s.replace(" ", "")
    if s.isascii() and s.isdecimal():
        return int(s)
    number = chinese_number(s) if s else None
    if number is None or number != number.to_integral_value():
        raise ParseError("invalid")
    return int(number)


_PARTICLES = "啊呀的啦吧哦呢嘛哈呗喔噢"
_YES = {"是", "是的", "对", "对的", "有", "嗯", "嗯嗯", "好", "好的", "行", "可以", "y", "yes", "yeah", "yep",
        "yup", "sure", "true", "t", "1", "ok", "okay", "是滴", "没错", "对头", "有过", "correct", "right"}
_NO = {"否", "不是", "不对", "不", "没有", "无", "没", "没得", "没有过", "从来没有", "从没有", "还没有", "还没",
       "n", "no", "nope", "nah", "false", "f", "0", "never", "not yet", "no never"}


def parse_yes_no(text: str | bool) -> bool:
    """是/否/对/不是/有/没有/有的/没有啊/yes/no/never/not yet as a bool."""
    if isinstance(text, bool):
        return text
    refuse_symbols(str(text))
    s = normalise(str(text)).lower().rstrip("。.!！~,，")
    if not s:
        raise ParseError("empty")
    if len(s) > MAX_INPUT:
        raise ParseError("too_long")
    for candidate in (s, s.rstrip(_PARTICLES) or s):
        if candidate in _YES:
            return True
        if candidate in _NO:
            return False
    raise ParseError("invalid")


_DONT_KNOW = re.compile(
    r"^(?:我|俺)?(?:也|真|真的|实在)?(?:不(?:太|大|是很)?(?:知道|清楚|确定|晓得|记得|了解|懂)|"
    r"说不(?:清|准|好)|记不(?:清|得|住)了?|忘(?:了|记了)|搞不清|没数|不知)"
    r"|^(?:i\s*)?(?:really\s+)?(?:do\s*n[o'’]?t\s+know|dunno|have\s+no\s+idea)$"
    r"|^(?:i'?m\s+|i\s+am\s+)?(?:not\s+sure|unsure)|^no\s+idea|^idk$|^(?:i\s+)?(?:can'?t|cannot)\s+remember")


def is_dont_know(text: str) -> bool:
    """Whether an answer says "I don't know" (不知道, 不清楚, I don't know, not sure...)."""
    try:
        s = normalise(str(text)).lower()
    except ParseError:
        return False
    s = re.sub(r"[\s。.!！?？~,，…]+$", "", s).rstrip(_PARTICLES)
    return bool(s) and len(s) <= 40 and bool(_DONT_KNOW.search(s))
