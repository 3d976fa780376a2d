"""The result of a screening, clause by clause, and a materials checklist."""
from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from rules import Checklist, Decision, Reason, checklist, facts_for
from rules.conditions import INCOME_DETAILS  # not "no disaster": no figure to show exactly

from dialogs.context import Context
from dialogs.types import Choice, Day, Label, Msg, Pick, Reply

MARKS = {"pass": "mark.pass", "fail": "mark.fail"}


def _reason_params(reason: Reason, decision: Decision, ctx: Context) -> dict[str, Any]:
    params = {k: v for k, v in reason.params.items() if isinstance(v, Decimal | int) and not isinstance(v, bool)}
    params |= {k: v for k, v in decision.figures.items()}
    if reason.rule == "age":
        cut = ctx.edition.age_cutoffs
        params |= {"birth_date": reason.params.get("birth_date"), "male": cut.male,
                   "female_cadre": cut.female_cadre, "female": cut.female}
        group = reason.params.get("group")  # the cut-off that applied, when sex (and cadre) settle it
        params["cutoff_line"] = (Msg(f"age.cutoff.{group}", {"cutoff": reason.params["cutoff"]}) if group
                                 else Msg("age.cutoff.all", {"male": cut.male, "female_cadre": cut.female_cadre,
                                                             "female": cut.female}))
    if reason.rule == "exclusions":
        params["limit"] = ctx.edition.exclusions.homes_owned_at_least
    if "reasons" in reason.params:
        params["reasons"] = tuple(Msg(f"with.{r}") for r in reason.params["reasons"].split("+"))
    if reason.rule in ("illness", "disaster") and "marginal_line" in reason.params:
        params["adjusted"] = decision.figures.get(f"{reason.rule}_adjusted_monthly",
                                                  decision.figures.get("per_capita_monthly"))
    return params


def reason_lines(decision: Decision, ctx: Context) -> list[Msg]:
    """One line per settled rule: a mark, the reason with its numbers, the clause; then,
    where the rounded monthly figures look equal, the exact annual comparison, and the
    decision's notes on the category (the other reading of 二.3, costs above income)."""
    exact = {("marginal", "pass"): "compare.marginal.within", ("marginal", "fail"): "compare.marginal.above",
             ("illness", "pass"): "compare.illness.within", ("illness", "fail"): "compare.illness.above",
             ("disaster", "pass"): "compare.disaster.within", ("disaster", "fail"): "compare.disaster.above"}
    notes = {("alternative_reading", "illness", "pass"): "note.illness.other_reading_passes",
             ("alternative_reading", "illness", "fail"): "note.illness.other_reading_fails",
             ("alternative_reading", "disaster", "pass"): "note.disaster.other_reading_passes",
             ("alternative_reading", "disaster", "fail"): "note.disaster.other_reading_fails",
             ("costs_exceed_income", "illness", None): "note.illness.costs_exceed_income",
             ("costs_exceed_income", "disaster", None): "note.disaster.costs_exceed_income"}
    cent = Decimal("0.01")
    lines = []
    for reason in decision.reasons:
        if reason.outcome not in MARKS:
            continue
        params = _reason_params(reason, decision, ctx)
        text = Msg(f"reason.{reason.rule}.{reason.detail}", params)
        lines.append(Msg("reason.line", {"mark": Msg(MARKS[reason.outcome]), "text": text,
                                         "clause": reason.clause}))
        p = reason.params
        if (reason.rule, reason.outcome) in exact and reason.detail in INCOME_DETAILS \
                and {"compared", "limit", "size"} <= set(p):
            monthly = [(v / p["size"] / 12).quantize(cent) for v in (p["compared"], p["limit"])]
            if monthly[0] == monthly[1] and p["compared"] != p["limit"]:  # 765.00 above 765.00
                lines.append(Msg(exact[reason.rule, reason.outcome], {
                    "compared": p["compared"], "limit": p["limit"], "size": p["size"],
                    "line": p["marginal_line"], "income": p["income"], "cost": p.get("cost", Decimal(0))}))
        for note in decision.notes:
            key = (note.note, note.category, note.outcome)
            if note.category == reason.rule and key in notes:
                lines.append(Msg(notes[key], {"literal": params.get("adjusted", Decimal(0)),
                                              "alternative": note.figure or Decimal(0),
                                              "line": params.get("marginal_line", Decimal(0))}))
    return lines


def _headline(decision: Decision) -> Msg:
    if decision.eligible is True:
        return Msg("result.eligible")
    return Msg("result.not_eligible") if decision.eligible is False else Msg("result.undecided")


def result_replies(decision: Decision, ctx: Context, *, answers: dict[str, Any], asking: str | None,
                   next_seq: Callable[[], int]) -> list[Reply]:
    """The decision, its reasons, the smallest change that would flip it, and what next
    (``asking``: a question still waits, after a clerk handover)."""
    ed = ctx.edition
    lines = [_headline(decision), Msg("result.date", {"date": Day(ctx.today)})]
    if decision.worker_type and decision.eligible:  # "filed as" only for a household that qualifies
        lines.append(Msg("result.worker_type", {"type": Label.of(ed.worker_types[decision.worker_type])}))
    if decision.categories:
        names = tuple(Label.of(ed.category_names[c]) for c in decision.categories)
        lines.append(Msg("result.categories", {"list": names}))
    if decision.primary:
        lines.append(Msg("result.primary", {"category": Label.of(ed.category_names[decision.primary])}))
    reasons = reason_lines(decision, ctx)
    if reasons:
        lines += [Msg("result.reasons_title"), *reasons]
    for flip in decision.flips:
        lines.append(Msg(f"flip.{flip.fact}.{flip.relation}",
                         {"value": flip.value, "category": Label.of(ed.category_names[flip.category])}))
    replies = [Reply(tuple(lines))]
    nav = [Choice(Pick("nav", "summary"), Msg("btn.change")), Choice(Pick("nav", "restart"), Msg("btn.restart"))]
    if decision.eligible and decision.primary:
        facts = facts_for(answers, edition=ed, today=ctx.today)
        replies.append(checklist_reply(checklist(facts, decision.primary, None, ed), ctx))
        others = [Choice(Pick("checklist", c), Msg("btn.materials_for", {"category": Label.of(ed.category_names[c])}))
                  for c in decision.categories if c != decision.primary]
        days, entry = ed.param("public_notice_working_days"), ed.param("entry_deadline_working_days")
        replies.append(Reply((Msg("next.eligible", {"days": days}), Msg("next.after_applying", {"days": days, "entry": entry})),
                             tuple(others + nav), next_seq()))
    elif decision.eligible is False:
        # what-if advice only where a numeric test decided (an income, a cost); not for age or scope
        numeric = any(r.outcome == "fail" and r.detail == "income_above_line" for r in decision.reasons)
        gates_failed = any(r.outcome == "fail" and r.rule not in ed.category_order for r in decision.reasons)
        advice = "next.not_eligible" if numeric and not gates_failed else "next.not_eligible_final"
        replies.append(Reply((Msg(advice),), tuple(nav), next_seq()))
    else:
        # what is still needed, by topic (a few lines a clerk can act on, not every fact)
        topics = list(dict.fromkeys(ed.topic_of(f) or f for f in decision.missing))
        missing = tuple(Msg(f"topic.{topic}") for topic in topics)
        if asking:  # after a clerk handover the open question still waits
            nav.insert(0, Choice(Pick("nav", "continue"), Msg("btn.continue")))
        replies.append(Reply((Msg("next.undecided_topics"), *missing), tuple(nav), next_seq()))
    return replies


def checklist_reply(cl: Checklist, ctx: Context) -> Reply:
    """The numbered checklist, conditional items marked, ending with the copies rule."""
    ed = ctx.edition
    title = Msg("materials.title", {"category": Label.of(ed.category_names[cl.category]),
                                    "worker_type": Label.of(ed.worker_types[cl.worker_type]),
                                    "clause": cl.reference})
    lines = [title]
    for n, item in enumerate(cl.items, 1):
        spec = ed.materials.items[item.key]
        text = Label.of(spec)
        if item.status == "conditional" and spec.if_:
            lines.append(Msg("materials.item_if", {"n": n, "text": text, "condition": Label.of(spec.if_)}))
        else:
            lines.append(Msg("materials.item", {"n": n, "text": text}))
    rule = ed.materials.copies_rule
    lines.append(Msg("materials.copies", {"text": Label.of(rule)}))
    return Reply(tuple(lines))
