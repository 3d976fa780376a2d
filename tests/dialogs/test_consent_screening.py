"""Consent first (PIPL Art. 29): before the screening's first sensitive question the
person is asked; without consent the screening goes on with the non-sensitive facts
(a birth date, never an ID number)."""
from __future__ import annotations

from harness import WORKER, Person, msg, msg_head

ID_1975 = "360102197506010014"


async def reach_consent(person: Person) -> None:
    await person.command("screen")
    while person.asks and not person.asks.startswith("consent:"):
        if person.asks.startswith("group:"):
            await person.answer_group(WORKER)
        else:
            await person.answer(WORKER[person.asks])


async def test_consent_is_asked_before_the_first_sensitive_question(person: Person) -> None:
    await reach_consent(person)
    assert person.asks == "consent:screening"
    assert msg_head("consent.text.screening") in person.text
    answered = await person.answers()
    assert "birth_date" not in answered and "major_illness" not in answered
    await person.press("ok:yes")
    assert msg("consent.screening_given") in person.text and person.asks == "birth_date"
    await person.say(ID_1975)                                 # an ID number is taken
    assert (await person.answers())["id_number"] == ID_1975


async def test_without_consent_no_id_number_is_taken_and_the_screening_goes_on(person: Person) -> None:
    await reach_consent(person)
    await person.say("不同意")                                  # typed: no
    assert msg("consent.screening_refused") in person.text and person.asks == "birth_date"
    await person.say(ID_1975)
    assert msg("err.date.id_needs_consent") in person.text and person.asks == "birth_date"
    assert "id_number" not in await person.answers()
    await person.say("1975-06-01")
    await person.answer_until(WORKER)
    assert msg("result.eligible") in person.text               # decided on the other facts
    answers = await person.answers()
    assert "id_number" not in answers and answers["birth_date"] == "1975-06-01"


async def test_consent_is_asked_once(person: Person) -> None:
    await reach_consent(person)
    await person.press("ok:yes")
    await person.answer_until(WORKER)
    await person.command("restart")
    await person.press("ok:drop:restart")
    asked = await person.answer_until(WORKER)
    assert not any(a.startswith("consent:") for a in asked)
    assert "consent:screening" not in [r.asks for r in person.replies]
