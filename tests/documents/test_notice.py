"""The public notice (6号 附件2): 5 working days, and nothing private on it."""
import datetime as dt
import re
from decimal import Decimal

import pytest
from doc_readers import docx_text, full_form, pdf_text
from pydantic import ValidationError

from documents.notice import NoticeHousehold, PublicNotice, notice_docx, notice_household, notice_pdf


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def notice(form, edition):
    other = full_form(name="陈大伟", id_number="360102198002020017", address="南昌市西湖区中山路1号",
                      health_status="end_stage_renal", primary_cause="laid_off", members=[],
                      own_monthly_income=Decimal("1500"), other_annual_income=Decimal("0"))
    return PublicNotice(unit="江西洪都机械厂", start=dt.date(2016, 9, 29),
                        households=[notice_household(form, edition), notice_household(other, edition)],
                        contact_person="王芳", report_phone="0791-88688823", issued_on=dt.date(2016, 9, 28))


@pytest.fixture(params=["docx", "pdf"])
def rendered(request, notice, edition):
    if request.param == "docx":
        return flat(docx_text(notice_docx(notice, edition)))
    return flat(pdf_text(notice_pdf(notice, edition)))


def test_period_spans_national_day(rendered):
    # 9-29, 9-30 working; 10-1..10-7 holiday; 10-8 (Sat) and 10-9 (Sun) make-up working days; 10-10 the 5th
    assert "公示期为2016年9月29日至2016年10月10日" in rendered
    assert "请在2016年10月10日前向本单位工会反映" in rendered
    assert "本次共有2户申请" in rendered


def test_rows_contact_and_date(rendered):
    assert "张秀英3" in rendered and "1650.50583.50因病致困" in rendered
    assert "陈大伟1" in rendered and "1500.001500.00下岗失业" in rendered
    assert "单位工会联系人：王芳" in rendered and "举报电话：0791-88688823" in rendered
    assert "江西洪都机械厂工会委员会（章）" in rendered and "2016年9月28日" in rendered


def test_no_id_number_address_or_illness(rendered, form, edition):
    people = [form, *form.members]
    forbidden = [p.id_number for p in people] + ["360102198002020017", form.address, "南昌市西湖区中山路1号",
                                                   form.cause_summary, "肺癌", "尿毒症"]
    forbidden += [o.zh_CN for k, o in edition.form.enumerations.health_status.options.items() if k != "good"]
    forbidden += [o.zh_CN for o in edition.form.enumerations.disability_categories.options.values()]
    forbidden += [d.zh_CN for d in [*edition.major_diseases.items, edition.major_diseases.paralysis]]
    forbidden.append(edition.form.enumerations.primary_causes.label(form.primary_cause, "zh_CN"))  # 供养直系亲属大病
    found = [f for f in forbidden if f and flat(f) in rendered]
    assert found == []
    assert not re.search(r"\d{17}[\dXx]", rendered)


def test_the_input_model_has_no_place_for_private_data():
    assert set(NoticeHousehold.model_fields) == {"applicant", "household_size", "applicant_monthly_income",
                                                 "per_capita_monthly_income", "cause_group"}
    with pytest.raises(ValidationError):
        NoticeHousehold(applicant="x", household_size=1, applicant_monthly_income=Decimal(1),
                        per_capita_monthly_income=Decimal(1), cause_group="illness", id_number="360102197506010022")


def test_objection_date_can_be_set(notice, edition):
    text = flat(docx_text(notice_docx(notice.model_copy(update={"objections_by": dt.date(2016, 10, 9)}), edition)))
    assert "请在2016年10月9日前" in text


def test_unknown_cause_group_is_refused(notice, edition):
    bad = notice.model_copy(update={"households": [NoticeHousehold(
        applicant="x", household_size=1, applicant_monthly_income=Decimal(1), per_capita_monthly_income=Decimal(1),
        cause_group="cancer")]})
    with pytest.raises(KeyError):
        notice_pdf(bad, edition)


def test_a_draft_without_incomes_has_no_row(edition):
    with pytest.raises(ValueError):
        notice_household(full_form(own_monthly_income=None), edition)
