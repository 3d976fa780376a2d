"""Fewer taps: the three scope conditions as one question ("are all of these true?")
and the three yes/no exclusions as one ("does any of these apply?"), every fact still
explicit in the stored answers, in /why, in /change and in the result."""
from __future__ import annotations

from harness import WORKER, Person, msg

from rules import load_edition

ED = load_edition()
SCOPE = ED.question_groups["scope"].facts
EXCLUSIONS = ED.question_groups["exclusions"].facts


async def test_all_true_sets_each_scope_fact_and_the_summary_lists_each(person: Person) -> None:
    await person.command("screen")
    assert person.asks == "group:scope"
    for fact in SCOPE:
        assert msg(f"fact.{fact}") in person.question.text
    await person.press("all")
    assert {f: v for f, v in (await person.answers()).items() if f in SCOPE} == dict.fromkeys(SCOPE, True)
    assert person.asks == "group:exclusions"
    await person.command("change")
    for fact in SCOPE:
        assert f"chg:{fact}" in person.buttons
    await person.press("chg:labor_relation")          # changed on its own
    assert person.asks == "labor_relation"
    await person.press("no")
    assert msg("result.not_eligible") in person.text
    assert msg("reason.scope.no_labor_relation") in person.text


async def test_typed_answers_to_groups(person: Person) -> None:
    await person.command("screen")
    await person.say("是的")                             # all three are true
    await person.answer_until(WORKER, stop="group:exclusions")
    await person.say("都没有")                            # none of the exclusions
    answers = await person.answers()
    assert all(answers[f] is False for f in EXCLUSIONS)
    assert person.asks == "homes_owned"


async def test_not_all_asks_one_by_one_and_back_returns_to_the_group(person: Person) -> None:
    await person.command("screen")
    await person.press("not_all")
    assert person.asks == "union_member"
    await person.command("back")
    assert person.asks == "group:scope" and await person.answers() == {}
    await person.press("not_all")
    await person.press("yes")
    await person.press("no")                              # no labour relation
    assert msg("result.not_eligible") in person.text


async def test_back_after_a_group_undoes_its_facts_together(person: Person) -> None:
    await person.command("screen")
    await person.press("all")
    await person.command("back")
    assert person.asks == "group:scope" and await person.answers() == {}


async def test_some_exclusion_asks_each_and_one_excludes(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="group:exclusions")
    await person.press("some")
    assert person.asks == "filed_elsewhere"
    await person.press("no")
    await person.answer_until(WORKER, stop="owns_business")   # the homes count comes in between
    await person.press("yes")                             # a shop of their own
    assert msg("result.not_eligible") in person.text
    assert msg("reason.exclusions.owns_business") in person.text


async def test_why_and_i_dont_know_at_a_group(person: Person) -> None:
    await person.command("screen")
    await person.command("why")
    assert msg("group.scope.why", clause="6号 一") in person.text and person.asks == "group:scope"
    await person.command("idk")
    assert msg("group.scope.idk") in person.text
    await person.press("nav:continue")
    assert person.asks == "group:scope"


async def test_a_typical_eligible_worker_answers_at_most_ten_questions(person: Person) -> None:
    await person.command("screen")
    asked = await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text
    assert len(asked) <= 10, asked
