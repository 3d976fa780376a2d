"""The public notice 困难职工公示 (6号 附件2, 6号 三(一)3) as DOCX and PDF.

What may be posted is decided by construction: :class:`NoticeHousehold` holds only the
applicant's name, the household size, two incomes and the *cause group* (因病致困,
下岗失业, ...). It has no field for an ID number, an address or an illness, and
:func:`notice_household` derives one from a draft by dropping everything else.
The period is 5 working days (edition parameter) from rules.workdays.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from documents import text as tx
from documents.layout import Layout, Para, cell, grid, label
from rules.edition import Edition
from rules.form import RegistrationForm, form_figures
from rules.workdays import NoticeDates, notice_dates


class NoticeHousehold(BaseModel):
    """One row of the notice: nothing that identifies beyond the name, no illness."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    applicant: str = Field(min_length=1)
    household_size: int = Field(ge=1)
    applicant_monthly_income: Decimal
    per_capita_monthly_income: Decimal
    cause_group: str = Field(min_length=1)  # a key of the edition's cause_groups


class PublicNotice(BaseModel):
    """A notice: the unit, its first day, the households, the contact and the date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: str = Field(min_length=1)
    start: dt.date
    households: list[NoticeHousehold] = Field(min_length=1)
    contact_person: str = Field(min_length=1)
    report_phone: str = Field(min_length=1)
    issued_on: dt.date
    objections_by: dt.date | None = None  # default: the notice's last day


def notice_household(form: RegistrationForm, edition: Edition) -> NoticeHousehold:
    """The notice row of a draft (ValueError while name, incomes or main cause are missing)."""
    figures = form_figures(form)
    if not form.name or figures is None or form.own_monthly_income is None or not form.primary_cause:
        raise ValueError("a notice row needs the name, every income and the main cause")
    group = tx.enum("primary_causes", edition).options[form.primary_cause].group
    return NoticeHousehold(applicant=form.name, household_size=figures.size,
                           applicant_monthly_income=form.own_monthly_income,
                           per_capita_monthly_income=figures.per_capita_monthly, cause_group=group)


def notice_period(start: dt.date, edition: Edition) -> NoticeDates:
    """The notice's working-day period (start counts if it is a working day)."""
    return notice_dates(start, notice_days=int(edition.param("public_notice_working_days")),
                        entry_days=int(edition.param("entry_deadline_working_days")))


def notice_layout(notice: PublicNotice, edition: Edition, *, lang: str = "zh_CN") -> Layout:
    """The notice as a page description."""
    end = notice_period(notice.start, edition).notice_end
    d = lambda v: tx.date(v, lang)  # noqa: E731
    body = tx.t("notice", "body", lang, count=len(notice.households), start=d(notice.start), end=d(end),
                objection=d(notice.objections_by or end))
    head = [label(tx.t("notice", k, lang)) for k in ("applicant", "size", "income", "per_capita", "cause")]
    rows = [head] + [[cell(h.applicant, align="center"), cell(str(h.household_size), align="center"),
                      cell(tx.money(h.applicant_monthly_income), align="right"),
                      cell(tx.money(h.per_capita_monthly_income), align="right"),
                      cell(tx.label("cause_groups", h.cause_group, edition, lang), align="center")]
                     for h in notice.households]
    blocks = (Para(tx.t("notice", "title", lang), "center", 18, True), Para(""), Para(body, size=11),
              Para(tx.t("notice", "content", lang), "center", 13, True),
              grid([1.2, 1.2, 1.4, 1.4, 1.6], rows), Para(""),
              Para(tx.t("notice", "contact", lang, name=notice.contact_person), size=11),
              Para(tx.t("notice", "phone", lang, phone=notice.report_phone), size=11), Para(""),
              Para(tx.t("notice", "committee", lang, unit=notice.unit), "right", 11),
              Para(d(notice.issued_on), "right", 11))
    return Layout(tx.t("notice", "title", lang), blocks, font_size=10.5)


def notice_docx(notice: PublicNotice, edition: Edition, *, lang: str = "zh_CN") -> bytes:
    """The notice as DOCX bytes."""
    from documents.docx_out import to_docx  # loaded when a document is made (RSS)
    return to_docx(notice_layout(notice, edition, lang=lang))


def notice_pdf(notice: PublicNotice, edition: Edition, *, lang: str = "zh_CN") -> bytes:
    """The notice as PDF bytes."""
    from documents.pdf_out import to_pdf  # loaded when a document is made (RSS)
    return to_pdf(notice_layout(notice, edition, lang=lang))
