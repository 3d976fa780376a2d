"""The records export: one row per household, a members sheet, enumerations as text."""
import datetime as dt
import io
from decimal import Decimal

import pytest
from doc_readers import full_form
from openpyxl import load_workbook

from documents.export import ExportRecord, household_headers, member_headers, records_xlsx, write_records_xlsx
from rules.form import HouseholdMember, RegistrationForm


def households(n: int):
    for i in range(n):
        members = [HouseholdMember(name=f"成员{i}-{j}", relation="son", monthly_income=Decimal(j)) for j in range(i % 3)]
        yield ExportRecord(household_id=f"H{i:04d}", status="filed",
                           form=full_form(name=f"职工{i}", members=members, industry="education" if i % 2 else
                                          "manufacturing"))


@pytest.fixture(scope="module")
def book():
    from rules.edition import load_edition
    calls = []
    data = records_xlsx(households(25), load_edition(), exported_on=dt.date(2016, 11, 1), progress=calls.append,
                        every=10)
    return load_workbook(io.BytesIO(data)), calls


def test_one_row_per_household_and_the_members_sheet(book):
    wb, _ = book
    assert wb.sheetnames == ["困难职工档案", "家庭成员"]
    rows = list(wb["困难职工档案"].iter_rows(values_only=True))
    assert rows[0] == tuple(household_headers()) and len(rows) == 26
    assert [r[0] for r in rows[1:]] == [f"H{i:04d}" for i in range(25)]
    members = list(wb["家庭成员"].iter_rows(values_only=True))
    assert members[0] == tuple(member_headers())
    assert len(members) - 1 == sum(i % 3 for i in range(25))
    assert members[1][:3] == ("H0001", "职工1", 1) and members[1][3] == "成员1-0"


def test_enumerations_as_text_and_card_masked(book, form):
    wb, _ = book
    header, first, second = list(wb["困难职工档案"].iter_rows(values_only=True))[:3]
    row = dict(zip(header, first))
    assert row["困难类别"] == "低保边缘户" and row["所属行业"] == "制造业" and dict(zip(header, second))["所属行业"] == "教育"
    assert row["职工类型"] == "困难农民工" and row["合同期限"] == "三年(31个月至42个月)"
    assert row["健康状况"] == "残疾" and row["残疾类别"] == "肢体残疾三级(中度)"
    assert row["次要致困原因(0-3项)"] == "子女上学、本人残疾" and row["是否单亲"] == "否"
    assert row["身份证号"] == form.id_number and row["出生日期"] == "1975-06-01"
    assert row["银行卡号"] == "*" * 15 + "0123"
    assert row["本人月平均收入"] == pytest.approx(1650.5) and row["家庭人口"] == 1
    assert row["入户核查人员签名"] == "王芳、刘强"


def test_every_form_field_has_a_column():
    from documents.text import field_label
    labels = set(household_headers())
    fields = set(RegistrationForm.model_fields) - {"members", "confirmed"}
    assert {field_label(f) for f in fields} <= labels


def test_progress_every_n_rows(book):
    assert book[1] == [10, 20, 25]


def test_streams_to_a_binary_file(tmp_path, edition):
    path = tmp_path / "export.xlsx"
    with path.open("wb") as out:
        assert write_records_xlsx(households(3), edition, out, exported_on=dt.date(2016, 11, 1),
                                  full_bank_card=True, lang="en") == 3
    wb = load_workbook(path)
    header, row = list(wb["households"].iter_rows(values_only=True))[:2]
    assert dict(zip(header, row))["bank card number"] == full_form().bank_card
    assert dict(zip(header, row))["industry"] == "manufacturing"
