"""The contact card 困难职工解困脱困联系卡 (7号 附件1) as DOCX and PDF: both copies,
帮扶责任人存 and 困难职工存, one under the other on one A4 page.

The measure and plan lists come from the edition (their order is the card's); the
option that needs a note (其他(注明)) carries it.
"""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from documents import text as tx
from documents.layout import Cell, Layout, Para, cell, grid, label
from rules.edition import Edition
from rules.form import RegistrationForm


class CardMember(BaseModel):
    """A family member on the card: name and relation (relation key)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    relation: str | None = None


class ContactCard(BaseModel):
    """Every field of the card; enumerations hold the edition's option keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    worker_number: str | None = None
    name: str = Field(min_length=1)
    sex: str | None = None
    birth_date: dt.date | None = None
    address: str | None = None
    employer: str | None = None
    members: list[CardMember] = []
    primary_cause: str | None = None
    category: str | None = None
    relief_by: dt.date | None = None  # its year and month are printed: 2017年6月底前
    contact: str | None = None
    helping_unit: str | None = None
    helper_name: str | None = None
    helper_title: str | None = None
    helper_contact: str | None = None
    liaison_name: str | None = None
    liaison_title: str | None = None
    liaison_contact: str | None = None
    measure: str | None = None
    measure_note: str | None = None
    plan: str | None = None
    plan_note: str | None = None
    remark: str | None = None


def card_from_form(form: RegistrationForm, **staff: object) -> ContactCard:
    """A card from a filed draft plus the staff's fields (relief_by, helper_name, ...)."""
    members = [CardMember(name=m.name, relation=m.relation) for m in form.members if m.name]
    return ContactCard(worker_number=form.worker_number, name=form.name or "", sex=form.sex,
                       birth_date=form.birth_date, address=form.address, employer=form.employer,
                       members=members, primary_cause=form.primary_cause, category=form.hardship_category,
                       contact=form.mobile or form.other_contact, measure=form.measure,
                       measure_note=form.measure_note, plan=form.plan, plan_note=form.plan_note, **staff)


def _options(name: str, chosen: str | None, note: str | None, edition: Edition, lang: str) -> str:
    """Numbered boxes; the chosen option that requires a note shows it."""
    options, parts = tx.enum(name, edition), []
    for i, (key, option) in enumerate(options.options.items(), 1):
        text = f"{i}.{tx.box(key == chosen)}{option.get(lang)}"
        if key == chosen and option.requires and note:
            text += f"：{note}"
        parts.append(text)
    return "；".join(parts)


def _copy(card: ContactCard, copy: str, edition: Edition, lang: str) -> tuple:
    c = lambda k: label(tx.t("card", k, lang))  # noqa: E731
    v = lambda value, span=1: cell(value or "", span=span)  # noqa: E731
    members = "、".join(f"{m.name}（{tx.label('relation', m.relation, edition, lang)}）" if m.relation else m.name
                       for m in card.members)
    deadline = (tx.t("card", "deadline_text", lang, year=card.relief_by.year, month=card.relief_by.month)
                if card.relief_by else tx.t("card", "deadline_text", lang, year="　　", month="　　")
                if lang.startswith("zh") else "")
    rows: list[list[Cell]] = [
        [c("worker_number"), v(card.worker_number), c("name"), v(card.name), c("sex"),
         v(tx.label("sex", card.sex, edition, lang)), c("birth"), v(tx.month(card.birth_date, lang))],
        [c("address"), v(card.address, 7)], [c("employer"), v(card.employer, 7)], [c("members"), v(members, 7)],
        [c("cause"), v(tx.label("primary_causes", card.primary_cause, edition, lang), 3), c("category"),
         v(tx.label("hardship_category", card.category, edition, lang), 3)],
        [c("deadline"), v(deadline, 3), c("contact"), v(card.contact, 3)],
        [c("helping_unit"), v(card.helping_unit, 7)],
        [c("helper"), v(card.helper_name), c("title_"), v(card.helper_title), c("contact"),
         v(card.helper_contact, 3)],
        [c("liaison"), v(card.liaison_name), c("title_"), v(card.liaison_title), c("contact"),
         v(card.liaison_contact, 3)],
        [c("measures"), v(_options("measures", card.measure, card.measure_note, edition, lang), 7)],
        [c("plans"), v(_options("plans", card.plan, card.plan_note, edition, lang), 7)],
        [c("remark"), v(card.remark, 7)],
    ]
    title = tx.t("card", "title", lang, copy=tx.t("card", copy, lang))
    return Para(title, "center", 14, True), grid([1.5, 1.3, 1.1, 1.2, 1.1, 0.9, 1.1, 1.4], rows)


def card_layout(card: ContactCard, edition: Edition, *, lang: str = "zh_CN") -> Layout:
    """Both copies of the card as a page description."""
    helper, worker = _copy(card, "copy_helper", edition, lang), _copy(card, "copy_worker", edition, lang)
    blocks = (*helper, Para(""), Para(""), Para(""), *worker)
    return Layout(tx.t("card", "title", lang, copy="").replace("（）", "").replace(" ()", ""), blocks,
                  font_size=9.5)


def card_docx(card: ContactCard, edition: Edition, *, lang: str = "zh_CN") -> bytes:
    """The card (both copies) as DOCX bytes."""
    from documents.docx_out import to_docx  # loaded when a document is made (RSS)
    return to_docx(card_layout(card, edition, lang=lang))


def card_pdf(card: ContactCard, edition: Edition, *, lang: str = "zh_CN") -> bytes:
    """The card (both copies) as PDF bytes."""
    from documents.pdf_out import to_pdf  # loaded when a document is made (RSS)
    return to_pdf(card_layout(card, edition, lang=lang))
