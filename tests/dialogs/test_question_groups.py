"""Fewer taps: the three scope conditions as one question ("are all of these true?"),
the yes/no exclusions as one ("does any of these apply?") and the hardship reasons as
one ("which one of these applies?"), every fact still explicit in the stored answers,
in /why, in /change and in the result."""
from __future__ import annotations

from harness import WORKER, Person, msg

from rules import load_edition

ED = load_edition()
SCOPE = ED.question_groups["scope"].facts
EXCLUSIONS = ED.question_groups["exclusions"].facts
HARDSHIP = ED.question_groups["hardship"].facts


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


async def test_which_hardship_sets_the_one_picked_and_the_others_false(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="group:hardship")
    for fact in HARDSHIP:                                 # one button for each, with its label
        assert fact in person.buttons and msg(f"fact.{fact}") in person.question.text
    await person.press("major_illness")
    answers = await person.answers()
    assert {f: answers[f] for f in HARDSHIP} == {f: f == "major_illness" for f in HARDSHIP}
    assert person.asks == "residence"
    await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text
    await person.command("change")                        # each reason can be changed on its own
    for fact in HARDSHIP:
        assert f"chg:{fact}" in person.buttons


async def test_typed_hardship_answers(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="group:hardship")
    await person.say("家里有人生大病")                    # not a spelling of one: asked again
    assert person.replies[0].text == msg("err.choice.invalid") and person.asks == "group:hardship"
    await person.say("大病")
    assert (await person.answers())["major_illness"] is True
    await person.command("back")
    assert person.asks == "group:hardship"
    answers = await person.answers()
    assert not any(f in answers for f in HARDSHIP)        # undone whole
    await person.say("都没有")                            # none: not eligible as marginal or illness
    answers = await person.answers()
    assert all(answers[f] is False for f in HARDSHIP)


async def test_several_reasons_are_asked_one_by_one(person: Person) -> None:
    await person.command("screen")
    await person.answer_until(WORKER, stop="group:hardship")
    await person.press("several")
    assert person.asks == "dibao_certificate"
    await person.command("back")
    assert person.asks == "group:hardship"
    await person.press("several")
    await person.press("no")                              # no 低保证
    assert person.asks == "major_illness"
    assert msg("ask.major_illness").split("{")[0][:8] in person.question.text


async def test_hardship_group_in_english_with_typed_label(open_assistant) -> None:
    person = Person(await open_assistant(language="en"), "tg:2002")
    await person.command("screen")
    await person.answer_until(WORKER, stop="group:hardship")
    assert msg("group.hardship.ask", "en") in person.question.text
    await person.say("major illness")
    assert (await person.answers())["major_illness"] is True
    await person.answer_until(WORKER)
    assert msg("result.eligible", "en") in person.text
