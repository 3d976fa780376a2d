"""The registration form's edition data (附件1 登记表, 填表说明 1–23): enumerations,
limits and required fields, validated when the edition loads.

Every enumeration maps stable ASCII keys to bilingual options. :meth:`Enumeration.match`
reads what a person types: the key, either label, a label without its trailing
parenthesis, or an alias, case-insensitive and full-width tolerant. Two options that
could be read from the same spelling are a load error, so matching never guesses.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from rules.parse import normalise
from rules.text import Text

_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
_TRAILING_NOTE = re.compile(r"\s*\([^()]*\)$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def spelling(text: str) -> str:
    """The comparable form of a typed answer or label: NFKC, casefolded, spaces squeezed."""
    return normalise(text).casefold()


class Option(Text):
    """One choice: the policy's Chinese, an English rendering, and how it behaves."""

    aliases: list[str] = []
    requires: str | None = None
    exclusive: bool = False

    def spellings(self) -> set[str]:
        """Every comparable spelling that reads as this option."""
        labels = {self.zh_CN, self.en, *self.aliases}
        labels |= {_TRAILING_NOTE.sub("", spelling(t)) for t in (self.zh_CN, self.en)}
        return {spelling(t) for t in labels} - {""}


class ContractBand(Option):
    """A contract-duration band of 填表说明 1, in whole months (max None = open)."""

    min_months: int = Field(ge=1)
    max_months: int | None = None


class DisabilityCategory(Option):
    """A graded disability category: its type and grade (1 = most severe)."""

    type: str
    grade: int = Field(ge=1, le=4)


class Cause(Option):
    """A hardship cause and its group in the statistics table (7号 附件2 B2)."""

    group: str


O = TypeVar("O", bound=Option)


class Enumeration(_Strict, Generic[O]):
    """A list of options with its clause reference and a short description."""

    reference: str
    description: str
    options: dict[str, O]
    _lookup: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _unambiguous(self) -> Enumeration:
        if not self.options:
            raise ValueError("an enumeration needs options")
        lookup: dict[str, str] = {}
        for key, option in self.options.items():
            if not _KEY.match(key):
                raise ValueError(f"option key {key!r} is not a lower-case ASCII identifier")
            for text in option.spellings() | {key}:
                if lookup.setdefault(text, key) != key:
                    raise ValueError(f"{text!r} reads as both {lookup[text]!r} and {key!r}")
        self._lookup = lookup
        return self

    def __contains__(self, key: object) -> bool:
        return key in self.options

    def keys(self) -> list[str]:
        """The option keys in the policy's order."""
        return list(self.options)

    def match(self, raw: str) -> str | None:
        """The key of the option ``raw`` spells, or None."""
        return self._lookup.get(spelling(raw))

    def label(self, key: str, lang: str) -> str:
        """The label of option ``key`` in ``lang``."""
        return self.options[key].get(lang)


class FormEnumerations(_Strict):
    """Every enumeration of the form (填表说明 1–23, 附件1, 7号 附件1 and 附件2)."""

    contract_bands: Enumeration[ContractBand]
    political_status: Enumeration[Option]
    health_status: Enumeration[Option]
    disability_types: Enumeration[Option]
    disability_categories: Enumeration[DisabilityCategory]
    work_status: Enumeration[Option]
    model_worker: Enumeration[Option]
    housing_type: Enumeration[Option]
    floor_area: Enumeration[Option]
    industry: Enumeration[Option]
    marital_status: Enumeration[Option]
    hukou: Enumeration[Option]
    unit_nature: Enumeration[Option]
    enterprise_status: Enumeration[Option]
    medical_insurance: Enumeration[Option]
    relation: Enumeration[Option]
    member_identity: Enumeration[Option]
    sex: Enumeration[Option]
    hardship_category: Enumeration[Option]
    cause_groups: Enumeration[Option]
    secondary_causes: Enumeration[Cause]
    primary_causes: Enumeration[Cause]
    medical_aid: Enumeration[Option]
    attachments: Enumeration[Option]
    key_groups: Enumeration[Option]
    measures: Enumeration[Option]
    plans: Enumeration[Option]

    @model_validator(mode="after")
    def _consistent(self) -> FormEnumerations:
        previous = 0
        for key, band in self.contract_bands.options.items():
            if band.min_months != previous + 1:
                raise ValueError(f"contract band {key!r} does not start where the last one ended")
            previous = band.max_months if band.max_months is not None else -1
        if previous != -1:
            raise ValueError("the last contract band must be open-ended")
        for key, cat in self.disability_categories.options.items():
            if cat.type not in self.disability_types:
                raise ValueError(f"disability category {key!r}: unknown type {cat.type!r}")
        for causes in (self.primary_causes, self.secondary_causes):
            for key, cause in causes.options.items():
                if cause.group not in self.cause_groups:
                    raise ValueError(f"cause {key!r}: unknown group {cause.group!r}")
        if not set(self.secondary_causes.options) <= set(self.primary_causes.options):
            raise ValueError("every secondary cause must also be a primary cause")
        return self

    def items(self) -> Iterator[tuple[str, Enumeration]]:
        """(name, enumeration) pairs."""
        for name in type(self).model_fields:
            yield name, getattr(self, name)


class Limit(_Strict):
    """A number of the form's rules, with its clause."""

    value: int
    reference: str
    description: str


class FormLimits(_Strict):
    """The form's numeric limits (填表说明 1, 3, 9, 19, 21; 次要致困原因 0–3)."""

    id_number_length: Limit
    bank_card_min_digits: Limit
    bank_card_max_digits: Limit
    home_visit_signers_min: Limit
    secondary_causes_max: Limit
    contract_min_years_before_form: Limit
    contract_max_months: Limit
    mobile_digits: Limit
    mobile_first_digit: Limit
    postcode_digits: Limit
    members_max: Limit
    text_max_chars: Limit
    long_text_max_chars: Limit


class FormRequired(_Strict):
    """Required fields by stage, and groups of which one field must be filled."""

    reference: str
    description: str
    applicant: list[str]
    member: list[str]
    migrant: list[str]
    relief_target: list[str]
    staff: list[str]
    one_of: list[list[str]]


class FormSpec(_Strict):
    """The registration form as edition data."""

    reference: str
    description: str
    enumerations: FormEnumerations
    limits: FormLimits
    required: FormRequired

    def limit(self, name: str) -> int:
        """The value of limit ``name``."""
        return getattr(self.limits, name).value
