"""Helpers for the document tests: a fully filled form, and the text of a DOCX or PDF."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from rules.form import HouseholdMember, RegistrationForm


def full_form(**changes) -> RegistrationForm:
    """Every field of the form filled (a marginal household, illness)."""
    data = dict(
        worker_type="migrant_worker", contract_signed_on=dt.date(2014, 3, 1), contract_months=36,
        contract_band="three_years", worker_number="JX2016-0042", hardship_category="marginal",
        name="张秀英", ethnicity="汉族", sex="female", political_status="masses",
        id_number="360102197506010022", birth_date=dt.date(1975, 6, 1), health_status="disabled",
        disability_category="physical_3", work_status="on_duty", model_worker="none",
        housing_type="unit_public_rental", floor_area="from_50_to_70", mobile="13907910042",
        other_contact="0791-88688823", postcode="330046", work_start_date=dt.date(1995, 7, 1),
        industry="manufacturing", marital_status="married", hukou="rural", address="南昌市青山湖区北京东路88号3栋201室",
        employer="江西洪都机械厂", unit_nature="state_owned", enterprise_status="loss_making",
        single_parent=False, own_monthly_income=Decimal("1650.5"), other_annual_income=Decimal("1200"),
        hukou_region="江西省南昌市青山湖区", medical_insurance="urban_employee", self_reliant=True,
        zero_employment=False,
        members=[HouseholdMember(name="李建国", relation="husband", sex="male", political_status="cpc_member",
                                 id_number="360102197301010038", birth_date=dt.date(1973, 1, 1),
                                 health_status="malignant_tumour", monthly_income=Decimal("0"),
                                 identity="unemployed", medical_insurance="urban_resident",
                                 school_or_employer="无"),
                 HouseholdMember(name="李小明", relation="son", sex="male", political_status="cyl_member",
                                 id_number="360102200009090011", birth_date=dt.date(2000, 9, 9),
                                 health_status="good", monthly_income=Decimal("0"), identity="student",
                                 medical_insurance="urban_resident", school_or_employer="南昌市第二中学")],
        primary_cause="dependant_major_illness", cause_summary="丈夫患肺癌，年化疗费用约四万元",
        secondary_causes=["schooling", "self_disabled"], annual_medical_costs=Decimal("40000"),
        annual_out_of_pocket=Decimal("18000.25"), annual_medical_aid=Decimal("3000"),
        basic_medical_insurance=True, medical_aid=["union", "social"], medical_remark="慈善总会资助2000元",
        bank_name="中国工商银行", bank_branch="南昌北京东路支行", bank_card="6222021234567890123",
        attachments=["identity", "income", "diagnosis", "other"], attachments_note="社区证明一份",
        relief_target=True, relief_decided_on=dt.date(2016, 10, 20), key_group="expenditure_hardship",
        key_group_note="医药支出大", measure="other", measure_note="联系慈善医疗", plan="golden_autumn",
        plan_note="儿子高中学费", home_visit_signers=["王芳", "刘强"], suggested_category="marginal",
        unit_opinion="经工会委员会集体研究，同意申报。", notice_start=dt.date(2016, 9, 29),
        notice_end=dt.date(2016, 10, 10), approved=True, approval_opinion="审核通过，同意建档。",
        filled_on=dt.date(2016, 9, 20))
    data.update(changes)
    return RegistrationForm(**data)


def docx_text(data: bytes) -> str:
    """Paragraphs and every table cell (merged cells once) of a DOCX, one per line."""
    from docx import Document
    doc = Document(io.BytesIO(data))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            seen = []
            for c in row.cells:  # a merged cell is listed once per column it spans
                if not any(c._tc is s for s in seen):
                    seen.append(c._tc)
                    lines.append(c.text)
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    """The extracted text of every page of a PDF."""
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
