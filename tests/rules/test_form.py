"""The registration form (附件1 登记表): enumerations as edition data, field parsing,
derived figures and the checks of 填表说明 1–23 / eligibility.md."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from rules import load_edition
from rules.facts import read_facts
from rules.form import (
    FormError,
    FormIssue,
    HouseholdMember,
    RegistrationForm,
    check_form,
    contract_band,
    form_figures,
    household_figures,
    screening_facts_from_form,
    set_field,
    validate_field,
)
from rules.form_checks import APPLICANT_FIELDS, MEMBER_FIELDS, luhn_ok
from rules.idcard import check_digit

EDITION = load_edition()
ENUMS = EDITION.form.enumerations
TODAY = dt.date(2016, 10, 20)
FORM_YAML = Path(__file__).parents[2] / "rules" / "editions" / "jiangxi-2016" / "form.yaml"


def make_id(birth: str, seq: str = "123", area: str = "360102") -> str:
    """A valid ID number (odd sequence digit = male)."""
    body = f"{area}{birth}{seq}"
    return body + check_digit(body)


def luhn_card(prefix: str) -> str:
    """``prefix`` completed with its Luhn check digit."""
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


APPLICANT_ID = make_id("19750601", "123")  # male, born 1975-06-01
WIFE_ID = make_id("19780302", "246")  # female


def complete_form(**changes) -> RegistrationForm:
    """A form that passes every check at submission."""
    data = dict(
        worker_type="worker", hardship_category="marginal", name="张三", ethnicity="汉族", sex="male",
        political_status="masses", id_number=APPLICANT_ID, birth_date=dt.date(1975, 6, 1),
        health_status="good", work_status="on_duty", model_worker="none", housing_type="rented",
        floor_area="from_20_to_50", mobile="13800138000", work_start_date=dt.date(1995, 7, 1),
        industry="education", marital_status="married", hukou="urban", address="南昌市东湖区某路1号",
        employer="某中学", unit_nature="government_institution", enterprise_status="normal",
        single_parent=False, own_monthly_income=Decimal("1500"), other_annual_income=Decimal("1200"),
        hukou_region="南昌市东湖区", medical_insurance="urban_employee", self_reliant=True,
        zero_employment=False, primary_cause="self_major_illness",
        members=[HouseholdMember(name="李四", relation="wife", sex="female", id_number=WIFE_ID,
                                 birth_date=dt.date(1978, 3, 2), monthly_income=Decimal("800"),
                                 identity="worker"),
                 HouseholdMember(name="张小", relation="son", monthly_income=Decimal("0"), identity="student")],
    )
    data.update(changes)
    return RegistrationForm(**data)


def issues(form: RegistrationForm, **kw) -> set[tuple[str, str, str]]:
    return {(i.field, i.code, i.severity) for i in check_form(form, today=TODAY, edition=EDITION, **kw)}


def codes(form: RegistrationForm, **kw) -> set[tuple[str, str]]:
    return {(f, c) for f, c, _ in issues(form, **kw)}


# --- derived figures (填表说明 15, eligibility.md) -------------------------------------------

def test_household_figures_example():
    fig = household_figures(Decimal("1500"), [Decimal("800"), Decimal("0")], Decimal("1200"))
    assert fig.size == 3
    assert fig.annual_total == Decimal("28800.00")
    assert fig.per_capita_monthly == Decimal("800.00")
    assert fig.display() == {"size": "3", "annual_total": "28800.00", "per_capita_monthly": "800.00"}


def test_household_figures_are_exact_and_displayed_half_up():
    fig = household_figures(Decimal("0"), [], Decimal("0.06"))  # 0.005 a month
    assert fig.per_capita_monthly == Decimal("0.005")
    assert fig.display()["per_capita_monthly"] == "0.01"
    third = household_figures(Decimal("1000"), [Decimal("0"), Decimal("0")], Decimal("0"))
    assert third.display()["per_capita_monthly"] == "333.33"


def test_form_figures_need_every_income():
    assert form_figures(complete_form()).annual_total == Decimal("28800")
    assert form_figures(complete_form(other_annual_income=None)) is None
    members = [HouseholdMember(name="李四", relation="wife")]
    assert form_figures(complete_form(members=members)) is None


# --- enumerations as edition data -------------------------------------------------------------

class _DuplicateKeyLoader(yaml.SafeLoader):
    def construct_mapping(self, node, deep=False):
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        dup = {k for k in keys if keys.count(k) > 1 and k != "<<"}
        assert not dup, f"duplicate keys {dup} at line {node.start_mark.line + 1}"
        return super().construct_mapping(node, deep=deep)


def test_form_yaml_has_no_duplicate_keys():
    yaml.load(FORM_YAML.read_text(encoding="utf-8"), Loader=_DuplicateKeyLoader)  # noqa: S506


@pytest.mark.parametrize("name", [n for n, _ in ENUMS.items()])
def test_every_enumeration_loads_bilingual_with_unique_keys(name):
    enum = getattr(ENUMS, name)
    assert enum.reference and enum.description
    assert enum.options
    for key, option in enum.options.items():
        assert key.isascii() and key.isidentifier() and key == key.lower()
        assert option.zh_CN.strip() and option.en.strip()
        assert any("a" <= c <= "z" for c in option.en.lower())  # English (may quote a Chinese term)
        for lang_label in (option.zh_CN, option.en, key):
            assert enum.match(lang_label) == key
    assert len({o.zh_CN for o in enum.options.values()}) == len(enum.options)
    assert len({o.en.casefold() for o in enum.options.values()}) == len(enum.options)


def test_enumeration_sizes_follow_the_policy():
    sizes = {"contract_bands": 7, "political_status": 5, "health_status": 20, "disability_types": 7,
             "disability_categories": 28, "work_status": 8, "model_worker": 5, "housing_type": 8,
             "floor_area": 4, "industry": 20, "marital_status": 4, "hukou": 2, "unit_nature": 7,
             "enterprise_status": 5, "medical_insurance": 5, "relation": 19, "member_identity": 8,
             "hardship_category": 4, "cause_groups": 10, "secondary_causes": 12, "primary_causes": 13,
             "medical_aid": 5, "attachments": 11, "key_groups": 6, "measures": 5, "plans": 8}
    assert {n: len(getattr(ENUMS, n).options) for n in sizes} == sizes


def test_enumeration_keys_match_the_screening_and_the_edition():
    for name in ("marital_status", "hukou", "sex"):
        assert getattr(ENUMS, name).keys() == EDITION.facts[name].choices
    assert set(EDITION.form_category.values()) <= set(ENUMS.hardship_category.keys())
    assert ENUMS.primary_causes.keys() == [*ENUMS.secondary_causes.keys(), "other"]
    assert {c.group for c in ENUMS.primary_causes.options.values()} == set(ENUMS.cause_groups.keys())
    bands = {k: (b.min_months, b.max_months) for k, b in ENUMS.contract_bands.options.items()}
    assert bands == {"within_half_year": (1, 6), "half_to_one_year": (7, 18), "two_years": (19, 30),
                     "three_years": (31, 42), "four_years": (43, 54), "five_years_plus": (55, 120),
                     "open_ended": (121, None)}


def test_limits_follow_the_policy():
    limit = EDITION.form.limit
    assert (limit("id_number_length"), limit("bank_card_min_digits"), limit("bank_card_max_digits")) == (18, 10, 30)
    assert (limit("home_visit_signers_min"), limit("secondary_causes_max")) == (2, 3)
    assert limit("contract_min_years_before_form") == 1


def test_field_tables_match_the_models():
    assert set(APPLICANT_FIELDS) == set(RegistrationForm.model_fields) - {"members", "confirmed"}
    assert set(MEMBER_FIELDS) == set(HouseholdMember.model_fields)
    req = EDITION.form.required
    for name in [*req.applicant, *req.migrant, *req.relief_target, *req.staff, *sum(req.one_of, [])]:
        assert name in RegistrationForm.model_fields
    assert set(req.member) <= set(HouseholdMember.model_fields)
    for _, enum in ENUMS.items():
        for option in enum.options.values():
            assert option.requires is None or option.requires in RegistrationForm.model_fields


# --- field parsing ----------------------------------------------------------------------------

def field(name, raw):
    return validate_field(name, raw, today=TODAY, edition=EDITION)


def field_error(name, raw) -> tuple[str, str]:
    with pytest.raises(FormError) as exc:
        field(name, raw)
    return exc.value.field, exc.value.code


@pytest.mark.parametrize("raw", ["已婚", "Married", "MARRIED", "married", " 已婚 "])
def test_enumeration_by_chinese_english_label_and_key(raw):
    assert field("marital_status", raw) == "married"


@pytest.mark.parametrize("name,raw,key", [
    ("political_status", "中共党员", "cpc_member"), ("political_status", "党员", "cpc_member"),
    ("relation", "公公", "husbands_father"), ("relation", "Wife's Father", "wifes_father"),
    ("work_status", "下(待)岗", "laid_off"), ("work_status", "下（待）岗", "laid_off"), ("work_status", "待岗", "laid_off"),
    ("contract_band", "半年内(6个月及以下)", "within_half_year"), ("contract_band", "半年内", "within_half_year"),
    ("contract_band", "open-ended", "open_ended"), ("contract_band", "24", "two_years"),
    ("disability_category", "听力残疾一级", "hearing_1"), ("industry", "农、林、牧、渔业", "agriculture"),
    ("unit_nature", "国家机关/事业单位", "government_institution"), ("hukou", "农业户口", "rural"),
    ("members.1.identity", "学龄前", "preschool"), ("worker_type", "困难农民工", "migrant_worker"),
    ("sex", "女", "female"), ("primary_cause", "其他", "other"), ("measure", "其他", "other"),
])
def test_enumeration_spellings(name, raw, key):
    assert field(name, raw) == key


def test_unknown_choice_is_a_code():
    assert field_error("relation", "表哥") == ("relation", "choice.unknown")
    assert field_error("members.0.relation", "cousin") == ("members.0.relation", "choice.unknown")
    assert field_error("nonsense", "x") == ("nonsense", "field.unknown")


def test_multiple_choices():
    assert field("secondary_causes", "本人大病、子女上学") == ["self_major_illness", "schooling"]
    assert field("secondary_causes", "无") == []
    assert field("medical_aid", "无") == ["none"]
    assert field("attachments", "身份材料; income; 银行卡复印件") == ["identity", "income", "bank_card_copy"]
    assert field_error("secondary_causes", "本人大病,子女上学,下岗失业,自然灾害") == (
        "secondary_causes", "secondary_causes.too_many")
    assert field_error("secondary_causes", "本人大病,本人大病") == ("secondary_causes", "choice.duplicate")
    assert field_error("medical_aid", "无,工会开展的医疗救助") == ("medical_aid", "choice.exclusive")


def test_field_values_people_type():
    assert field("own_monthly_income", "一千五") == Decimal("1500.00")
    assert field("own_monthly_income", "¥1,500") == Decimal("1500.00")
    assert field("birth_date", "1975年6月1日") == dt.date(1975, 6, 1)
    assert field("single_parent", "否") is False
    assert field("id_number", APPLICANT_ID.lower()) == APPLICANT_ID
    assert field("mobile", "+86 138-0013-8000") == "13800138000"
    assert field("bank_card", "6222 0202 0011 2345 678") == "6222020200112345678"
    assert field("home_visit_signers", "王五、赵六") == ["王五", "赵六"]
    assert field("home_visit_signers", "王五 赵六") == ["王五", "赵六"]
    assert field("contract_months", "三十六") == 36
    assert field("postcode", "330000") == "330000"


@pytest.mark.parametrize("name,raw,code", [
    ("id_number", APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1"), "id.check_digit"),
    ("id_number", "36010219750601123", "id.length"),
    ("mobile", "1380013800", "mobile.format"), ("mobile", "23800138000", "mobile.format"),
    ("mobile", "138001380OO", "mobile.format"),
    ("bank_card", "123456789", "bank_card.length"), ("bank_card", "1" * 31, "bank_card.length"),
    ("bank_card", "6222abc0200112345678", "bank_card.characters"),
    ("birth_date", "2020-01-01", "date.future"), ("own_monthly_income", "-5", "money.negative"),
    ("single_parent", "也许", "bool.invalid"), ("home_visit_signers", "王五", "home_visit_signers.too_few"),
    ("home_visit_signers", "王五、王五", "home_visit_signers.too_few"), ("postcode", "3300", "postcode.format"),
    ("contract_months", "0", "count.too_small"), ("contract_band", "很久", "choice.unknown"),
    ("name", "   ", "text.empty"), ("name", "长" * 101, "text.too_long"),
])
def test_field_errors(name, raw, code):
    assert field_error(name, raw) == (name, code)


def test_bank_card_length_bounds():
    assert field("bank_card", "1" * 10) == "1" * 10
    assert field("bank_card", "1" * 30) == "1" * 30


# --- contract bands (填表说明 1) ---------------------------------------------------------------

@pytest.mark.parametrize("months,band", [
    (1, "within_half_year"), (6, "within_half_year"), (7, "half_to_one_year"), (18, "half_to_one_year"),
    (19, "two_years"), (30, "two_years"), (31, "three_years"), (42, "three_years"), (43, "four_years"),
    (54, "four_years"), (55, "five_years_plus"), (120, "five_years_plus"), (121, "open_ended"),
    (600, "open_ended"),
])
def test_contract_band_boundaries(months, band):
    assert contract_band(months, edition=EDITION) == band
    assert contract_band(months) == band


def test_contract_band_needs_a_month():
    with pytest.raises(FormError):
        contract_band(0, edition=EDITION)


# --- check_form --------------------------------------------------------------------------------

def test_complete_form_passes():
    assert check_form(complete_form(), today=TODAY, edition=EDITION) == []


def test_empty_draft_lists_required_fields():
    found = codes(RegistrationForm())
    for name in EDITION.form.required.applicant:
        assert (name, "required") in found
    assert ("mobile", "contact.required") in found
    assert all(i.severity == "error" for i in check_form(RegistrationForm(), today=TODAY, edition=EDITION))


def test_required_field_missing():
    assert codes(complete_form(name=None)) == {("name", "required")}
    assert codes(complete_form(single_parent=None)) == {("single_parent", "required")}
    assert complete_form(single_parent=False).single_parent is False and not codes(complete_form())


def test_contact_one_of_two():
    assert codes(complete_form(mobile=None, other_contact="0791-88688900")) == set()
    assert codes(complete_form(mobile=None)) == {("mobile", "contact.required")}
    assert codes(complete_form(mobile="12345")) == {("mobile", "mobile.format")}


def test_applicant_and_member_id_numbers():
    bad = APPLICANT_ID[:-1] + ("0" if APPLICANT_ID[-1] != "0" else "1")
    assert codes(complete_form(id_number=bad)) == {("id_number", "id.check_digit")}
    members = [HouseholdMember(name="李四", relation="wife", id_number=bad, monthly_income=Decimal(0))]
    assert codes(complete_form(members=members)) == {("members.0.id_number", "id.check_digit")}
    same = [HouseholdMember(name="李四", relation="wife", id_number=APPLICANT_ID, monthly_income=Decimal(0))]
    assert ("members.0.id_number", "id.duplicate") in codes(complete_form(members=same))


def test_birth_dates_and_sex_against_the_id():
    assert codes(complete_form(birth_date=dt.date(1975, 6, 2))) == {("birth_date", "birth_date.contradicts_id")}
    assert codes(complete_form(sex="female")) == {("sex", "sex.contradicts_id")}
    future = [HouseholdMember(name="张小", relation="son", birth_date=dt.date(2017, 1, 1), monthly_income=Decimal(0))]
    assert codes(complete_form(members=future)) == {("members.0.birth_date", "date.future")}
    wrong = [HouseholdMember(name="李四", relation="wife", id_number=WIFE_ID, birth_date=dt.date(1978, 3, 3),
                             monthly_income=Decimal(0))]
    assert codes(complete_form(members=wrong)) == {("members.0.birth_date", "birth_date.contradicts_id")}


def test_bank_card_length_and_luhn_confirm():
    good = luhn_card("622202020011234567")
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert issues(complete_form(bank_card=good)) == set()
    assert issues(complete_form(bank_card=bad)) == {("bank_card", "bank_card.luhn", "confirm")}
    assert issues(complete_form(bank_card="123456789")) == {("bank_card", "bank_card.length", "error")}
    confirmed = complete_form(bank_card=bad, confirmed=["bank_card:bank_card.luhn"])
    assert issues(confirmed) == set()


def migrant(**changes) -> RegistrationForm:
    data = dict(worker_type="migrant_worker", hukou="rural", contract_signed_on=dt.date(2015, 10, 20),
                contract_months=36)
    data.update(changes)
    return complete_form(**data)


def test_migrant_contract_signed_at_least_a_year_before_the_form():
    assert codes(migrant()) == set()  # exactly one year before
    assert codes(migrant(contract_signed_on=dt.date(2015, 10, 21))) == {("contract_signed_on", "contract.too_recent")}
    assert codes(migrant(contract_signed_on=dt.date(2016, 3, 1))) == {("contract_signed_on", "contract.too_recent")}
    later_form = migrant(contract_signed_on=dt.date(2016, 3, 1), filled_on=dt.date(2017, 3, 1))
    assert codes(later_form) == set()


def test_migrant_contract_band_and_required_fields():
    assert codes(migrant(contract_band="three_years")) == set()
    assert codes(migrant(contract_band="two_years")) == {("contract_band", "contract_band.mismatch")}
    assert codes(migrant(contract_months=None, contract_band="open_ended")) == set()
    assert codes(migrant(contract_months=None, contract_signed_on=None)) == {
        ("contract_signed_on", "required"), ("contract_band", "required")}
    assert codes(migrant(contract_months=None, contract_band="forever")) == {("contract_band", "choice.unknown")}


def test_worker_type_follows_hukou():
    assert codes(complete_form(hukou="rural")) == {("worker_type", "worker_type.contradicts_hukou")}
    assert codes(migrant(hukou="urban")) == {("worker_type", "worker_type.contradicts_hukou")}


def test_secondary_causes():
    three = ["schooling", "laid_off", "natural_disaster"]
    assert codes(complete_form(secondary_causes=three)) == set()
    assert codes(complete_form(secondary_causes=[*three, "major_accident"])) == {
        ("secondary_causes", "secondary_causes.too_many")}
    assert codes(complete_form(secondary_causes=["self_major_illness"])) == {
        ("secondary_causes", "secondary_causes.contains_primary")}
    assert codes(complete_form(secondary_causes=["other"])) == {("secondary_causes", "choice.unknown")}


def test_home_visit_signers():
    assert codes(complete_form(home_visit_signers=["王五", "赵六"])) == set()
    assert codes(complete_form(home_visit_signers=["王五"])) == {("home_visit_signers", "home_visit_signers.too_few")}
    assert codes(complete_form(home_visit_signers=["王五", " 王五 "])) == {
        ("home_visit_signers", "home_visit_signers.too_few")}
    staff = codes(complete_form(), stage="file")
    assert staff == {("worker_number", "required"), ("relief_target", "required"), ("home_visit_signers", "required")}


def test_member_relation_identity_and_rows():
    ok = [HouseholdMember(name="王", relation="妻子", identity="worker", monthly_income=Decimal(0))]
    assert ("members.0.relation", "choice.unknown") in codes(complete_form(members=ok))  # keys, not labels
    bad = [HouseholdMember(name="王", relation="cousin", identity="astronaut", monthly_income=Decimal(0))]
    assert codes(complete_form(members=bad)) == {("members.0.relation", "choice.unknown"),
                                                 ("members.0.identity", "choice.unknown")}
    assert codes(complete_form(members=[HouseholdMember(relation="son")])) == {
        ("members.0.name", "required"), ("members.0.monthly_income", "required")}


def test_options_that_require_another_field():
    assert codes(complete_form(health_status="disabled")) == {("disability_category", "required")}
    assert codes(complete_form(health_status="disabled", disability_category="physical_2")) == set()
    assert codes(complete_form(medical_aid=["social"])) == {("medical_remark", "required")}
    assert codes(complete_form(medical_aid=["none", "union"])) == {("medical_aid", "choice.exclusive")}
    assert codes(complete_form(attachments=["identity", "other"])) == {("attachments_note", "required")}


def test_relief_target_needs_date_group_measure_plan():
    assert codes(complete_form(relief_target=False)) == set()
    assert codes(complete_form(relief_target=True)) == {
        ("relief_decided_on", "required"), ("key_group", "required"), ("measure", "required"), ("plan", "required")}
    full = complete_form(relief_target=True, relief_decided_on=dt.date(2016, 10, 10), key_group="expenditure_hardship",
                         measure="other", plan="golden_autumn")
    assert codes(full) == {("measure_note", "required")}
    assert codes(full.model_copy(update={"measure_note": "临时困难补助"})) == set()


def test_unknown_enumeration_values_in_a_stored_form():
    assert codes(complete_form(industry="space")) == {("industry", "choice.unknown")}
    assert issues(complete_form(hardship_category="temporary_relief")) == {
        ("hardship_category", "hardship_category.temporary_relief", "confirm")}


def test_form_issue_is_plain_data():
    assert FormIssue("bank_card", "bank_card.luhn", "confirm").severity == "confirm"
    assert FormIssue("name", "required").severity == "error"


# --- drafts and the screening ------------------------------------------------------------------

def test_set_field_for_applicant_and_members():
    form = set_field(complete_form(), "members.1.relation", "daughter")
    assert form.members[1].relation == "daughter"
    assert set_field(form, "name", "王五").name == "王五"
    grown = set_field(form, "members.2.name", "张老")
    assert len(grown.members) == 3 and grown.members[2].name == "张老" and len(form.members) == 2
    for bad in ("nonsense", "members.5.name", "members.x.name", "members.0"):
        with pytest.raises(FormError):
            set_field(form, bad, 1)


def test_screening_facts_from_form():
    facts = screening_facts_from_form(complete_form(), edition=EDITION)
    assert facts == {"household_size": 3, "household_annual_income": "28800.00", "hukou": "urban",
                     "marital_status": "married", "sex": "male", "birth_date": "1975-06-01",
                     "id_number": APPLICANT_ID}
    read = read_facts(facts, today=TODAY)
    assert read.household_annual_income == Decimal("28800.00") and read.household_size == 3


def test_screening_facts_leave_out_what_the_form_does_not_say():
    form = RegistrationForm(hukou="rural", own_monthly_income=Decimal("1000"))
    assert screening_facts_from_form(form) == {"hukou": "rural"}
    unknown = RegistrationForm(hukou="martian", sex="female", birth_date=dt.date(1970, 1, 1), id_number="123")
    assert screening_facts_from_form(unknown) == {"sex": "female", "birth_date": "1970-01-01"}
