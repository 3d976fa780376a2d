"""The registration form 登记表 (6号 附件1) as DOCX and PDF, laid out like the paper form.

Input: :class:`FormDocument` — the draft (:class:`rules.form.RegistrationForm`) plus the
staff-stage facts the draft does not hold (visit date and opinion, the dates of the
unit's and the approving unit's opinions). The bank card is masked to its last 4
digits unless ``full_bank_card`` (the union's own file copy).
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from documents import text as tx
from documents.layout import Cell, Layout, Para, cell, grid, label
from rules.edition import Edition
from rules.form import RegistrationForm, contract_band, form_figures


class FormDocument(BaseModel):
    """A 登记表 to print: the draft and the staff boxes' dates and words."""

    model_config = ConfigDict(extra="forbid")

    form: RegistrationForm
    visited_on: dt.date | None = None
    visit_opinion: str | None = None
    unit_signed_on: dt.date | None = None
    approved_on: dt.date | None = None


def _v(value: object) -> Cell:
    return cell("" if value is None else str(value))


class _Builder:
    """Rows of the form for one document, language and edition."""

    def __init__(self, doc: FormDocument, edition: Edition, lang: str, full_card: bool):
        self.doc, self.f, self.ed, self.lang, self.full_card = doc, doc.form, edition, lang, full_card

    def lab(self, name: str, span: int = 1) -> Cell:
        return label(tx.field_label(name, self.lang, self.ed, star=True), span)

    def opt(self, name: str, enum_name: str) -> Cell:
        return _v(tx.label(enum_name, getattr(self.f, name), self.ed, self.lang))

    def date(self, value: dt.date | None) -> str:
        return tx.date(value, self.lang) or tx.t("words", "date_blank", self.lang)

    def header(self) -> str:
        f, ed, lang = self.f, self.ed, self.lang
        band = f.contract_band or (contract_band(f.contract_months, edition=ed) if f.contract_months else None)
        contract = tx.t("form", "contract", lang, signed=tx.date(f.contract_signed_on, lang) or "　　",
                        band=tx.label("contract_bands", band, ed, lang) or "　　")
        types = tx.boxes("worker_type", f.worker_type, ed, lang)
        return f"【{types}（{contract}）】"

    def person(self) -> list[list[Cell]]:
        f, fig = self.f, form_figures(self.f)
        shown = fig.display() if fig else {}
        yn = lambda v: cell(tx.yes_no(v, self.lang))  # noqa: E731
        return [
            [self.lab("worker_number"), _v(f.worker_number), self.lab("hardship_category"),
             cell(tx.boxes("hardship_category", f.hardship_category, self.ed, self.lang), span=5)],
            [self.lab("name"), _v(f.name), self.lab("ethnicity"), _v(f.ethnicity), self.lab("sex"),
             self.opt("sex", "sex"), self.lab("political_status"), self.opt("political_status", "political_status")],
            [self.lab("id_number"), _v(f.id_number), self.lab("birth_date"), cell(tx.date(f.birth_date, self.lang)),
             self.lab("health_status"), self.opt("health_status", "health_status"),
             self.lab("disability_category"), self.opt("disability_category", "disability_categories")],
            [self.lab("work_status"), self.opt("work_status", "work_status"), self.lab("model_worker"),
             self.opt("model_worker", "model_worker"), self.lab("housing_type"), self.opt("housing_type", "housing_type"),
             self.lab("floor_area"), self.opt("floor_area", "floor_area")],
            [self.lab("mobile"), _v(f.mobile), self.lab("other_contact"), _v(f.other_contact), self.lab("postcode"),
             _v(f.postcode), self.lab("work_start_date"), cell(tx.date(f.work_start_date, self.lang))],
            [self.lab("industry"), self.opt("industry", "industry"), self.lab("marital_status"),
             self.opt("marital_status", "marital_status"), self.lab("hukou"), self.opt("hukou", "hukou"),
             self.lab("single_parent"), yn(f.single_parent)],
            [self.lab("address"), cell(f.address or "", span=3), self.lab("employer"), cell(f.employer or "", span=3)],
            [self.lab("unit_nature"), self.opt("unit_nature", "unit_nature"), self.lab("enterprise_status"),
             self.opt("enterprise_status", "enterprise_status"), self.lab("hukou_region"), _v(f.hukou_region),
             self.lab("medical_insurance"), self.opt("medical_insurance", "medical_insurance")],
            [self.lab("own_monthly_income"), cell(tx.money(f.own_monthly_income)), self.lab("other_annual_income"),
             cell(tx.money(f.other_annual_income)), self.lab("annual_total"), cell(shown.get("annual_total", "")),
             self.lab("household_size"), cell(shown.get("size", ""))],
            [self.lab("per_capita_monthly"), cell(shown.get("per_capita_monthly", "")), self.lab("self_reliant"),
             yn(f.self_reliant), self.lab("zero_employment"), yn(f.zero_employment), cell("", span=2)],
        ]

    def members(self) -> list[list[Cell]]:
        names = ["name", "relation", "sex", "political_status", "id_number", "birth_date", "health_status",
                 "monthly_income", "identity", "medical_insurance", "school_or_employer"]
        head = [label(tx.field_label("members", self.lang))]
        head += [label(tx.t("member_fields", n, self.lang)) for n in names]
        rows = [head]
        for m in self.f.members or []:
            lab = lambda e, k: tx.label(e, k, self.ed, self.lang)  # noqa: E731
            rows.append([cell(""), _v(m.name), cell(lab("relation", m.relation)), cell(lab("sex", m.sex)),
                         cell(lab("political_status", m.political_status)), _v(m.id_number),
                         cell(tx.date(m.birth_date, self.lang)), cell(lab("health_status", m.health_status)),
                         cell(tx.money(m.monthly_income)), cell(lab("member_identity", m.identity)),
                         cell(lab("medical_insurance", m.medical_insurance)), _v(m.school_or_employer)])
        if len(rows) == 1:
            rows.append([cell("") for _ in head])
        return rows

    def primary_causes(self) -> list[str]:
        """The primary-cause boxes grouped as on the form (因病致困 has four)."""
        causes, groups, lines = tx.enum("primary_causes", self.ed), tx.enum("cause_groups", self.ed), []
        for n, group in enumerate(groups.keys(), 1):
            keys = [k for k, o in causes.options.items() if o.group == group]
            ticks = "；".join(f"{tx.box(k == self.f.primary_cause)}{causes.label(k, self.lang)}" for k in keys)
            lines.append(f"{n}、{groups.label(group, self.lang)}：{ticks}" if len(keys) > 1 else f"{n}、{ticks}")
        return lines

    def causes(self) -> list[list[Cell]]:
        f, lang = self.f, self.lang
        summary = cell(tx.field_label("cause_summary", lang) + "：", f.cause_summary or "", "",
                       tx.t("form", "declaration", lang), tx.t("form", "applicant_signature", lang, name="＿＿＿＿＿＿"),
                       self.date(f.filled_on))
        return [[self.lab("primary_cause"), cell(*self.primary_causes()), summary],
                [self.lab("secondary_causes"),
                 cell(tx.boxes("secondary_causes", f.secondary_causes, self.ed, lang, sep="；"), span=2)]]

    def medical(self) -> list[list[Cell]]:
        f, lang = self.f, self.lang
        names = ["annual_medical_costs", "annual_out_of_pocket", "annual_medical_aid", "basic_medical_insurance",
                 "medical_aid", "medical_remark"]
        return [[label(tx.field_label("medical_info", lang))] + [self.lab(n) for n in names],
                [cell(""), cell(tx.money(f.annual_medical_costs)), cell(tx.money(f.annual_out_of_pocket)),
                 cell(tx.money(f.annual_medical_aid)), cell(tx.yes_no(f.basic_medical_insurance, lang)),
                 cell(tx.boxes("medical_aid", f.medical_aid, self.ed, lang, sep="；")), _v(f.medical_remark)]]

    def bank(self) -> list[list[Cell]]:
        f, lang = self.f, self.lang
        card = tx.mask_card(f.bank_card, self.full_card)
        if f.bank_card and card != f.bank_card:
            card += tx.t("form", "card_masked", lang)
        return [[self.lab("bank_name"), _v(f.bank_name), self.lab("bank_branch"), _v(f.bank_branch),
                 self.lab("bank_card"), cell(card)]]

    def attachments(self) -> list[list[Cell]]:
        f = self.f
        return [[self.lab("attachments"), cell(tx.boxes("attachments", f.attachments, self.ed, self.lang, sep="；"))],
                [self.lab("attachments_note"), _v(f.attachments_note)]]

    def relief(self) -> list[list[Cell]]:
        f, lang, ed = self.f, self.lang, self.ed
        head = tx.t("form", "relief", lang, yes=tx.box(f.relief_target is True), no=tx.box(f.relief_target is False),
                    date=self.date(f.relief_decided_on))
        note = tx.t("form", "note", lang) + "："
        return [[cell(head, span=3)],
                [self.lab("key_group"), self.lab("measure"), self.lab("plan")],
                [cell(*tx.boxes("key_groups", f.key_group, ed, lang, sep="\n").split("\n")),
                 cell(*tx.boxes("measures", f.measure, ed, lang, sep="\n").split("\n")),
                 cell(*tx.boxes("plans", f.plan, ed, lang, sep="\n").split("\n"))],
                [cell(note + (f.key_group_note or "")), cell(note + (f.measure_note or "")),
                 cell(note + (f.plan_note or ""))]]

    def staff(self) -> list[list[Cell]]:
        f, d, lang = self.f, self.doc, self.lang
        signers = "、".join(f.home_visit_signers or [])
        visit = cell(tx.t("form", "visit_suggest", lang), tx.boxes("hardship_category", f.suggested_category,
                                                                      self.ed, lang), d.visit_opinion or "",
                     tx.t("form", "visit_signers", lang, names=signers), self.date(d.visited_on))
        unit = cell(tx.t("form", "unit_notice", lang, start=self.date(f.notice_start), end=self.date(f.notice_end)),
                    f.unit_opinion or "", tx.t("words", "seal", lang), self.date(d.unit_signed_on))
        verdict = (f"{tx.box(f.approved is True)} {tx.t('words', 'agree', lang)}；"
                   f"{tx.box(f.approved is False)} {tx.t('words', 'disagree', lang)}")
        approval = cell(verdict, f.approval_opinion or "", tx.t("words", "seal", lang), self.date(d.approved_on))
        return [[label(tx.t("form", "visit_box", lang)), label(tx.t("form", "unit_box", lang)),
                 label(tx.t("form", "approval_box", lang))], [visit, unit, approval]]


def registration_form_layout(doc: FormDocument, edition: Edition, *, lang: str = "zh_CN",
                             full_bank_card: bool = False) -> Layout:
    """The 登记表 as a page description."""
    b = _Builder(doc, edition, lang, full_bank_card)
    pairs = [1.25, 1.5] * 4
    blocks = (Para(tx.t("form", "title", lang), "center", 15, True), Para(b.header(), "center", 10),
              grid(pairs, b.person()),
              grid([1.2, 1, 0.8, 0.5, 1, 1.9, 1.1, 1.1, 0.9, 0.8, 1.2, 1.6], b.members()),
              grid([1.25, 4.6, 3.5], b.causes()),
              grid([1.25, 1.1, 1.1, 1.1, 1.1, 3.6, 1.6], b.medical()),
              grid([1.25, 2, 1.1, 2, 1.1, 2.9], b.bank()),
              grid([1.25, 9.1], b.attachments()), grid([1, 1, 1], b.relief()), grid([1, 1, 1], b.staff()))
    return Layout(tx.t("form", "title", lang), blocks, landscape=True, font_size=8.5)


def registration_form_docx(doc: FormDocument, edition: Edition, *, lang: str = "zh_CN",
                           full_bank_card: bool = False) -> bytes:
    """The 登记表 as DOCX bytes."""
    from documents.docx_out import to_docx  # loaded when a document is made (RSS)
    return to_docx(registration_form_layout(doc, edition, lang=lang, full_bank_card=full_bank_card))


def registration_form_pdf(doc: FormDocument, edition: Edition, *, lang: str = "zh_CN",
                          full_bank_card: bool = False) -> bytes:
    """The 登记表 as PDF bytes."""
    from documents.pdf_out import to_pdf  # loaded when a document is made (RSS)
    return to_pdf(registration_form_layout(doc, edition, lang=lang, full_bank_card=full_bank_card))
