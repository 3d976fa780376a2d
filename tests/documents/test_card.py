"""The contact card (7号 附件1): both copies carry every field."""
import datetime as dt
import re

import pytest
from doc_readers import docx_text, pdf_text

from documents.card import CardMember, ContactCard, card_docx, card_from_form, card_pdf

STAFF = dict(relief_by=dt.date(2017, 6, 30), helping_unit="江西洪都机械厂工会", helper_name="赵国庆",
             helper_title="工会副主席", helper_contact="13800000001", liaison_name="孙丽", liaison_title="工会干事",
             liaison_contact="0791-88688900", remark="每季度回访一次")


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture
def card(form):
    return card_from_form(form, **STAFF)


@pytest.fixture(params=["docx", "pdf"])
def rendered(request, card, edition):
    if request.param == "docx":
        return flat(docx_text(card_docx(card, edition)))
    return flat(pdf_text(card_pdf(card, edition)))


def test_both_copies(rendered):
    assert rendered.count("困难职工解困脱困联系卡（帮扶责任人存）") == 1
    assert rendered.count("困难职工解困脱困联系卡（困难职工存）") == 1


@pytest.mark.parametrize("snippet", [
    "职工编号", "JX2016-0042", "职工姓名", "张秀英", "性别", "女", "出生年月", "1975年6月", "家庭住址",
    "南昌市青山湖区北京东路88号3栋201室", "工作单位", "江西洪都机械厂", "家庭主要成员", "李建国（丈夫）、李小明（儿子）",
    "致困原因", "供养直系亲属大病", "困难类别", "低保边缘户", "帮扶任务完成时限", "2017年6月底前实现解困脱困",
    "联系方式", "13907910042", "帮扶单位", "江西洪都机械厂工会", "帮扶责任人", "赵国庆", "职务", "工会副主席",
    "13800000001", "困难职工所属工会联络人姓名", "孙丽", "工会干事", "0791-88688900", "解困脱困措施选项",
    "解困脱困计划选项", "备注", "每季度回访一次"])
def test_every_field_in_both_copies(rendered, snippet):
    assert rendered.count(flat(snippet)) >= 2


def test_measure_and_plan_ticked_with_the_note(rendered):
    assert rendered.count("1.□就业创业发展；2.□纳入社保制度覆盖；3.□纳入大病保险和医疗互助保险保障；"
                          "4.□社会救助兜底；5.☑其他(注明)：联系慈善医疗") == 2
    assert rendered.count("4.□职工医疗互助计划；5.☑金秋助学计划；6.□一帮一结对计划") == 2
    assert rendered.count("☑") == 4


def test_blank_card_keeps_the_deadline_sentence(edition):
    text = flat(docx_text(card_docx(ContactCard(name="王五", members=[CardMember(name="王六")]), edition)))
    assert "年月底前实现解困脱困" in text and "王六" in text and "☑" not in text
