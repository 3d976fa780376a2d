"""A person filling the registration form: answers each field the assistant asks
(the open question's ``asks`` is ``form:<path>``) from a profile, pressing the
option's button where there is one and typing otherwise."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from harness import Person

from rules.idcard import check_digit
from rules.form_checks import luhn_ok


def make_id(birth: str, seq: str = "123", area: str = "360102") -> str:
    """A valid ID number (odd sequence digit = male)."""
    body = f"{area}{birth}{seq}"
    return body + check_digit(body)


def luhn_card(prefix: str) -> str:
    return next(prefix + d for d in "0123456789" if luhn_ok(prefix + d))


APPLICANT_ID = make_id("19750601", "123")  # male, born 1975-06-01 (as the screening profile)
CARD = luhn_card("622202020011234567")
APPLICANT: dict[str, Any] = {
    "name": "张三", "ethnicity": "汉族", "id_number": APPLICANT_ID, "political_status": "masses",
    "health_status": "good", "model_worker": "none", "hukou_region": "南昌市东湖区",
    "address": "南昌市东湖区某路1号", "postcode": "330006", "housing_type": "rented", "floor_area": "from_20_to_50",
    "mobile": "138 0013 8000", "other_contact": None, "employer": "某中学", "unit_nature": "government_institution",
    "enterprise_status": "normal", "industry": "education", "work_status": "on_duty", "work_start_date": "1995-07-01",
    "marital_status": "married", "single_parent": False, "self_reliant": True, "zero_employment": False, "medical_insurance": "urban_employee",
    "own_monthly_income": "1500", "other_annual_income": "1200", "primary_cause": "self_major_illness",
    "cause_summary": "本人患尿毒症，每年透析费用约3万元", "secondary_causes": ["schooling"],
    "annual_medical_costs": "30000", "annual_out_of_pocket": "12000", "annual_medical_aid": "2000",
    "basic_medical_insurance": True, "medical_aid": ["union"], "medical_remark": None,
    "bank_name": "中国工商银行", "bank_branch": "南昌东湖支行", "bank_card": CARD,
    "attachments": ["identity", "income", "diagnosis"],
}
WIFE = {"name": "李四", "relation": "wife", "id_number": make_id("19780302", "246"), "political_status": "masses",
        "health_status": "good", "monthly_income": "800", "identity": "worker", "medical_insurance": "urban_employee",
        "school_or_employer": "某超市"}
SON = {"name": "张小", "relation": "son", "id_number": None, "sex": "male", "birth_date": "2005-09-01",
       "political_status": None, "health_status": "good", "monthly_income": "0", "identity": "student",
       "medical_insurance": None, "school_or_employer": "某小学"}
DAUGHTER = {"name": "张二", "relation": "daughter", "id_number": make_id("20080101", "222"),
            "political_status": None, "health_status": "good", "monthly_income": "0", "identity": "student",
            "medical_insurance": None, "school_or_employer": None}
MOTHER = {"name": "王五", "relation": "mother", "id_number": make_id("19480505", "444"),
          "political_status": None, "health_status": "hypertension", "monthly_income": "300", "identity": "farmer",
          "medical_insurance": "new_rural_cooperative", "school_or_employer": None}


class FormFiller:
    """Answers the form's questions for ``person`` from ``applicant`` and ``members``."""

    def __init__(self, person: Person, applicant: dict[str, Any], members: list[dict[str, Any]]):
        self.p, self.applicant, self.members = person, applicant, members
        self.asked: list[str] = []

    @property
    def path(self) -> str | None:
        asks = self.p.asks
        return asks[5:] if asks and asks.startswith("form:") else None

    def value(self, path: str) -> Any:
        if path.startswith("members."):
            _, i, name = path.split(".")
            return self.members[int(i)].get(name)
        return self.applicant[path]

    async def answer(self, path: str, value: Any) -> None:
        buttons = self.p.buttons
        if value is None:
            assert "skip" in buttons, f"{path} cannot be skipped:\n{self.p.story()}"
            await self.p.press("skip")
        elif isinstance(value, bool):
            await self.p.press("yes" if value else "no")
        elif isinstance(value, list):
            for key in value:
                await self.p.press(key)
            await self.p.press("f:done")
        elif value in buttons:
            await self.p.press(value)
        else:
            await self.p.say(str(value))

    async def answer_facts(self) -> None:
        """Answers the screening questions the form asks when its re-run of the screening
        cannot decide (``asks`` is ``fact:<fact>``), from the screening's profile."""
        from harness import WORKER

        while (asks := self.p.asks) and asks.startswith("fact:"):
            self.asked.append(asks)
            assert len(self.asked) < 200, self.p.story()
            await self.p.answer(WORKER[asks[5:]])

    async def fill_fields(self, stop: str | None = None) -> None:
        """Answers field questions (and the screening questions a re-run asks) until none is
        open (a menu, the figures, the review) or ``stop``."""
        await self.answer_facts()
        while (path := self.path) is not None and path != stop:
            self.asked.append(path)
            assert len(self.asked) < 200, self.p.story()
            await self.answer(path, self.value(path))
            assert self.path != path or self.p.question.seq != self.p.replies[-1].seq or True
            if self.path == path and self.asked[-3:] == [path] * 3:
                raise AssertionError(f"{path} keeps being asked:\n{self.p.story()}")
            await self.answer_facts()

    async def add_members(self) -> None:
        """At the members menu: adds every member of the profile."""
        for _ in self.members:
            await self.p.press("f:add")
            await self.fill_fields()


class RecordingPerson(Person):
    """A person who keeps every reply (to look for a flag on an earlier one)."""

    def __init__(self, *a: Any, **kw: Any):
        super().__init__(*a, **kw)
        self.all_replies: list = []

    async def send(self, inp, **kw):
        replies = await super().send(inp, **kw)
        self.all_replies += replies
        return replies


async def apply_after_screening(person: Person, applicant: dict[str, Any] | None = None,
                                members: list[dict[str, Any]] | None = None, **screening: Any) -> FormFiller:
    """The standard worker screened (with ``screening`` changes), /apply, consent given:
    a filler for the open form (the standard household unless told otherwise)."""
    from harness import WORKER

    await person.command("screen")
    await person.answer_until(WORKER | screening)
    await person.command("apply")
    await person.press("ok:yes")
    return FormFiller(person, dict(applicant or APPLICANT),
                      [dict(m) for m in (members or (WIFE, SON, DAUGHTER, MOTHER))])


async def finish_and_submit(form: FormFiller, *, remove: int | None = None) -> None:
    """From where the form stands: every field and member (member ``remove`` removed),
    the figures confirmed, the review paged through, the declaration."""
    p = form.p
    await form.fill_fields()
    await form.add_members()
    if remove is not None:
        await p.press(f"f:remove:{remove}")
    await p.press("f:members_done")
    await p.press("f:figures_ok")
    await form.fill_fields()
    while "f:next" in p.buttons:
        await p.press("f:next")
    await p.press("ok:declare")
