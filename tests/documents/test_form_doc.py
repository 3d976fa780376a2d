"""The 登记表 (6号 附件1): every field's value is in the DOCX and the PDF text."""
import datetime as dt
import re

import pytest
from doc_readers import docx_text, full_form, pdf_text

from documents.form_doc import FormDocument, registration_form_docx, registration_form_layout, registration_form_pdf
from documents.layout import text_of
from rules.form_checks import APPLICANT_FIELDS, MEMBER_FIELDS

STAFF = dict(visited_on=dt.date(2016, 9, 25), visit_opinion="入户核实情况属实", unit_signed_on=dt.date(2016, 10, 11),
             approved_on=dt.date(2016, 10, 14))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def shown(name: str, kind: str, value, edition) -> list[str]:
    """What the paper form shows for a field value (one or more snippets)."""
    base, _, enum_name = kind.partition(":")
    if value is None or value == []:
        return []
    if base == "worker_type":
        return ["☑" + edition.worker_types[value].zh_CN]
    if base == "band":
        return [edition.form.enumerations.contract_bands.label(value, "zh_CN")]
    if base == "choice":
        return [getattr(edition.form.enumerations, enum_name).label(value, "zh_CN")]
    if base == "choices":
        return ["☑" + getattr(edition.form.enumerations, enum_name).label(k, "zh_CN") for k in value]
    if base == "bool":
        return ["☑是" if value else "☑否"]
    if base in ("date", "any_date"):
        return [f"{value.year}年{value.month}月{value.day}日"]
    if base == "money":
        return [f"{value:.2f}"]
    if base == "names":
        return ["、".join(value)]
    if base == "months":
        return []  # shown as its band (contract_band)
    return [str(value)]


@pytest.fixture
def document(form):
    return FormDocument(form=form, **STAFF)


@pytest.fixture(params=["docx", "pdf"])
def rendered(request, document, edition):
    make = registration_form_docx if request.param == "docx" else registration_form_pdf
    data = make(document, edition)
    return flat(docx_text(data) if request.param == "docx" else pdf_text(data))


def test_every_applicant_field_appears(rendered, form, edition):
    missing = []
    for name, kind in APPLICANT_FIELDS.items():
        if name == "bank_card":
            continue
        for snippet in shown(name, kind, getattr(form, name), edition):
            if flat(snippet) not in rendered:
                missing.append((name, snippet))
    assert missing == []


def test_every_member_field_appears(rendered, form, edition):
    for member in form.members:
        for name, kind in MEMBER_FIELDS.items():
            for snippet in shown(name, kind, getattr(member, name), edition):
                assert flat(snippet) in rendered, (member.name, name, snippet)


def test_header_ticks_the_worker_type_and_shows_the_contract(rendered):
    assert "□困难职工☑困难农民工" in rendered
    assert "劳动合同签订时间2014年3月1日，合同期限三年(31个月至42个月)" in rendered


def test_computed_household_figures(rendered):
    # 12 × 1650.50 + 1200 = 21006.00 for 3 people: 583.50 a month per head
    assert "21006.00" in rendered and "583.50" in rendered
    assert "*手机号码13907910042" in rendered  # starred on the paper form (one of mobile, other contact)


def test_unticked_options_are_empty_boxes(rendered):
    assert "□低保户☑低保边缘户□意外致困户□临时救助" in rendered
    assert "☑供养直系亲属大病" in rendered and "□本人大病" in rendered
    assert "☑本人残疾" in rendered  # a secondary cause
    assert "☑金秋助学计划" in rendered and "□技能培训促就业计划" in rendered


def test_declaration_signature_and_staff_boxes(rendered):
    assert "本人保证以上所填信息真实可信。" in rendered and "申请人签名：" in rendered
    assert "入户核查人员签名：王芳、刘强" in rendered and "入户核实情况属实" in rendered
    assert "2016年9月25日" in rendered
    assert "已于2016年9月29日至2016年10月10日进行公示，公示期间无异议。" in rendered
    assert "☑同意；□不同意" in rendered and "审核通过，同意建档。" in rendered and "2016年10月14日" in rendered


def test_bank_card_is_masked_unless_the_full_copy_is_asked(document, edition):
    card = document.form.bank_card
    for make, read in ((registration_form_docx, docx_text), (registration_form_pdf, pdf_text)):
        masked = flat(read(make(document, edition)))
        assert card not in masked and card[-4:] in masked and "*" * (len(card) - 4) in masked
        assert card in flat(read(make(document, edition, full_bank_card=True)))


def test_an_empty_draft_prints_blank_boxes(edition):
    from rules.form import RegistrationForm
    text = flat(pdf_text(registration_form_pdf(FormDocument(form=RegistrationForm()), edition)))
    assert "☑" not in text and "□低保户□低保边缘户" in text and "已于年月日至年月日进行公示" in text


def test_english_rendering(document, edition):
    text = text_of(registration_form_layout(document, edition, lang="en"))
    assert "Registration form" in text and "☑migrant worker in hardship" in text
    assert docx_text(registration_form_docx(document, edition, lang="en"))
    assert "I guarantee" in pdf_text(registration_form_pdf(document, edition, lang="en"))


def test_pdf_is_reproducible(document, edition):
    assert registration_form_pdf(document, edition) == registration_form_pdf(document, edition)


def test_other_changes_reach_the_document(edition):
    form = full_form(worker_type="worker", contract_signed_on=None, contract_months=None, contract_band=None,
                     hukou="urban", relief_target=False, approved=False)
    text = flat(docx_text(registration_form_docx(FormDocument(form=form), edition)))
    assert "☑困难职工□困难农民工" in text and "（☑是，□否）" not in text and "（□是，☑否）" in text
    assert "□同意；☑不同意" in text
