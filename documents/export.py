"""The records export: every 登记表 field of every household as text (enumerations as
their labels), one row per household, and a second sheet of family members.

Streamed with openpyxl's write-only mode (rows go to temporary files as they are
written), so memory stays flat however many households the iterator yields.
Columns follow the form's field list in rules (APPLICANT_FIELDS / MEMBER_FIELDS).
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, BinaryIO

from pydantic import BaseModel, ConfigDict

from documents import text as tx
from rules.edition import Edition
from rules.form import RegistrationForm, form_figures
from rules.form_checks import APPLICANT_FIELDS, MEMBER_FIELDS

FIGURES = ("household_size", "annual_total", "per_capita_monthly")  # computed (填表说明 15)
_AFTER = "other_annual_income"


class ExportRecord(BaseModel):
    """One household to export: its record id, its status, and its form."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    household_id: str
    status: str | None = None
    form: RegistrationForm


def _renderer(kind: str, edition: Edition, lang: str, full_card: bool) -> Callable[[Any], Any]:
    """How one field kind becomes cell text (or a number)."""
    base, _, name = kind.partition(":")
    if base in ("choice", "worker_type", "band"):
        options = tx.enum(name or ("contract_bands" if base == "band" else "worker_type"), edition)
        return lambda v: options.label(v, lang) if v else None
    if base == "choices":
        options = tx.enum(name, edition)
        return lambda v: "、".join(options.label(k, lang) for k in v) if v else None
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
    return lambda v: v if v != "" else None


def _columns(fields: dict[str, str], edition: Edition, lang: str, full_card: bool) -> list[tuple[str, Callable]]:
    return [(name, _renderer(kind, edition, lang, full_card)) for name, kind in fields.items()]


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
    from openpyxl import Workbook

    from documents.xlsx_out import save

    wb = Workbook(write_only=True)
    households = wb.create_sheet(tx.t("words", "household_sheet", lang))
    members = wb.create_sheet(tx.t("words", "member_sheet", lang))
    households.append(household_headers(lang))
    members.append(member_headers(lang))
    columns = _columns(APPLICANT_FIELDS, edition, lang, full_bank_card)
    member_columns = _columns(MEMBER_FIELDS, edition, lang, full_bank_card)
    money = _renderer("money", edition, lang, full_bank_card)
    count = 0
    for record in records:
        form = record.form
        row: list[Any] = [record.household_id, record.status]
        for name, render in columns:
            row.append(render(getattr(form, name)))
            if name == _AFTER:
                fig = form_figures(form)
                row += [None, None, None] if fig is None else [fig.size, money(fig.annual_total),
                                                               money(fig.per_capita_monthly)]
        households.append(row)
        for i, member in enumerate(form.members, 1):
            members.append([record.household_id, form.name, i,
                            *(render(getattr(member, name)) for name, render in member_columns)])
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    if progress is not None and count % every:
        progress(count)
    save(wb, stream, exported_on, tx.t("words", "household_sheet", lang))
    return count


def records_xlsx(records: Iterable[ExportRecord], edition: Edition, *, exported_on: dt.date,
                 lang: str = "zh_CN", full_bank_card: bool = False,
                 progress: Callable[[int], None] | None = None, every: int = 1000) -> bytes:
    """The export as bytes (for small exports; stream large ones with write_records_xlsx)."""
    out = io.BytesIO()
    write_records_xlsx(records, edition, out, exported_on=exported_on, lang=lang, full_bank_card=full_bank_card,
                       progress=progress, every=every)
    return out.getvalue()
