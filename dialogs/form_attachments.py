"""The form's attachments (附件1 附件) against the materials checklist of the draft's
category and worker type (6号 三(三), rules.checklist): while the person ticks what
they attach, the question says which materials of their category are still missing.
It only informs; a form is never refused for a missing material (the unit checks the
originals). An item counts as attached when every box of one of its alternatives
(``attachments`` in materials.yaml) is ticked; an item with no box is listed while
its condition holds (the screening's answers and what the form says: marital status,
household), or with its condition while that is unknown.
"""
from __future__ import annotations

import datetime as dt

from rules import FactError, checklist, evaluate, facts_for
from rules.edition import Edition
from rules.form import screening_facts_from_form
from rules.materials import Checklist, WorkerTypeError

from dialogs import form_fields as ff
from dialogs.drafts import DraftContent
from dialogs.types import Label, Msg

ILLNESS = "illness"  # the screening category of an accident household whose hardship is an illness


def screening_category(content: DraftContent, ed: Edition, today: dt.date) -> str | None:
    """The screening's category for the form's hardship category (None: no checklist, e.g. 临时救助):
    the screening's primary category when it matches, else the one category the form's box
    stands for (an accident household: illness when an illness is involved, else disaster)."""
    wanted = content.form.hardship_category
    try:
        primary = evaluate(facts_for(content.screening, edition=ed, today=today), ed).primary
    except FactError:
        primary = None
    if primary and ed.form_category.get(primary) == wanted:
        return primary
    candidates = [c for c, box in ed.form_category.items() if box == wanted]
    if len(candidates) > 1:
        illness = ff.illness_involved(content, ed)
        candidates = [c for c in candidates if (c == ILLNESS) == illness] or candidates
    return candidates[0] if candidates else None


def materials_for(content: DraftContent, ed: Edition, today: dt.date) -> Checklist | None:
    """The checklist of the draft's category and worker type (None when there is none)."""
    category = screening_category(content, ed, today)
    if category is None:
        return None
    answers = content.screening | screening_facts_from_form(content.form, today=today, edition=ed)
    try:
        facts = facts_for(answers, edition=ed, today=today)
    except FactError:
        facts = facts_for({}, edition=ed, today=today)
    try:
        return checklist(facts, category, content.form.worker_type, ed)
    except WorkerTypeError:
        return checklist(facts, category, None, ed)


def attached(item: str, ticked: list[str], ed: Edition) -> bool:
    """Whether the ticked boxes hold the material ``item``."""
    return any(alt and set(alt) <= set(ticked) for alt in ed.materials.items[item].attachments)


def missing_lines(content: DraftContent, ticked: list[str], ed: Edition, today: dt.date) -> list[Msg]:
    """The lines under the attachments question: the materials still missing (each with its
    condition while that is unknown), or that every material is there."""
    cl = materials_for(content, ed, today)
    if cl is None:
        return []
    missing = [i for i in cl.items if not attached(i.key, ticked, ed)]
    if not missing:
        return [Msg("form.attachments_complete", {"category": Label.of(ed.category_names[cl.category])})]
    lines = [Msg("form.attachments_missing", {"category": Label.of(ed.category_names[cl.category])})]
    for item in missing:
        text = Label.of(ed.materials.items[item.key])
        condition = ed.materials.items[item.key].if_
        if item.status == "conditional" and condition is not None:
            lines.append(Msg("form.attachments_missing_if", {"item": text, "condition": Label.of(condition)}))
        else:
            lines.append(Msg("form.attachments_missing_item", {"item": text}))
    return lines
