"""Gettext catalogs (babel): zh_CN, the default, and en.

Message ids are symbolic (``ask.union_member``); each language's ``messages.po``
holds the sentence. Catalogs are read from the .po files with babel and compiled
in memory, so a fresh clone needs no build step. Dates, weekdays, numbers and
amounts are formatted by babel for the locale, with patterns from the catalogs.
"""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES_DIR = Path(__file__).parent
LANGUAGES = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"


def N_(msgid: str) -> str:
    """Mark a message id for extraction without translating it."""
    return msgid


def normalise_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """zh, zh-hans, zh_CN -> zh_CN; en-US -> en; anything else -> ``default``."""
    if not code:
        return default
    low = code.replace("-", "_").lower()
    if low.startswith("zh"):
        return "zh_CN"
    if low.startswith("en"):
        return "en"
    return default


def catalog_path(lang: str) -> Path:
    """The .po file of ``lang``."""
    return LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po"


@lru_cache(maxsize=None)
def _translations(lang: str) -> Translations:
    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


class Translator:
    """Sentences and formats for one language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        self.locale = Locale.parse(self.lang)
        self._t = _translations(self.lang)

    def gettext(self, msgid: str) -> str:
        """The sentence for ``msgid`` (the id itself when missing, which a test forbids)."""
        return self._t.gettext(msgid)

    def __call__(self, msgid: str, **params: Any) -> str:
        """Translate and fill ``{name}`` placeholders (values are formatted first). With a
        count ``n``, the language's plural form (CLDR rules, through babel) picks the
        sentence ``<msgid>.<form>`` where the catalog has one ("1 question")."""
        text = self.gettext(self.plural_id(msgid, params.get("n")))
        return text.format(**{k: self.value(v) for k, v in params.items()}) if params else text

    def plural_id(self, msgid: str, n: Any) -> str:
        """``<msgid>.one`` (or another CLDR form) where the catalog has it for ``n``."""
        if not isinstance(n, int) or isinstance(n, bool):
            return msgid
        variant = f"{msgid}.{self.locale.plural_form(n)}"
        return variant if self.gettext(variant) != variant else msgid

    def value(self, v: Any) -> str:
        """Format one placeholder value for the locale."""
        if isinstance(v, bool) or v is None:
            return str(v)
        if isinstance(v, Decimal):
            return self.money(v)
        if isinstance(v, dt.date):
            return self.short_date(v)
        if isinstance(v, int):
            return format_decimal(v, locale=self.locale)
        return str(v)

    def money(self, amount: Decimal) -> str:
        """An amount in yuan: 1,234.50 元 / ¥1,234.50."""
        number = format_decimal(amount, format="#,##0.00", locale=self.locale)
        return self.gettext("fmt.money").format(amount=number)

    def date(self, day: dt.date) -> str:
        """A date with its weekday: 2016年11月8日 星期二 / Tuesday, 8 November 2016."""
        return format_date(day, self.gettext("fmt.date_weekday"), locale=self.locale)

    def short_date(self, day: dt.date) -> str:
        """A date without weekday."""
        return format_date(day, self.gettext("fmt.date"), locale=self.locale)


@lru_cache(maxsize=None)
def translator(lang: str) -> Translator:
    """The shared translator of ``lang``."""
    return Translator(lang)


def catalog_ids(lang: str) -> dict[str, str]:
    """Every msgid of ``lang`` with its msgstr (for completeness tests)."""
    with catalog_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return {m.id: m.string for m in catalog if m.id}
