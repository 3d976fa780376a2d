"""Each form answer checked as it comes: good, bad and nasty input, field by field."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from form_filler import APPLICANT_ID, CARD, make_id

from dialogs import form_fields as ff
from rules import load_edition
from rules.form import FormError, HouseholdMember, RegistrationForm

ED = load_edition()
TODAY = dt.date(2016, 10, 15)
NASTY = ["", " ", "\u200b", "１２３", "a" * 5000, "<b>x</b>", "null", "١٢٣", "🙂", "13800138000\n13800138000"]


def take(path: str, raw, form: RegistrationForm | None = None):
    """(value, error codes) as the form flow reads ``raw`` for ``path``."""
    form = form or RegistrationForm()
    try:
        value = ff.read(path, raw, today=TODAY, ed=ED)
        candidate = ff.with_value(form, path, value, TODAY, ED)
    except FormError as exc:
        return None, [exc.code]
    return value, [(i.code, i.severity) for i in ff.issues_of(path, candidate, today=TODAY, ed=ED)]


@pytest.mark.parametrize("path, good, bad", [
    ("id_number", APPLICANT_ID, APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1")),
    ("mobile", "+86 138-0013-8000", "23800138000"),
    ("bank_card", CARD, "12345"),
    ("postcode", "330006", "3300"),
    ("work_start_date", "1995-07-01", "2030-01-01"),
    ("own_monthly_income", "1,500元", "-5"),
    ("contract_months", "36", "0"),
    ("secondary_causes", "子女上学、下岗失业", "子女上学、下岗失业、自然灾害、重大事故"),
    ("political_status", "党员", "皇帝"),
])
def test_good_bad_and_nasty_answers(path, good, bad):
    value, issues = take(path, good)
    assert value is not None and not [c for c, s in issues if s == "error"], issues
    value, issues = take(path, bad)
    assert value is None or [c for c, s in issues if s == "error"], (path, bad)
    for raw in NASTY:  # never a crash: a value or a FormError code
        take(path, raw)


def test_the_id_gives_sex_and_birth_date_and_is_echoed_masked():
    value, _ = take("id_number", APPLICANT_ID)
    form = ff.with_value(RegistrationForm(), "id_number", value, TODAY, ED)
    assert form.sex == "male" and form.birth_date == dt.date(1975, 6, 1)
    assert ff.shown("id_number", value, ED) == APPLICANT_ID[:4] + "*" * 10 + APPLICANT_ID[-4:]
    assert ff.error_msg("id_number", "id.check_digit").id == "form.err.id_check_digit"


def test_a_member_sex_against_their_id_and_duplicate_ids_in_one_household():
    wife_id = make_id("19780302", "246")
    form = RegistrationForm(id_number=APPLICANT_ID, members=[HouseholdMember(name="李四", id_number=wife_id,
                                                                             sex="female")])
    assert take("members.0.sex", "男", form)[1] == [("sex.contradicts_id", "error")]
    assert take("members.0.sex", "女", form)[1] == []
    assert ("id.duplicate", "error") in take("members.0.id_number", APPLICANT_ID, form)[1]


def test_luhn_asks_to_confirm_never_refuses():
    bad = CARD[:-1] + str((int(CARD[-1]) + 1) % 10)
    value, issues = take("bank_card", bad)
    assert value == bad and issues == [("bank_card.luhn", "confirm")]
    assert ff.confirm_msg("bank_card.luhn") == "form.confirm.bank_card_luhn"
    assert ff.shown("bank_card", bad, ED).params == {"last4": bad[-4:]}


def test_contract_timing_out_of_pocket_and_the_primary_cause():
    migrant = RegistrationForm(worker_type="migrant_worker", has_contract=True)
    assert take("contract_signed_on", "2016-03-01", migrant)[1] == [("contract.too_recent", "error")]
    assert take("contract_signed_on", "2015-10-01", migrant)[1] == []
    assert ff.with_value(migrant, "contract_months", 36, TODAY, ED).contract_band == "three_years"
    costs = RegistrationForm(annual_medical_costs=Decimal("1000"))
    assert take("annual_out_of_pocket", "1200", costs)[1] == [("medical.out_of_pocket_exceeds_costs", "error")]
    with_secondary = RegistrationForm(secondary_causes=["schooling"])
    assert ff.with_value(with_secondary, "primary_cause", "schooling", TODAY, ED).secondary_causes == []


def test_a_migrant_without_a_contract_is_not_asked_the_contract():
    from dialogs.drafts import DraftContent

    content = DraftContent(form=RegistrationForm(worker_type="migrant_worker", has_contract=False))
    assert ff.applies("has_contract", content, ED)
    assert not ff.applies("contract_signed_on", content, ED) and not ff.applies("contract_months", content, ED)
    assert not ff.applies("disability_category", content, ED)
    assert ff.applies("disability_category", DraftContent(form=RegistrationForm(health_status="disabled")), ED)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_money_question_names_its_unit_once(lang):
    from dialogs.render import text_of
    from locales import translator
    from rules.form_checks import APPLICANT_FIELDS, MEMBER_FIELDS

    t = translator(lang)
    paths = [f for f, kind in APPLICANT_FIELDS.items() if kind == "money"] + \
        [f"members.0.{f}" for f, kind in MEMBER_FIELDS.items() if kind == "money"]
    assert "annual_medical_costs" in paths
    for path in paths:
        asked = "\n".join(text_of(m, t) for m in ff.question_lines(path, RegistrationForm()))
        assert "(元)（元）" not in asked and "(yuan) in yuan" not in asked, asked
