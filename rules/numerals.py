"""The ground floor of parsing: the error, text normalisation and Chinese numerals.

:func:`normalise` makes full-width text ASCII and drops invisible characters;
:func:`number_text` does the same for an answer that holds a number, but questions
(``ambiguous``) spaces, invisible marks or the letter o between its digits, and
refuses (``digits``) characters Python calls digits that are not plain ones
(① ² ٣). :func:`chinese_number` reads 七百六十五, 一万二.
"""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

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


def refuse_symbols(text: str) -> None:
    """ParseError ``invalid`` for a symbol that NFKC would read as a letter, digit or
    ideograph (Ⓨ as y, 🈶 as 有, the radical ⼀ as 一, № as No): an answer is never read
    from one, as ① is never read as 1."""
    if any(unicodedata.category(ch) == "So" and unicodedata.normalize("NFKC", ch) != ch for ch in text):
        raise ParseError("invalid")


_INVISIBLE = "\x00"  # what an invisible character becomes while looking for it between digits
_GAP_IN_NUMBER = re.compile(rf"\d[ {_INVISIBLE}]+\d|\d[oO]|[oO]\d")


def number_text(text: str, *, spaces: bool = False) -> str:
    """``text`` normalised for a number parser. Raises ``digits`` for digit-like
    characters that are not plain digits (①, ², Arabic-Indic), ``ambiguous`` for an
    invisible mark, the letter o, or (unless ``spaces``) a space between digits."""
    if len(text) > MAX_INPUT * 50:
        raise ParseError("too_long")
    if any(ch.isdigit() and not ("0" <= unicodedata.normalize("NFKC", ch) <= "9") for ch in text):
        raise ParseError("digits")
    if any(ch.isdigit() and not ch.isdecimal() for ch in text):
        raise ParseError("digits")  # ① and ² become 1 and 2 under NFKC: never read them
    refuse_symbols(text)
    marked = "".join(_INVISIBLE if unicodedata.category(ch)[0] == "C" and ch not in " \t\n" else ch
                     for ch in unicodedata.normalize("NFKC", text))
    marked = " ".join(marked.split())
    gap = _GAP_IN_NUMBER.search(marked)
    if gap and (_INVISIBLE in gap.group() or "o" in gap.group().lower() or not spaces):
        raise ParseError("ambiguous")
    return normalise(text)


_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2,
           "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
           "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_CHARS = set(_DIGITS) | set(_SMALL) | set(_BIG) | {"点"}
CN_DIGIT_OF = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


def cn_section(text: str) -> int:
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
            total += (cn_section(head) if head else 1) * big
            if rest and rest[0] in _DIGITS and len(rest) == 1 and rest[0] not in "零〇":
                return Decimal(total + _DIGITS[rest[0]] * big // 10)  # 一万二 = 12000
    total += cn_section(rest) if rest else 0
    if frac:
        if not all(c in _DIGITS for c in frac):
            raise ParseError("invalid")
        return Decimal(f"{total}.{''.join(str(_DIGITS[c]) for c in frac)}")
    return Decimal(total)
