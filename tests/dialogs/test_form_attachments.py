"""The form's attachments against the materials checklist of the draft's category
(6号 三(三)): the question says which materials are still missing while the person
ticks, lists a conditional one with its condition, and never refuses the form."""
from __future__ import annotations

from form_filler import APPLICANT, WIFE, FormFiller, RecordingPerson
from harness import WORKER, msg, msg_head

from rules import load_edition

ED = load_edition()


def material(key: str) -> str:
    return ED.materials.items[key].zh_CN


async def at_attachments(person) -> FormFiller:
    """Screened (a marginal household with a major illness), the form filled up to the attachments."""
    await person.command("screen")
    await person.answer_until(WORKER)
    await person.command("apply")
    await person.press("ok:yes")
    form = FormFiller(person, dict(APPLICANT), [dict(WIFE)])
    await form.fill_fields()
    await form.add_members()
    await person.press("f:members_done")
    await person.press("f:figures_ok")
    await form.fill_fields(stop="attachments")
    assert person.asks == "form:attachments", person.story()
    return form


async def test_the_attachments_question_names_the_materials_still_missing(assistant):
    person = RecordingPerson(assistant, "tg:1001")
    await at_attachments(person)
    question = person.question.text
    assert msg_head("form.attachments_missing") in question and "低保边缘户" in question, question
    for key in ("application_short", "id_hukou", "medical_docs_city", "wage_flow"):
        assert material(key) in question, key
    # not asked in the screening: listed with its condition
    spouse = ED.materials.items["spouse_income_proof"]
    assert msg("form.attachments_missing_if", item=spouse.zh_CN, condition=spouse.if_.zh_CN) in question
    # not in this category's list, or its condition fails (the form says married): not named
    assert material("illness_income_proof") not in question and material("marital_proof") not in question

    # ticking the identity documents and the diagnosis: the ID copy drops off, the medical
    # documents stay until the bills are ticked too
    await person.press("identity")
    await person.press("diagnosis")
    question = person.question.text
    assert material("id_hukou") not in question and material("medical_docs_city") in question
    await person.press("medical_bills")
    await person.press("income")
    question = person.question.text
    for key in ("id_hukou", "medical_docs_city", "wage_flow", "spouse_income_proof"):
        assert material(key) not in question, key
    assert material("application_short") in question  # the form has no box for the personal application


async def test_missing_materials_never_refuse_the_form(assistant):
    person = RecordingPerson(assistant, "tg:1002")
    await at_attachments(person)
    await person.press("identity")
    await person.press("f:done")
    assert person.asks != "form:attachments", person.story()
    assert msg_head("form.review_intro") in person.text, person.story()
    async with assistant.db.transaction() as tx:
        [draft] = await tx.drafts.list_for(person.key)
    assert draft.content["form"]["attachments"] == ["identity"]


def test_every_material_names_attachment_boxes_of_the_form():
    from rules.form_checks import enumeration

    boxes = set(enumeration("attachments", ED).options)
    named = {box for item in ED.materials.items.values() for alt in item.attachments for box in alt}
    assert named and named <= boxes, named - boxes
