"""The registration form (附件1 登记表) as a draft: models, derived figures, checks.

Every field is optional in a draft; :func:`check_form` says what is missing or wrong
before submission. Enumerated fields hold option keys (edition data), money is
``Decimal`` and the household is a repeat group of :class:`HouseholdMember`.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from rules.edition import Edition, load_edition
from rules.form_checks import (APPLICANT_FIELDS, MEMBER_FIELDS, FormError, FormIssue, choice_list_issues,
                               contract_band, contract_issues, enumeration, format_issues, is_empty,
                               validate_field)
from rules.form_consistency import consistency_issues
from rules.idcard import IdNumber, parse_id_number
from rules.parse import ParseError

__all__ = ["FormError", "FormIssue", "HouseholdFigures", "HouseholdMember", "RegistrationForm",
           "check_form", "contract_band", "form_figures", "household_figures",
           "screening_facts_from_form", "set_field", "validate_field"]
CENT = Decimal("0.01")


class HouseholdMember(BaseModel):
    """One row of 家庭主要成员 (填表说明 17)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    relation: str | None = None
    sex: str | None = None
    political_status: str | None = None
    id_number: str | None = None
    birth_date: dt.date | None = None
    health_status: str | None = None
    monthly_income: Decimal | None = None
    identity: str | None = None
    medical_insurance: str | None = None
    school_or_employer: str | None = None


class RegistrationForm(BaseModel):
    """A draft of the 登记表; ``None`` (or an empty list) means not filled in."""

    model_config = ConfigDict(extra="forbid")

    worker_type: str | None = None
    has_contract: bool | None = None  # a migrant worker without a labour contract can still apply
    contract_signed_on: dt.date | None = None
    contract_months: int | None = None
    contract_band: str | None = None
    worker_number: str | None = None
    hardship_category: str | None = None
    name: str | None = None
    ethnicity: str | None = None
    sex: str | None = None
    political_status: str | None = None
    id_number: str | None = None
    birth_date: dt.date | None = None
    health_status: str | None = None
    disability_category: str | None = None
    work_status: str | None = None
    model_worker: str | None = None
    housing_type: str | None = None
    floor_area: str | None = None
    mobile: str | None = None
    other_contact: str | None = None
    postcode: str | None = None
    work_start_date: dt.date | None = None
    industry: str | None = None
    marital_status: str | None = None
    hukou: str | None = None
    address: str | None = None
    employer: str | None = None
    unit_nature: str | None = None
    enterprise_status: str | None = None
    single_parent: bool | None = None
    own_monthly_income: Decimal | None = None
    other_annual_income: Decimal | None = None
    hukou_region: str | None = None
    medical_insurance: str | None = None
    self_reliant: bool | None = None
    zero_employment: bool | None = None
    members: list[HouseholdMember] = []
    primary_cause: str | None = None
    cause_summary: str | None = None
    secondary_causes: list[str] = []
    annual_medical_costs: Decimal | None = None
    annual_out_of_pocket: Decimal | None = None
    annual_medical_aid: Decimal | None = None
    basic_medical_insurance: bool | None = None
    medical_aid: list[str] = []
    medical_remark: str | None = None
    bank_name: str | None = None
    bank_branch: str | None = None
    bank_card: str | None = None
    attachments: list[str] = []
    attachments_note: str | None = None
    relief_target: bool | None = None
    relief_decided_on: dt.date | None = None
    key_group: str | None = None
    key_group_note: str | None = None
    measure: str | None = None
    measure_note: str | None = None
    plan: str | None = None
    plan_note: str | None = None
    home_visit_signers: list[str] | None = None
    suggested_category: str | None = None
    unit_opinion: str | None = None
    notice_start: dt.date | None = None
    notice_end: dt.date | None = None
    approved: bool | None = None
    approval_opinion: str | None = None
    filled_on: dt.date | None = None
    # "field:code" of each confirm-issue the person has confirmed (e.g. "bank_card:bank_card.luhn").
    confirmed: list[str] = []


class HouseholdFigures(BaseModel):
    """The computed figures of 填表说明 15 (exact; round only to display)."""

    model_config = ConfigDict(frozen=True)

    size: int
    annual_total: Decimal
    per_capita_monthly: Decimal

    def display(self) -> dict[str, str]:
        """The figures as shown: money to 0.01 yuan, rounded half up."""
        return {"size": str(self.size),
                "annual_total": str(self.annual_total.quantize(CENT, rounding=ROUND_HALF_UP)),
                "per_capita_monthly": str(self.per_capita_monthly.quantize(CENT, rounding=ROUND_HALF_UP))}


def household_figures(own_monthly: Decimal, members_monthly: list[Decimal],
                      other_annual: Decimal) -> HouseholdFigures:
    """Size = 1 + members; annual = 12 × own + 12 × Σ members + other; per capita = annual / size / 12."""
    size = 1 + len(members_monthly)
    annual = 12 * Decimal(own_monthly) + 12 * sum((Decimal(m) for m in members_monthly), Decimal(0))
    annual += Decimal(other_annual)
    return HouseholdFigures(size=size, annual_total=annual, per_capita_monthly=annual / size / 12)


def form_figures(form: RegistrationForm) -> HouseholdFigures | None:
    """The form's household figures, or None while an income is missing."""
    incomes = [m.monthly_income for m in form.members]
    if form.own_monthly_income is None or form.other_annual_income is None or None in incomes:
        return None
    return household_figures(form.own_monthly_income, incomes, form.other_annual_income)


def set_field(form: RegistrationForm, name: str, value: Any) -> RegistrationForm:
    """A copy of ``form`` with ``name`` set ("members.2.name" with 2 members adds a row)."""
    head, _, rest = name.partition(".")
    if head not in RegistrationForm.model_fields:
        raise FormError(name, "field.unknown")
    if head != "members" or not rest:
        return form.model_validate({**form.model_dump(), name: value})
    index, _, field = rest.partition(".")
    members = list(form.members)
    if not index.isdigit() or int(index) > len(members) or not field:
        raise FormError(name, "field.unknown")
    if int(index) == len(members):
        members.append(HouseholdMember())  # a new row of the repeat group
    row = members[int(index)]
    members[int(index)] = HouseholdMember.model_validate({**row.model_dump(), field: value})
    return form.model_copy(update={"members": members})


def _id(value: str | None, today: dt.date) -> IdNumber | str | None:
    """The parsed ID number, or the ParseError code when it is invalid."""
    if not value:
        return None
    try:
        return parse_id_number(value, today=today)
    except ParseError as exc:
        return exc.code


def _person(prefix: str, person: Any, today: dt.date, seen: dict[str, str]) -> list[FormIssue]:
    """ID number, birth date and sex of the applicant or one member."""
    found, ident = [], _id(person.id_number, today)
    if isinstance(ident, str):
        found.append(FormIssue(f"{prefix}id_number", f"id.{ident}"))
    elif ident is not None:
        if ident.number in seen:
            found.append(FormIssue(f"{prefix}id_number", "id.duplicate"))
        seen.setdefault(ident.number, prefix)
        if person.birth_date is not None and person.birth_date != ident.birth_date:
            found.append(FormIssue(f"{prefix}birth_date", "birth_date.contradicts_id"))
        if person.sex in ("male", "female") and person.sex != ident.sex:
            found.append(FormIssue(f"{prefix}sex", "sex.contradicts_id"))
    if person.birth_date is not None and person.birth_date > today:
        found.append(FormIssue(f"{prefix}birth_date", "date.future"))
    return found


def _choice_issues(prefix: str, person: BaseModel, fields: dict[str, str], edition: Edition) -> list[FormIssue]:
    """Enumerated values known; options that require another field have it."""
    found = []
    for name, kind in fields.items():
        base, _, enum_name = kind.partition(":")
        value = getattr(person, name)
        if base not in ("choice", "choices", "worker_type", "band") or is_empty(value):
            continue
        enum = enumeration(enum_name or ("contract_bands" if base == "band" else "worker_type"), edition)
        keys = value if base == "choices" else [value]
        found += choice_list_issues(f"{prefix}{name}", keys, enum, edition.form)
        for key in keys:
            needs = enum.options[key].requires if key in enum else None
            if needs in type(person).model_fields and is_empty(getattr(person, needs)):
                found.append(FormIssue(f"{prefix}{needs}", "required"))
    return found


def _required(form: RegistrationForm, edition: Edition, stage: str) -> list[FormIssue]:
    """Starred fields, one of each one_of group, and the conditional ones (填表说明 1, 20)."""
    req = edition.form.required
    names = list(req.applicant) + (list(req.staff) if stage == "file" else [])
    if form.worker_type == "migrant_worker" and form.has_contract is not False:
        names += [n for n in req.migrant if not (n == "contract_band" and form.contract_months)]
    if form.relief_target:
        names += req.relief_target
    found = [FormIssue(n, "required") for n in names if is_empty(getattr(form, n))]
    found += [FormIssue(group[0], "contact.required") for group in req.one_of
              if all(is_empty(getattr(form, n)) for n in group)]
    for i, member in enumerate(form.members):
        found += [FormIssue(f"members.{i}.{n}", "required") for n in req.member if is_empty(getattr(member, n))]
    return found


def check_form(form: RegistrationForm, *, today: dt.date, edition: Edition,
               stage: Literal["submit", "file"] = "submit") -> list[FormIssue]:
    """Every issue of a draft; ``submit`` checks the applicant's part, ``file`` adds the staff's."""
    spec, form_date = edition.form, form.filled_on or today
    found = _required(form, edition, stage) + format_issues(form, today, edition)
    found += contract_issues(form, form_date, edition) + _choice_issues("", form, APPLICANT_FIELDS, edition)
    found += consistency_issues(form)
    seen: dict[str, str] = {}
    found += _person("", form, today, seen)
    if len(form.members) > spec.limit("members_max"):
        found.append(FormIssue("members", "members.too_many"))
    for i, member in enumerate(form.members):
        found += _person(f"members.{i}.", member, today, seen)
        found += _choice_issues(f"members.{i}.", member, MEMBER_FIELDS, edition)
    if form.primary_cause and form.primary_cause in form.secondary_causes:
        found.append(FormIssue("secondary_causes", "secondary_causes.contains_primary"))
    if form.hukou and form.worker_type and (form.hukou == "rural") != (form.worker_type == "migrant_worker"):
        found.append(FormIssue("worker_type", "worker_type.contradicts_hukou"))
    signers = form.home_visit_signers
    if signers is not None and len({s.strip() for s in signers if s.strip()}) < spec.limit("home_visit_signers_min"):
        found.append(FormIssue("home_visit_signers", "home_visit_signers.too_few"))
    unique = list(dict.fromkeys(found))
    done = set(form.confirmed)
    return [i for i in unique if i.severity == "error" or f"{i.field}:{i.code}" not in done]


def screening_facts_from_form(form: RegistrationForm, *, today: dt.date | None = None,
                              edition: Edition | None = None) -> dict[str, Any]:
    """The screening facts the form implies (JSON-ready), for re-running the screening."""
    facts: dict[str, Any] = {}
    figures = form_figures(form)
    if figures is not None:
        facts["household_size"] = figures.size
        facts["household_annual_income"] = figures.display()["annual_total"]
    spec = (edition or load_edition()).facts
    for name in ("hukou", "marital_status", "sex"):
        if getattr(form, name) in (spec[name].choices or []):
            facts[name] = getattr(form, name)
    ident = _id(form.id_number, today or dt.date.max)
    if isinstance(ident, IdNumber):
        facts.update(id_number=ident.number, sex=ident.sex, birth_date=ident.birth_date.isoformat())
    elif form.birth_date is not None:
        facts["birth_date"] = form.birth_date.isoformat()
    if form.annual_out_of_pocket is not None:  # 每年个人自付医药费: the illness test's cost
        facts["medical_out_of_pocket"] = str(form.annual_out_of_pocket)
    return facts
