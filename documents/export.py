"""The records export: every 登记表 field of every household as text (enumerations as
their labels), one row per household, and a second sheet of family members.

Streamed row by row (documents/xlsx_stream.py: the households sheet straight into the
ZIP, the members sheet through a temporary file), so memory stays flat however many
households the iterator yields.
Columns follow the form's field list in rules (APPLICANT_FIELDS / MEMBER_FIELDS).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict

from documents import text as tx
from documents.xlsx_stream import StreamingWorkbook
from rules.edition import Edition
from rules.form import RegistrationForm, form_figures
from rules.form_checks import APPLICANT_FIELDS, MEMBER_FIELDS

FIGURES = ("household_size", "annual_total", "per_capita_monthly")  # computed (填表说明 15)
_AFTER = "other_annual_income"
CREATOR = "hardship-filing-assistant"


class ExportRecord(BaseModel):
    """One household to export: its record id, its status, and its form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    household_id: str
    status: str | None = None
    form: RegistrationForm


def _labels(name: str, edition: Edition, lang: str) -> dict[str, str]:
    """Option key -> label of one enumeration (looked up once, not per cell)."""
    options = tx.enum(name, edition)
    return {key: options.label(key, lang) for key in options.keys()}


def _renderer(kind: str, edition: Edition, lang: str, full_card: bool) -> Callable[[Any], Any] | None:
    """How one field kind becomes cell text (or a number); None: the value is the text."""
    base, _, name = kind.partition(":")
    if base in ("choice", "worker_type", "band"):
        labels = _labels(name or ("contract_bands" if base == "band" else "worker_type"), edition, lang)
        return lambda v: labels[v] if v else None
    if base == "choices":
        labels = _labels(name, edition, lang)
        return lambda v: "、".join([labels[k] for k in v]) if v else None
    if base == "bool":
        yes, no = tx.t("words", "answer_yes", lang), tx.t("words", "answer_no", lang)
        return lambda v: None if v is None else (yes if v else no)
    if base in ("date", "any_date"):
        return lambda v: v.isoformat() if v else None
    if base == "money":
        return lambda v: None if v is None else Decimal(v).quantize(tx.CENT, rounding=ROUND_HALF_UP)
    if base == "names":
        return lambda v: "、".join(v) if v else None
    if base == "bank_card":
        return lambda v: tx.mask_card(v, full_card) or None
    return None  # text as it is ("" is an empty cell, as None)


class RecordRows:
    """How one household becomes its rows: the household row (fields in the form's order,
    the computed figures after ``other_annual_income``) and one row per member. The
    renderers are looked up once, the fields read with one ``attrgetter`` call."""

    def __init__(self, edition: Edition, lang: str = "zh_CN", full_bank_card: bool = False) -> None:
        names = list(APPLICANT_FIELDS)
        cut = names.index(_AFTER) + 1
        self._head, self._tail = attrgetter(*names[:cut]), attrgetter(*names[cut:])
        renders = [_renderer(APPLICANT_FIELDS[n], edition, lang, full_bank_card) for n in names]
        self._head_renders, self._tail_renders = renders[:cut], renders[cut:]
        self._member = attrgetter(*MEMBER_FIELDS)
        self._member_renders = [_renderer(k, edition, lang, full_bank_card) for k in MEMBER_FIELDS.values()]
        money = _renderer("money", edition, lang, full_bank_card)
        assert money is not None
        self._money = money

    def household(self, record: ExportRecord) -> list[Any]:
        form, money = record.form, self._money
        row: list[Any] = [record.household_id, record.status]
        row += [v if render is None else render(v) for render, v in zip(self._head_renders, self._head(form))]
        fig = form_figures(form)
        row += [None, None, None] if fig is None else [fig.size, money(fig.annual_total),
                                                       money(fig.per_capita_monthly)]
        row += [v if render is None else render(v) for render, v in zip(self._tail_renders, self._tail(form))]
        return row

    def members(self, record: ExportRecord) -> list[list[Any]]:
        form, renders = record.form, self._member_renders
        return [[record.household_id, form.name, i,
                 *[v if render is None else render(v) for render, v in zip(renders, self._member(m))]]
                for i, m in enumerate(form.members, 1)]


def household_headers(lang: str = "zh_CN") -> list[str]:
    """The household sheet's header (record id, status, form fields, computed figures)."""
    names = ["household_id", "status"]
    for name in APPLICANT_FIELDS:
        names.append(name)
        if name == _AFTER:
            names += FIGURES
    return [tx.field_label(n, lang) for n in names]


def member_headers(lang: str = "zh_CN") -> list[str]:
    """The member sheet's header."""
    return [tx.field_label("household_id", lang), tx.field_label("name", lang) + "（户主）", "#",
            *(tx.t("member_fields", n, lang) for n in MEMBER_FIELDS)]


def write_records_xlsx(records: Iterable[ExportRecord], edition: Edition, stream: BinaryIO, *,
                       exported_on: dt.date, lang: str = "zh_CN", full_bank_card: bool = False,
                       progress: Callable[[int], None] | None = None, every: int = 1000) -> int:
    """Stream the export to ``stream``; call ``progress(count)`` every ``every`` rows; return the count."""
    title = tx.t("words", "household_sheet", lang)
    make, count = RecordRows(edition, lang, full_bank_card), 0
    with StreamingWorkbook(stream, created=exported_on, title=title, creator=CREATOR) as wb:
        households, members = wb.sheet(title), wb.sheet(tx.t("words", "member_sheet", lang))
        households.append(household_headers(lang))
        members.append(member_headers(lang))
        for record in records:
            households.append(make.household(record))
            for row in make.members(record):
                members.append(row)
            count += 1
            if progress is not None and count % every == 0:
                progress(count)
    if progress is not None and count % every:
        progress(count)
    return count


def records_xlsx(records: Iterable[ExportRecord], edition: Edition, *, exported_on: dt.date,
                 lang: str = "zh_CN", full_bank_card: bool = False,
                 progress: Callable[[int], None] | None = None, every: int = 1000) -> bytes:
    """The export as bytes (for small exports; stream large ones with write_records_xlsx)."""
    out = io.BytesIO()
    write_records_xlsx(records, edition, out, exported_on=exported_on, lang=lang, full_bank_card=full_bank_card,
                       progress=progress, every=every)
    return out.getvalue()
