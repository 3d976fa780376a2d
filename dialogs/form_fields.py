"""The registration form's fields as the conversation asks them: sections a person
can follow on a phone, which fields apply, how each is asked (buttons from the
edition's enumerations, typed text only where the paper form has free text), how
an answer is read and checked, and how a value is shown back (identifiers masked).

Used by the form, members and review flows; it holds no state of its own.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from documents.text import load_data
from rules.edition import Edition
from rules.form import FormIssue, RegistrationForm, check_form, set_field, validate_field
from rules.form_checks import enumeration, field_kind
from rules.idcard import IdNumber, parse_id_number
from rules.parse import ParseError

from dialogs.drafts import DraftContent
from dialogs.types import Choice, Label, Msg, Pick

SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("worker", ("hardship_category", "worker_type", "name", "ethnicity", "id_number", "sex", "birth_date",
                "political_status", "health_status", "disability_category", "model_worker")),
    ("home", ("hukou", "hukou_region", "address", "postcode", "housing_type", "floor_area", "mobile",
              "other_contact")),
    ("work", ("employer", "unit_nature", "enterprise_status", "industry", "work_status", "work_start_date",
              "has_contract", "contract_signed_on", "contract_months")),
    ("household", ("marital_status", "single_parent", "self_reliant", "zero_employment", "medical_insurance",
                   "own_monthly_income", "other_annual_income")),
    ("members", ()),
    ("hardship", ("primary_cause", "cause_summary", "secondary_causes")),
    ("medical", ("annual_medical_costs", "annual_out_of_pocket", "annual_medical_aid",
                 "basic_medical_insurance", "medical_aid", "medical_remark")),
    ("bank", ("bank_name", "bank_branch", "bank_card")),
    ("attachments", ("attachments", "attachments_note")),
)
SECTION_TITLES = {"worker": "form.section.worker", "home": "form.section.home", "work": "form.section.work",
                  "household": "form.section.household", "members": "form.section.members",
                  "hardship": "form.section.hardship", "medical": "form.section.medical",
                  "bank": "form.section.bank", "attachments": "form.section.attachments"}
MEMBER_FIELDS = ("name", "relation", "id_number", "sex", "birth_date", "political_status", "health_status",
                 "monthly_income", "identity", "medical_insurance", "school_or_employer")
# Fields a person may pass over (the paper form leaves them blank).
OPTIONAL = frozenset({"postcode", "other_contact", "medical_remark", "attachments_note", "annual_medical_costs",
                      "annual_out_of_pocket", "annual_medical_aid", "basic_medical_insurance", "medical_aid",
                      "attachments", "secondary_causes", "cause_summary", "model_worker"})
MEMBER_OPTIONAL = frozenset({"id_number", "birth_date", "political_status", "health_status", "identity",
                             "medical_insurance", "school_or_employer", "sex"})
SENSITIVE = frozenset({"id_number", "bank_card"})  # echoed masked; the message holding it is deleted
ILLNESS_CAUSES = frozenset({"illness"})  # cause groups that open the medical section
# How each kind of field is asked (a catalog id per kind) and, for some fields, a hint.
ASK = {"choice": "form.ask.choice", "choices": "form.ask.choices", "bool": "form.ask.bool",
       "text": "form.ask.text", "long_text": "form.ask.long_text", "date": "form.ask.date",
       "money": "form.ask.money", "id": "form.ask.id", "mobile": "form.ask.mobile",
       "bank_card": "form.ask.bank_card", "postcode": "form.ask.postcode", "months": "form.ask.months",
       "worker_type": "form.ask.choice"}
HINTS = {"other_annual_income": "form.hint.other_annual_income", "own_monthly_income": "form.hint.own_monthly_income",
         "cause_summary": "form.hint.cause_summary", "has_contract": "form.hint.has_contract",
         "hukou_region": "form.hint.hukou_region", "monthly_income": "form.hint.member_income",
         "secondary_causes": "form.hint.secondary_causes", "bank_card": "form.hint.bank_card"}
OWN_LABELS = {"has_contract": "form.field.has_contract"}
ERRORS = {  # a FormError or FormIssue code -> its catalog id; other codes: the kind's general message
    ("id", "check_digit"): "form.err.id_check_digit", ("id", "length"): "form.err.id_length",
    ("id", "characters"): "form.err.id_characters", ("id", "birth_date"): "form.err.id_birth_date",
    ("id", "duplicate"): "form.err.id_duplicate", ("sex", "contradicts_id"): "form.err.contradicts_id",
    ("birth_date", "contradicts_id"): "form.err.contradicts_id", ("mobile", "format"): "form.err.mobile",
    ("bank_card", "length"): "form.err.bank_card", ("bank_card", "characters"): "form.err.bank_card",
    ("postcode", "format"): "form.err.postcode", ("date", "future"): "form.err.date_future",
    ("contract", "too_recent"): "form.err.contract_too_recent", ("text", "too_long"): "form.err.too_long",
    ("secondary_causes", "too_many"): "form.err.secondary_too_many",
    ("secondary_causes", "contains_primary"): "form.err.secondary_primary",
    ("medical", "out_of_pocket_exceeds_costs"): "form.err.out_of_pocket",
    ("choice", "exclusive"): "form.err.exclusive", ("contract_band", "mismatch"): "form.err.contract_band",
    ("worker_type", "contradicts_hukou"): "form.err.worker_type_hukou", ("members", "too_many"): "form.err.too_many_members",
}
GENERAL_ERRORS = {"choice": "form.err.choice", "choices": "form.err.choice", "bool": "form.err.bool",
                  "date": "form.err.date", "money": "form.err.money", "months": "form.err.months",
                  "text": "form.err.text", "long_text": "form.err.text"}
CONFIRMS = {("bank_card", "luhn"): "form.confirm.bank_card_luhn",
            ("other_income", "maybe_wages"): "form.confirm.other_income_wages",
            ("hardship_category", "temporary_relief"): "form.confirm.temporary_relief"}
EXAMPLES = {"date": "1995-07-01", "money": "1500", "months": "36", "mobile": "13800138000", "postcode": "330000"}


def base_kind(path: str) -> str:
    """choice, choices, bool, text, date, money, id, mobile, bank_card, ... of a field path."""
    return field_kind(path).partition(":")[0]


def field_name(path: str) -> str:
    """The field of a path ("members.2.relation" -> "relation")."""
    return path.rsplit(".", 1)[-1]


def is_member(path: str) -> bool:
    return path.startswith("members.")


def member_index(path: str) -> int | None:
    return int(path.split(".")[1]) if is_member(path) else None


def label(path: str) -> Label | Msg:
    """A field's label in both languages (the paper form's words)."""
    name = field_name(path)
    if name in OWN_LABELS:
        return Msg(OWN_LABELS[name])
    table = load_data("text.yaml")["member_fields" if is_member(path) else "fields"]
    zh, en = table[name]
    return Label(zh, en)


def asked_label(path: str, kind: str) -> Label | Msg:
    """The label in a question: a money question says "（元）" itself, so the paper form's
    "每年所需医药费(元)" is asked without its own unit (not "(元)（元）")."""
    shown = label(path)
    if kind == "money" and isinstance(shown, Label):
        return Label(shown.zh_CN.removesuffix("(元)").rstrip(), shown.en.removesuffix("(yuan)").rstrip())
    return shown


def _enum(path: str, ed: Edition):
    kind = field_kind(path)
    base, _, name = kind.partition(":")
    return enumeration(name or "worker_type", ed)


def option_label(path: str, key: str, ed: Edition) -> Label:
    return Label.of(_enum(path, ed).options[key])


def illness_involved(content: DraftContent, ed: Edition) -> bool:
    """The medical section applies: an illness or disability in the household, an
    illness cause, or a major illness in the screening."""
    f = content.form
    causes = _enum("primary_cause", ed).options
    ill = {h for h in [f.health_status, *(m.health_status for m in f.members)] if h and h != "good"}
    cause_groups = {causes[c].group for c in [f.primary_cause, *f.secondary_causes] if c in causes}
    return bool(ill) or bool(cause_groups & ILLNESS_CAUSES) or content.screening.get("major_illness") is True


def applies(path: str, content: DraftContent, ed: Edition) -> bool:
    """Whether the field is asked at all for this form."""
    f, name = content.form, field_name(path)
    if is_member(path):
        if member_index(path) >= len(f.members):
            return True
        member = f.members[member_index(path)]
        return not (name in ("sex", "birth_date") and member.id_number)
    if name in ("sex", "birth_date"):
        return not f.id_number
    if name == "disability_category":
        return f.health_status == "disabled"
    if name == "has_contract":
        return f.worker_type == "migrant_worker"
    if name in ("contract_signed_on", "contract_months"):
        return f.worker_type == "migrant_worker" and f.has_contract is True
    if name == "attachments_note":
        return "other" in f.attachments
    if name in dict(SECTIONS)["medical"]:
        return illness_involved(content, ed)
    return True


def value_of(path: str, form: RegistrationForm) -> Any:
    if is_member(path):
        i = member_index(path)
        return getattr(form.members[i], field_name(path)) if i < len(form.members) else None
    return getattr(form, path)


def missing(path: str, content: DraftContent) -> bool:
    """Not filled in, and not passed over."""
    value = value_of(path, content.form)
    return (value is None or value == "" or value == []) and path not in content.progress.skipped


def optional(path: str, form: RegistrationForm) -> bool:
    name = field_name(path)
    if is_member(path):
        return name in MEMBER_OPTIONAL
    if name == "medical_remark":
        return "social" not in form.medical_aid
    if name == "other_contact":
        return bool(form.mobile)
    return name in OPTIONAL


def choices(path: str, ed: Edition, form: RegistrationForm, picked: list[str] = ()) -> list[Choice]:
    """The buttons of a field's question: its options (ticked ones marked for a multiple choice)."""
    kind = base_kind(path)
    if kind == "bool":
        return [Choice(Pick("answer", "yes"), Msg("ans.yes")), Choice(Pick("answer", "no"), Msg("ans.no"))]
    if kind not in ("choice", "choices", "worker_type"):
        return []
    options = _enum(path, ed).options
    keys = [k for k in options if not (path == "secondary_causes" and k == form.primary_cause)]
    if kind == "choices":
        out = [Choice(Pick("answer", k), Msg("form.ticked", {"label": Label.of(options[k])}) if k in picked
                      else Label.of(options[k])) for k in keys]
        return out + [Choice(Pick("form", "done"), Msg("btn.form_done"))]
    return [Choice(Pick("answer", k), Label.of(options[k])) for k in keys]


def question_lines(path: str, form: RegistrationForm) -> list[Msg]:
    """The lines that ask a field: the question, a hint, and the current value when changing."""
    kind, name = base_kind(path), field_name(path)
    lines = []
    if is_member(path):
        lines.append(Msg("form.member_n", {"n": member_index(path) + 1}))
    lines.append(Msg(ASK.get(kind, "form.ask.text"), {"field": asked_label(path, kind),
                                                       "example": EXAMPLES.get(kind, "")}))
    if name in HINTS and not (name == "monthly_income" and not is_member(path)):
        lines.append(Msg(HINTS[name]))
    return lines


def shown(path: str, value: Any, ed: Edition) -> Msg | Label | str:
    """A value as shown back: option labels, yes/no, money, dates; identifiers masked."""
    kind, name = base_kind(path), field_name(path)
    if value is None or value == [] or value == "":
        return Msg("form.value_empty")
    if name == "id_number":
        return IdNumber.of_valid(value).masked() if len(str(value)) == 18 else "****"
    if name == "bank_card":
        return Msg("form.card_last4", {"last4": str(value)[-4:]})
    if kind == "bool":
        return Msg("ans.yes" if value else "ans.no")
    if kind in ("choice", "worker_type"):
        return option_label(path, value, ed)
    if kind == "choices":
        return Msg("form.list", {"items": tuple(option_label(path, v, ed) for v in value)})
    if kind == "money":
        return Msg("fmt.money_value", {"amount": Decimal(value)})
    if kind == "date":
        return Msg("fmt.date_value", {"date": value})
    return str(value)


def read(path: str, inp: Pick | str, *, today: dt.date, ed: Edition) -> Any:
    """The value of a pressed or typed answer; FormError when it cannot be read."""
    if isinstance(inp, Pick):
        if base_kind(path) == "bool":
            return inp.value == "yes"
        return inp.value
    return validate_field(path, inp, today=today, edition=ed)


def with_value(form: RegistrationForm, path: str, value: Any, today: dt.date, ed: Edition) -> RegistrationForm:
    """The form with ``path`` set, and what follows from it: sex and birth date from an
    ID number, the contract band from the months, the primary cause out of the secondary ones."""
    form = set_field(form, path, value)
    prefix = path.rsplit(".", 1)[0] + "." if is_member(path) else ""
    if field_name(path) == "id_number" and value:
        ident = parse_id_number(value, today=today)
        form = set_field(set_field(form, prefix + "sex", ident.sex), prefix + "birth_date", ident.birth_date)
    if path == "contract_months" and value:
        from rules.form import contract_band
        form = form.model_copy(update={"contract_band": contract_band(value, edition=ed)})
    if path == "primary_cause":
        form = form.model_copy(update={"secondary_causes": [c for c in form.secondary_causes if c != value]})
    if path == "has_contract" and value is False:
        form = form.model_copy(update={"contract_signed_on": None, "contract_months": None, "contract_band": None})
    return form


def issues_of(path: str, form: RegistrationForm, *, today: dt.date, ed: Edition) -> list[FormIssue]:
    """The checks of the whole form that concern this field (or, for an ID, its person)."""
    prefix = path.rsplit(".", 1)[0] + "." if is_member(path) else ""
    near = {path} | ({prefix + "sex", prefix + "birth_date"} if field_name(path) == "id_number" else set())
    if path == "contract_months":
        near.add("contract_band")
    return [i for i in check_form(form, today=today, edition=ed) if i.field in near and i.code != "required"]


def _pair(code: str) -> tuple[str, str]:
    head, _, tail = code.partition(".")
    return head, tail


def confirm_msg(code: str) -> str:
    """The catalog id that asks to confirm what a check flagged."""
    return CONFIRMS.get(_pair(code), "form.confirm.general")


def member_path(i: int, name: str) -> str:
    """The path of a member's field ("members.2.relation")."""
    return ".".join(("members", str(i), name))


def error_msg(path: str, code: str) -> Msg:
    """The message for a code (an ID's parse codes arrive as ``id.<code>``)."""
    msgid = ERRORS.get(_pair(code)) or GENERAL_ERRORS.get(base_kind(path), "form.err.general")
    return Msg(msgid, {"field": label(path), "example": EXAMPLES.get(base_kind(path), "")})


def looks_sensitive(path: str) -> bool:
    return field_name(path) in SENSITIVE


__all__ = ["SECTIONS", "MEMBER_FIELDS", "ParseError", "applies", "choices", "error_msg", "issues_of", "label",
           "missing", "optional", "question_lines", "read", "shown", "with_value"]
