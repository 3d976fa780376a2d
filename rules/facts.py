"""The facts of a screening (eligibility.md, "Facts"): every one optional.

:func:`read_facts` turns a JSON-like mapping into :class:`Facts`, normalising
money (numbers or strings, always ``Decimal``), validating the ID number and
deriving sex and birth date from it. Bad input raises :class:`FactError` naming
the fact and a code; it never guesses.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from rules.edition import Edition, load_edition
from rules.idcard import IdNumber, parse_id_number
from rules.parse import ParseError, parse_count, parse_date, parse_money, parse_yes_no

MONEY_FACTS = ("residence_dibao_line", "workplace_dibao_line", "household_annual_income",
               "medical_out_of_pocket", "disaster_costs")
BOOL_FACTS = ("union_member", "labor_relation", "wage_earner_head", "provincial_contract_year",
              "filed_elsewhere", "owns_business", "child_private_or_abroad", "operates_vehicles",
              "cadre", "dibao_certificate", "major_illness", "disease_paralysis",
              "child_education_hardship", "disaster", "spouse_other_unit")
POSITIVE_MONEY = ("residence_dibao_line", "workplace_dibao_line")
MONTHLY_MONEY = POSITIVE_MONEY  # the 低保 lines are also the figures asked per person per month
# Facts that are personal data: encrypted at rest, never logged.
SENSITIVE_FACTS = frozenset({"id_number", "birth_date", "major_illness", "disease_paralysis",
                             "medical_out_of_pocket"})


class FactError(ValueError):
    """A bad fact: ``fact`` is its JSON name, ``code`` says what is wrong."""

    def __init__(self, fact: str, code: str):
        super().__init__(f"{fact}: {code}")
        self.fact = fact
        self.code = code


def _custom(code: str) -> PydanticCustomError:
    return PydanticCustomError(code, code)


class Facts(BaseModel):
    """The answers of one screening; ``None`` means not answered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    union_member: bool | None = None
    labor_relation: bool | None = None
    wage_earner_head: bool | None = None
    hukou: Literal["urban", "rural"] | None = None
    provincial_contract_year: bool | None = None
    filed_elsewhere: bool | None = None
    homes_owned: int | None = None
    owns_business: bool | None = None
    child_private_or_abroad: bool | None = None
    operates_vehicles: bool | None = None
    sex: Literal["male", "female"] | None = None
    birth_date: dt.date | None = None
    cadre: bool | None = None
    id_number: str | None = None
    residence: str | None = None
    residence_dibao_line: Decimal | None = None
    workplace: str | None = None
    workplace_dibao_line: Decimal | None = None
    household_size: int | None = None
    household_annual_income: Decimal | None = None
    dibao_certificate: bool | None = None
    major_illness: bool | None = None
    disease_paralysis: bool | None = None
    medical_out_of_pocket: Decimal | None = None
    child_education_hardship: bool | None = None
    disaster: bool | None = None
    disaster_costs: Decimal | None = None
    marital_status: Literal["unmarried", "married", "divorced", "widowed"] | None = None
    spouse_other_unit: bool | None = None  # materials only (6号 三(一)1): never screened

    @field_validator(*BOOL_FACTS, mode="before")
    @classmethod
    def _bool(cls, v: Any) -> Any:
        if v is None or isinstance(v, bool):
            return v
        if isinstance(v, str):
            try:
                return parse_yes_no(v)
            except ParseError as exc:
                raise _custom(f"bool.{exc.code}") from None
        raise _custom("bool.type")

    @field_validator(*MONEY_FACTS, mode="before")
    @classmethod
    def _money(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None:
            return v
        if isinstance(v, float):
            v = repr(v)  # shortest round-trip text: 765.03 stays 765.03
        if not isinstance(v, str | int | Decimal) or isinstance(v, bool):
            raise _custom("money.type")
        try:
            value = parse_money(v)
        except ParseError as exc:
            raise _custom(f"money.{exc.code}") from None
        if info.field_name in POSITIVE_MONEY:
            if value <= 0:
                raise _custom("money.not_positive")
            low, high = (info.context or {}).get("dibao_line_range") or dibao_line_range()
            if value < low:
                raise _custom("dibao_line.too_low")
            if value > high:
                raise _custom("dibao_line.too_high")  # an annual or household figure, most likely
        return value

    @field_validator("homes_owned", "household_size", mode="before")
    @classmethod
    def _count(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None:
            return v
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, Decimal) and v == v.to_integral_value():
            v = int(v)
        if not isinstance(v, str | int) or isinstance(v, bool):
            raise _custom("count.type")
        minimum = 1 if info.field_name == "household_size" else 0
        try:
            return parse_count(v, minimum=minimum, maximum=99)
        except ParseError as exc:
            raise _custom(f"count.{exc.code}") from None

    @field_validator("birth_date", mode="before")
    @classmethod
    def _date(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None or (isinstance(v, dt.date) and not isinstance(v, dt.datetime)):
            return v
        if not isinstance(v, str):
            raise _custom("date.type")
        try:
            return parse_date(v, today=(info.context or {}).get("today"))
        except ParseError as exc:
            raise _custom(f"date.{exc.code}") from None

    @field_validator("residence", "workplace", mode="before")
    @classmethod
    def _place(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None:
            return v
        places = (info.context or {}).get("localities")
        if not isinstance(v, str) or (places is not None and v not in places and v != "other"):
            raise _custom("place.unknown")
        return v

    @field_validator("id_number", mode="before")
    @classmethod
    def _id(cls, v: Any, info: ValidationInfo) -> Any:
        if v is None:
            return v
        if not isinstance(v, str):
            raise _custom("id.type")
        try:
            return parse_id_number(v, today=(info.context or {}).get("today")).number
        except ParseError as exc:
            raise _custom(f"id.{exc.code}") from None


def _error_code(err: dict[str, Any]) -> str:
    kind = err["type"]
    if "." in kind:
        return kind
    return {"literal_error": "choice.invalid", "extra_forbidden": "unknown_fact",
            "bool_type": "bool.type", "int_type": "count.type", "date_from_datetime_parsing": "date.invalid"
            }.get(kind, kind)


def dibao_line_range(edition: Edition | None = None) -> tuple[Decimal, Decimal]:
    """The plausible monthly 低保 line (edition parameters dibao_line_min/max), inclusive."""
    ed = edition or load_edition()
    return Decimal(ed.param("dibao_line_min")), Decimal(ed.param("dibao_line_max"))


def read_facts(raw: dict[str, Any], *, today: dt.date | None = None,
               localities: set[str] | None = None,
               line_range: tuple[Decimal, Decimal] | None = None) -> Facts:
    """Validate and normalise raw facts; derive sex and birth date from an ID number.
    ``line_range`` bounds a typed monthly 低保 line (the default edition's otherwise)."""
    if not isinstance(raw, dict):
        raise FactError("(input)", "not_an_object")
    context = {"today": today, "localities": localities, "dibao_line_range": line_range}
    try:
        facts = Facts.model_validate(raw, context=context)
    except ValidationError as exc:
        err = exc.errors()[0]
        fact = str(err["loc"][0]) if err["loc"] else "(input)"
        raise FactError(fact, _error_code(err)) from None
    return derive_from_id(facts)


def derive_from_id(facts: Facts) -> Facts:
    """Fill sex and birth date from the ID number; a contradiction is an error."""
    if facts.id_number is None:
        return facts
    ident = IdNumber.of_valid(facts.id_number)  # validated (and normalised) by the model
    if facts.sex is not None and facts.sex != ident.sex:
        raise FactError("sex", "contradicts_id_number")
    if facts.birth_date is not None and facts.birth_date != ident.birth_date:
        raise FactError("birth_date", "contradicts_id_number")
    return facts.model_copy(update={"sex": ident.sex, "birth_date": ident.birth_date})
