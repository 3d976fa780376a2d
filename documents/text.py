"""The documents' words and formats: the catalog (tables/text.yaml), dates, money,
tick boxes and option labels from the edition's enumerations.

zh_CN is the document language; ``lang="en"`` gives the English rendering.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from rules.edition import Edition
from rules.form_checks import enumeration
from rules.form_edition import Enumeration

TICKED, EMPTY = "☑", "□"
CENT = Decimal("0.01")


@lru_cache(maxsize=4)
def load_data(name: str) -> dict[str, Any]:
    """A YAML file shipped in documents/tables."""
    return yaml.safe_load(files("documents").joinpath("tables", name).read_text(encoding="utf-8"))


def pick(pair: list[str], lang: str) -> str:
    """The zh_CN or en member of a ``[zh_CN, en]`` pair."""
    return pair[0] if lang.lower().startswith("zh") else pair[1]


def t(section: str, key: str, lang: str = "zh_CN", **values: Any) -> str:
    """Catalog text ``section.key`` in ``lang``, formatted with ``values``."""
    text = pick(load_data("text.yaml")[section][key], lang)
    return text.format(**values) if values else text


def field_label(name: str, lang: str = "zh_CN", edition: Edition | None = None, *, star: bool = False) -> str:
    """A form field's label; ``star`` marks it * when the edition requires it (附件1: the
    applicant's and staff's required fields, and the first of each one-of group)."""
    label = t("fields", name, lang)
    if star and edition is not None:
        req = edition.form.required
        if name in set(req.applicant) | set(req.staff) | {group[0] for group in req.one_of}:
            return "*" + label
    return label


def money(value: Decimal | None) -> str:
    """Yuan to 0.01, rounded half up; '' when missing."""
    if value is None:
        return ""
    return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def date(value: dt.date | None, lang: str = "zh_CN") -> str:
    """2016年10月10日 (or 2016-10-10); '' when missing."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日" if lang.startswith("zh") else value.isoformat()


def month(value: dt.date | None, lang: str = "zh_CN") -> str:
    """1975年6月 (or 1975-06); '' when missing."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月" if lang.startswith("zh") else f"{value.year}-{value.month:02d}"


def enum(name: str, edition: Edition) -> Enumeration:
    """The edition's enumeration ``name`` (worker types included)."""
    return enumeration(name, edition)


def label(name: str, key: str | None, edition: Edition, lang: str = "zh_CN") -> str:
    """The label of option ``key`` of enumeration ``name``; '' when missing."""
    if key is None or key == "":
        return ""
    return enum(name, edition).label(key, lang)


def box(ticked: bool) -> str:
    """☑ or □."""
    return TICKED if ticked else EMPTY


def boxes(name: str, chosen: str | list[str] | None, edition: Edition, lang: str = "zh_CN",
          sep: str = " ", numbered: bool = False, keys: list[str] | None = None) -> str:
    """Every option of enumeration ``name`` with its box, the chosen ones ticked."""
    picked = set(chosen or []) if isinstance(chosen, list) else {chosen}
    options = enum(name, edition)
    parts = []
    for i, key in enumerate(keys or options.keys(), 1):
        prefix = f"{i}." if numbered else ""
        parts.append(f"{box(key in picked)}{prefix}{options.label(key, lang)}")
    return sep.join(parts)


def yes_no(value: bool | None, lang: str = "zh_CN") -> str:
    """☑是 □否 (nothing ticked when missing)."""
    return f"{box(value is True)}{t('words', 'answer_yes', lang)} {box(value is False)}{t('words', 'answer_no', lang)}"


def mask_card(number: str | None, full: bool = False) -> str:
    """A bank card number masked to its last 4 digits unless ``full``."""
    if not number:
        return ""
    if full or len(number) <= 4:
        return number
    return "*" * (len(number) - 4) + number[-4:]
