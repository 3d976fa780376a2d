"""Reading the registration form's fields (附件1, 填表说明 1–23, eligibility.md).

:func:`validate_field` reads one typed answer into its stored value or raises
:class:`FormError`; the whole-draft review is :func:`rules.form.check_form`. Codes
are message-id suffixes, never sentences. Limits and lists are edition data.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Literal

from rules.edition import Edition, load_edition
from rules.form_edition import Enumeration, FormSpec, Option
from rules.idcard import parse_id_number
from rules.parse import ParseError, normalise, parse_count, parse_date, parse_money, parse_yes_no

# Field name -> kind; "choice:<enumeration>" and "choices:<enumeration>" name the list.
APPLICANT_FIELDS = {
    "worker_type": "worker_type", "has_contract": "bool", "contract_signed_on": "date", "contract_months": "months",
    "contract_band": "band", "worker_number": "text", "hardship_category": "choice:hardship_category",
    "name": "text", "ethnicity": "text", "sex": "choice:sex", "political_status": "choice:political_status",
    "id_number": "id", "birth_date": "date", "health_status": "choice:health_status",
    "disability_category": "choice:disability_categories", "work_status": "choice:work_status",
    "model_worker": "choice:model_worker", "housing_type": "choice:housing_type",
    "floor_area": "choice:floor_area", "mobile": "mobile", "other_contact": "text",
    "postcode": "postcode", "work_start_date": "date", "industry": "choice:industry",
    "marital_status": "choice:marital_status", "hukou": "choice:hukou", "address": "text",
    "employer": "text", "unit_nature": "choice:unit_nature", "enterprise_status": "choice:enterprise_status",
    "single_parent": "bool", "own_monthly_income": "money", "other_annual_income": "money",
    "hukou_region": "text", "medical_insurance": "choice:medical_insurance", "self_reliant": "bool",
    "zero_employment": "bool", "primary_cause": "choice:primary_causes", "cause_summary": "long_text",
    "secondary_causes": "choices:secondary_causes", "annual_medical_costs": "money",
    "annual_out_of_pocket": "money", "annual_medical_aid": "money", "basic_medical_insurance": "bool",
    "medical_aid": "choices:medical_aid", "medical_remark": "long_text", "bank_name": "text",
    "bank_branch": "text", "bank_card": "bank_card", "attachments": "choices:attachments",
    "attachments_note": "long_text", "relief_target": "bool", "relief_decided_on": "date",
    "key_group": "choice:key_groups", "key_group_note": "long_text", "measure": "choice:measures",
    "measure_note": "long_text", "plan": "choice:plans", "plan_note": "long_text",
    "home_visit_signers": "names", "suggested_category": "choice:hardship_category",
    "unit_opinion": "long_text", "notice_start": "any_date", "notice_end": "any_date",
    "approved": "bool", "approval_opinion": "long_text", "filled_on": "date",
}
MEMBER_FIELDS = {
    "name": "text", "relation": "choice:relation", "sex": "choice:sex",
    "political_status": "choice:political_status", "id_number": "id", "birth_date": "date",
    "health_status": "choice:health_status", "monthly_income": "money",
    "identity": "choice:member_identity", "medical_insurance": "choice:medical_insurance",
    "school_or_employer": "text",
}
_MEMBER_PATH = re.compile(r"^members?\.(?:\d+\.)?(\w+)$")
_SEPARATORS = re.compile(r"[,;/、，；\n]+")
_NAME_SEPARATORS = re.compile(r"[,;、，；]+")
_PHONE_NOISE = re.compile(r"[\s\-()]")
Severity = Literal["error", "confirm"]


class FormError(ValueError):
    """A field that cannot be read: ``field`` is its name, ``code`` a message-id suffix."""

    def __init__(self, field: str, code: str):
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


@dataclass(frozen=True)
class FormIssue:
    """One finding of :func:`check_form`."""

    field: str
    code: str
    severity: Severity = "error"


def is_empty(value: Any) -> bool:
    """Whether a draft value counts as not filled in."""
    return value is None or value == "" or value == []


def field_kind(name: str) -> str:
    """The kind of field ``name`` ("members.0.relation" or "relation" for a member's field)."""
    m = _MEMBER_PATH.match(name)
    kind = MEMBER_FIELDS.get(m.group(1)) if m else APPLICANT_FIELDS.get(name, MEMBER_FIELDS.get(name))
    if kind is None:
        raise FormError(name, "field.unknown")
    return kind


def enumeration(spec_name: str, edition: Edition) -> Enumeration:
    """The enumeration a field kind names (worker types come from the edition)."""
    if spec_name == "worker_type":
        options = {k: Option(zh_CN=t.zh_CN, en=t.en) for k, t in edition.worker_types.items()}
        return Enumeration[Option](reference=edition.clauses["migrant"], description="worker type",
                                   options=options)
    return getattr(edition.form.enumerations, spec_name)


def contract_band(months: int, *, edition: Edition | None = None) -> str:
    """The 填表说明 1 band of a contract of ``months`` whole months."""
    bands = (edition or load_edition()).form.enumerations.contract_bands.options
    for key, band in bands.items():
        if band.min_months <= months and (band.max_months is None or months <= band.max_months):
            return key
    raise FormError("contract_months", "count.too_small")


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (many UnionPay cards do not)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _text(field: str, raw: str, limit: int) -> str:
    s = normalise(str(raw))
    if not s:
        raise FormError(field, "text.empty")
    if len(s) > limit:
        raise FormError(field, "text.too_long")
    return s


def _digits(field: str, raw: str, code: str) -> str:
    s = _PHONE_NOISE.sub("", normalise(str(raw)))
    if not (s.isascii() and s.isdigit()):
        raise FormError(field, f"{code}.characters" if code == "bank_card" else f"{code}.format")
    return s


def parse_mobile(field: str, raw: str, spec: FormSpec) -> str:
    """An 11-digit mobile number starting with 1 (+86 and separators dropped)."""
    s = _PHONE_NOISE.sub("", normalise(str(raw)))
    s = re.sub(r"^(?:\+86|0086)", "", s)
    size = spec.limit("mobile_digits")
    if len(s) == size + 2 and s.startswith("86"):
        s = s[2:]
    first = str(spec.limit("mobile_first_digit"))
    if not (s.isascii() and s.isdigit()) or len(s) != size or not s.startswith(first):
        raise FormError(field, "mobile.format")
    return s


def parse_bank_card(field: str, raw: str, spec: FormSpec) -> str:
    """A bank card number of 10–30 digits; Luhn is checked by :func:`check_form`."""
    s = _digits(field, raw, "bank_card")
    if not spec.limit("bank_card_min_digits") <= len(s) <= spec.limit("bank_card_max_digits"):
        raise FormError(field, "bank_card.length")
    return s


def _choice(field: str, raw: str, enum: Enumeration) -> str:
    key = enum.match(str(raw))
    if key is None:
        raise FormError(field, "choice.unknown")
    return key


def _choices(field: str, raw: str, enum: Enumeration, spec: FormSpec) -> list[str]:
    whole = enum.match(str(raw))
    if whole is not None:
        keys = [whole]
    else:
        parts = [p for p in _SEPARATORS.split(normalise(str(raw))) if p.strip()]
        if not parts:
            return []
        try:
            if len(parts) == 1 and parse_yes_no(parts[0]) is False:
                return []  # "无", "none": nothing ticked
        except ParseError:
            pass
        keys = [_choice(field, p, enum) for p in parts]
    for issue in choice_list_issues(field, keys, enum, spec):
        raise FormError(issue.field, issue.code)
    return keys


def choice_list_issues(field: str, keys: list[str], enum: Enumeration, spec: FormSpec) -> list[FormIssue]:
    found = [FormIssue(field, "choice.unknown") for k in keys if k not in enum][:1]
    if len(set(keys)) != len(keys):
        found.append(FormIssue(field, "choice.duplicate"))
    if len(keys) > 1 and any(enum.options[k].exclusive for k in keys if k in enum):
        found.append(FormIssue(field, "choice.exclusive"))
    if field == "secondary_causes" and len(keys) > spec.limit("secondary_causes_max"):
        found.append(FormIssue(field, "secondary_causes.too_many"))
    return found


def _names(field: str, raw: str, spec: FormSpec) -> list[str]:
    limit = spec.limit("text_max_chars")
    parts = [n for n in _NAME_SEPARATORS.split(normalise(str(raw))) if n.strip()]
    if len(parts) == 1:
        parts = parts[0].split()  # "张三 李四"
    names = [_text(field, n, limit) for n in parts]
    if len(set(names)) < spec.limit("home_visit_signers_min"):
        raise FormError(field, "home_visit_signers.too_few")
    return names


def validate_field(name: str, raw: str, *, today: dt.date, edition: Edition) -> Any:
    """Read one typed answer for field ``name`` into its stored value, or raise FormError."""
    kind, spec = field_kind(name), edition.form
    base, _, enum_name = kind.partition(":")
    try:
        if base in ("choice", "worker_type"):
            return _choice(name, raw, enumeration(enum_name or "worker_type", edition))
        if base == "choices":
            return _choices(name, raw, enumeration(enum_name, edition), spec)
        if base == "band":
            key = enumeration("contract_bands", edition).match(str(raw))
            if key is not None:
                return key
            return contract_band(parse_count(raw, minimum=1, maximum=spec.limit("contract_max_months")),
                                 edition=edition)
        simple = {
            "text": lambda: _text(name, raw, spec.limit("text_max_chars")),
            "long_text": lambda: _text(name, raw, spec.limit("long_text_max_chars")),
            "names": lambda: _names(name, raw, spec),
            "date": lambda: parse_date(raw, today=today),
            "any_date": lambda: parse_date(raw),
            "money": lambda: parse_money(raw),
            "bool": lambda: parse_yes_no(raw),
            "months": lambda: parse_count(raw, minimum=1, maximum=spec.limit("contract_max_months")),
            "id": lambda: parse_id_number(raw, today=today).number,
            "mobile": lambda: parse_mobile(name, raw, spec),
            "bank_card": lambda: parse_bank_card(name, raw, spec),
            "postcode": lambda: _postcode(name, raw, spec),
        }
        return simple[base]()
    except ParseError as exc:
        prefix = {"any_date": "date", "months": "count"}.get(base, base)
        if base == "band":
            raise FormError(name, "choice.unknown") from None
        raise FormError(name, f"{prefix}.{exc.code}") from None


def _postcode(field: str, raw: str, spec: FormSpec) -> str:
    s = _digits(field, raw, "postcode")
    if len(s) != spec.limit("postcode_digits"):
        raise FormError(field, "postcode.format")
    return s


def format_issues(form: Any, today: dt.date, edition: Edition) -> list[FormIssue]:
    """Mobile, postcode and bank card as stored; Luhn asks for confirmation."""
    found = []
    for name in ("mobile", "postcode", "bank_card"):
        value = getattr(form, name)
        if is_empty(value):
            continue
        try:
            parsed = validate_field(name, value, today=today, edition=edition)
        except FormError as exc:
            found.append(FormIssue(exc.field, exc.code))
            continue
        if name == "bank_card" and not luhn_ok(parsed):
            found.append(FormIssue(name, "bank_card.luhn", "confirm"))
    return found


def contract_issues(form: Any, form_date: dt.date, edition: Edition) -> list[FormIssue]:
    """填表说明 1: signed at least a year before the form; band agrees with the months."""
    found, years = [], edition.form.limit("contract_min_years_before_form")
    if form.contract_signed_on is not None:
        try:
            latest = form_date.replace(year=form_date.year - years)
        except ValueError:  # 29 February
            latest = form_date.replace(year=form_date.year - years, day=28)
        if form.contract_signed_on > latest:
            found.append(FormIssue("contract_signed_on", "contract.too_recent"))
    if form.contract_months is not None:
        try:
            band = contract_band(form.contract_months, edition=edition)
        except FormError as exc:
            return [*found, FormIssue(exc.field, exc.code)]
        if form.contract_band is not None and form.contract_band != band:
            found.append(FormIssue("contract_band", "contract_band.mismatch"))
    return found
