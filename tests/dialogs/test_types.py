"""Typed choices and stored replies: one function writes a pick, pydantic models
store a reply, and what comes back is exactly what went in."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from pydantic import ValidationError

from dialogs.state import SessionState
from dialogs.types import Choice, Day, Label, Msg, Pick, Reply, pick_of, reply_from_json, reply_to_json, token


@pytest.mark.parametrize("pick, written", [
    (Pick("answer", "yes"), "yes"), (Pick("nav", "back"), "nav:back"), (Pick("change", "sex"), "chg:sex"),
    (Pick("checklist", "illness"), "mat:illness"), (Pick("category", "dibao"), "cat:dibao"),
    (Pick("worker_type", "migrant_worker"), "wt:migrant_worker"), (Pick("skip"), "skip"),
    (Pick("menu", "screen"), "menu:screen"), (Pick("lang", "en"), "lang:en")])
def test_a_pick_is_written_by_one_function_and_read_back(pick: Pick, written: str) -> None:
    assert token(pick) == written and pick_of(written) == pick


def test_a_stored_reply_keeps_amounts_dates_and_labels() -> None:
    reply = Reply((Msg("x", {"amount": Decimal("765.00"), "date": dt.date(2016, 10, 10), "day": Day(dt.date(2016, 11, 8)),
                             "place": Label("南昌县", "Nanchang County"), "n": 3, "flag": True,
                             "list": (Msg("fact.sex"), Label("甲", "A")), "nested": Msg("y", {"v": Decimal("0.01")})}),),
                  (Choice(Pick("answer", "urban"), Msg("choice.hukou.urban")), Choice(Pick("nav", "why"), Msg("btn.why"))),
                  7, "choice", "hukou")
    back = reply_from_json(json.loads(json.dumps(reply_to_json(reply))))
    assert back == reply
    assert isinstance(back.lines[0].params["amount"], Decimal) and back.lines[0].params["flag"] is True


def test_a_corrupted_stored_reply_is_refused() -> None:
    stored = reply_to_json(Reply((Msg("x", {"a": Decimal(1)}),)))
    stored["lines"][0]["p"]["a"] = {"t": "dec", "v": "not a number"}
    with pytest.raises(ValidationError):
        reply_from_json(stored)


def test_a_session_saved_before_the_flow_table_is_read() -> None:
    old = {"lang": "en", "mode": "idk", "seq": 9, "choices": ["nav:continue", "nav:clerk"],
           "screen": {"answers": {"union_member": True}, "order": ["union_member"], "asking": "labor_relation"},
           "checklist": {"category": "dibao"}, "outbox": [{"lines": [{"$msg": "x", "p": {}}]}]}
    state = SessionState.model_validate(old)
    assert state.flow == "screening" and state.flows["screening"]["idk"] is True
    assert state.flows["screening"]["answers"] == {"union_member": True}
    assert state.flows["checklist"]["category"] == "dibao" and state.outbox == [] and state.seq == 9
