"""Bilingual text of the edition data: the policy's Chinese and an English rendering.

Every label, material item, disease and form option is (or extends) :class:`Text`,
so there is one way to pick the language."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Text(BaseModel):
    """A bilingual label: the policy's Chinese and an English rendering."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    zh_CN: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The label in ``lang`` (zh_CN for anything Chinese, else en)."""
        return pick_language(self.zh_CN, self.en, lang)


def pick_language(zh_cn: str, en: str, lang: str) -> str:
    """``zh_cn`` for any Chinese language code, else ``en``."""
    return zh_cn if lang.lower().startswith("zh") else en
