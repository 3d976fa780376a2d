"""The applicant's side of the registration form over the fake Telegram server.

A :class:`FormUser` reads each message the bot sends, recognises the field a question
asks by its sentence (``form.ask.<kind>`` with the field's label, after a "member N"
line for a household member), and answers it from a profile: pressing the option's
button where there is one (yes/no, skip, ticks then "done") and typing otherwise.
The profile is the in-process form test's household of four (tests/dialogs/form_filler.py).
"""
from __future__ import annotations

from typing import Any

from dialogs import form_fields as ff
from dialogs.render import text_of
from dialogs.types import Msg
from locales import translator
from rules import load_edition
from rules.form_checks import luhn_ok
from rules.idcard import check_digit

from .fake_telegram import FakeUser, Message
from .screening_user import TIMEOUT, body

ED, ZH = load_edition(), "zh_CN"


def make_id(birth: str, seq: str, area: str = "360102") -> str:
    body17 = f"{area}{birth}{seq}"
    return body17 + check_digit(body17)


APPLICANT_ID = make_id("19750601", "123")  # the screening profile's birth date and sex
CARD = next(p + d for p in ["622202020011234567"] for d in "0123456789" if luhn_ok(p + d))
APPLICANT: dict[str, Any] = {
    "name": "张三", "ethnicity": "汉族", "id_number": APPLICANT_ID, "political_status": "masses",
    "health_status": "good", "model_worker": "none", "hukou_region": "南昌市东湖区",
    "address": "南昌市东湖区某路1号", "postcode": "330006", "housing_type": "rented", "floor_area": "from_20_to_50",
    "mobile": "138 0013 8000", "other_contact": None, "employer": "某中学", "unit_nature": "government_institution",
    "enterprise_status": "normal", "industry": "education", "work_status": "on_duty", "work_start_date": "1995-07-01",
    "marital_status": "married", "single_parent": False, "self_reliant": True, "zero_employment": False,
    "medical_insurance": "urban_employee", "own_monthly_income": "1500", "other_annual_income": "1200",
    "primary_cause": "self_major_illness", "cause_summary": "本人患尿毒症，每年透析费用约3万元",
    "secondary_causes": ["schooling"], "annual_medical_costs": "30000", "annual_out_of_pocket": "12000",
    "annual_medical_aid": "2000", "basic_medical_insurance": True, "medical_aid": ["union"], "medical_remark": None,
    "bank_name": "中国工商银行", "bank_branch": "南昌东湖支行", "bank_card": CARD,
    "attachments": ["identity", "income", "diagnosis"],
}
MEMBERS: list[dict[str, Any]] = [
    {"name": "李四", "relation": "wife", "id_number": make_id("19780302", "246"), "political_status": "masses",
     "health_status": "good", "monthly_income": "800", "identity": "worker", "medical_insurance": "urban_employee",
     "school_or_employer": "某超市"},
    {"name": "张小", "relation": "son", "id_number": None, "sex": "male", "birth_date": "2005-09-01",
     "political_status": None, "health_status": "good", "monthly_income": "0", "identity": "student",
     "medical_insurance": None, "school_or_employer": "某小学"},
    {"name": "张二", "relation": "daughter", "id_number": make_id("20080101", "222"), "political_status": None,
     "health_status": "good", "monthly_income": "0", "identity": "student", "medical_insurance": None,
     "school_or_employer": None},
    {"name": "王五", "relation": "mother", "id_number": make_id("19480505", "444"), "political_status": None,
     "health_status": "hypertension", "monthly_income": "300", "identity": "farmer",
     "medical_insurance": "new_rural_cooperative", "school_or_employer": None},
]
NUMBERS = [APPLICANT_ID, CARD] + [m["id_number"] for m in MEMBERS if m["id_number"]]


def say(msgid: str, **params: Any) -> str:
    """A catalog sentence in Chinese, as the bot renders it (labels and messages as params)."""
    return text_of(Msg(msgid, params), translator(ZH))


def question_line(path: str) -> str:
    kind = ff.base_kind(path)
    return say(ff.ASK.get(kind, "form.ask.text"), field=ff.asked_label(path, kind), example=ff.EXAMPLES.get(kind, ""))


TOP = {question_line(p): p for _, fields in ff.SECTIONS for p in fields}
MEMBER = {question_line(ff.member_path(0, n)): n for n in ff.MEMBER_FIELDS}
MEMBER_N = {say("form.member_n", n=i + 1): i for i in range(10)}


def field_asked(msg: Message) -> str | None:
    """The field path a bot message asks ("members.2.relation"), or None."""
    lines = body(msg).splitlines()
    member = next((MEMBER_N[line] for line in lines if line in MEMBER_N), None)
    for line in lines:
        if member is not None and line in MEMBER:
            return ff.member_path(member, MEMBER[line])
        if member is None and line in TOP:
            return TOP[line]
    return None


def labels(msg: Message) -> list[str]:
    return [label for row in msg.buttons for label, _ in row]


class FormUser:
    """Answers the form's questions for ``user`` from :data:`APPLICANT` and :data:`MEMBERS`."""

    def __init__(self, user: FakeUser, applicant: dict[str, Any] | None = None,
                 members: list[dict[str, Any]] | None = None):
        self.user = user
        self.applicant, self.members = applicant or dict(APPLICANT), members or [dict(m) for m in MEMBERS]
        self.asked: list[str] = []
        self.notes: list[Message] = []  # what came between the questions

    async def prompt(self, timeout: float = TIMEOUT) -> Message:
        """The next message that asks something (a field, or one with buttons)."""
        while True:
            msg = await self.user.next_message(timeout)
            if msg.buttons or field_asked(msg):
                return msg
            self.notes.append(msg)

    def value(self, path: str) -> Any:
        if ff.is_member(path):
            return self.members[ff.member_index(path)].get(ff.field_name(path))
        return self.applicant[path]

    async def press(self, msg: Message, label: str) -> Message:
        await self.user.press(msg, label)
        return await self.prompt()

    async def type(self, text: str) -> Message:
        await self.user.send(text)
        return await self.prompt()

    async def answer(self, msg: Message, path: str, value: Any) -> Message:
        """Answers ``msg`` (asking ``path``) with ``value``; the next prompt."""
        kind = ff.base_kind(path)
        if value is None:
            return await self.press(msg, say("btn.skip"))
        if isinstance(value, bool):
            return await self.press(msg, say("ans.yes" if value else "ans.no"))
        if isinstance(value, list):
            for key in value:
                msg = await self.press(msg, ff.option_label(path, key, ED).zh_CN)
            return await self.press(msg, say("btn.form_done"))
        if kind in ("choice", "worker_type") and ff.option_label(path, value, ED).zh_CN in labels(msg):
            return await self.press(msg, ff.option_label(path, value, ED).zh_CN)
        return await self.type(str(value))

    async def fill_fields(self, msg: Message, stop: str | None = None) -> Message:
        """Answers field questions from ``msg`` on until one that is not a field (or ``stop``)."""
        while (path := field_asked(msg)) is not None and path != stop:
            self.asked.append(path)
            if self.asked[-3:] == [path] * 3:
                raise AssertionError(f"{path} keeps being asked: {msg.text!r}; notes: {[n.text for n in self.notes[-3:]]}")
            msg = await self.answer(msg, path, self.value(path))
        return msg

    async def add_members(self, msg: Message, members: range | None = None) -> Message:
        """At the members menu: adds the profile's members (all, or those in ``members``)."""
        for _ in members if members is not None else self.members:
            msg = await self.fill_fields(await self.press(msg, say("btn.member_add")))
        return msg
