"""A person using the web chat over HTTP (httpx, no JavaScript), and what a page shows.

:class:`Page` reads the HTML the way a person sees it (messages, answer buttons,
navigation buttons, the notice) with the standard library's parser, and keeps each
form's hidden fields, so a test submits exactly what a browser would. :class:`WebUser`
plays a screening from a profile like ``tests/e2e/screening_user.ScriptedUser``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx

from e2e.screening_user import QUESTIONS, answer_of, button_label, expected, t, typed


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    button: str = ""
    cls: str = ""


@dataclass
class Page:
    """One rendered page."""

    html: str
    lang: str = ""
    messages: list[tuple[str, str]] = field(default_factory=list)  # (who: me|bot, text)
    forms: list[Form] = field(default_factory=list)
    notice: str | None = None

    @property
    def answers(self) -> list[Form]:
        return [f for f in self.forms if f.action == "/press" and f.cls == "answer"]

    @property
    def nav(self) -> list[Form]:
        return [f for f in self.forms if f.action == "/press" and f.cls == "small"]

    def form(self, action: str, **match: str) -> Form:
        found = [f for f in self.forms if f.action == action and all(f.fields.get(k) == v for k, v in match.items())]
        assert found, f"no form {action} {match} on the page"
        return found[0]

    def button(self, label: str) -> Form:
        found = [f for f in self.forms if f.action == "/press" and f.button == label]
        assert found, f"no button {label!r}; buttons: {[f.button for f in self.forms if f.action == '/press']}"
        return found[0]

    @property
    def bot_texts(self) -> list[str]:
        return [text for who, text in self.messages if who == "bot"]


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page, self.form, self.msg, self.in_button, self.in_notice = page, None, None, False, False
        self.in_vh = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.page.lang = a.get("lang", "")
        elif tag == "form":
            self.form = Form(a.get("action", ""))
            self.page.forms.append(self.form)
        elif tag == "input" and self.form is not None and a.get("type") == "hidden":
            self.form.fields[a["name"]] = a.get("value", "")
        elif tag == "button" and self.form is not None:
            self.in_button, self.form.cls = True, a.get("class", "")
        elif tag == "li" and "msg" in a.get("class", ""):
            self.msg = ["me" if "me" in a["class"].split() else "bot", ""]
        elif tag == "span" and a.get("class") == "vh":
            self.in_vh = True
        elif tag == "p" and "notice" in a.get("class", ""):
            self.in_notice, self.page.notice = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.form = None
        elif tag == "button":
            self.in_button = False
        elif tag == "li" and self.msg is not None:
            self.page.messages.append((self.msg[0], self.msg[1]))
            self.msg = None
        elif tag == "span":
            self.in_vh = False
        elif tag == "p":
            self.in_notice = False

    def handle_data(self, data: str) -> None:
        if self.in_button and self.form is not None:
            self.form.button += data
        elif self.msg is not None and not self.in_vh:
            self.msg[1] += data
        elif self.in_notice:
            self.page.notice += data


def read_page(html: str) -> Page:
    page = Page(html)
    _Reader(page).feed(html)
    return page


def since_last_said(messages: list[tuple[str, str]]) -> list[str]:
    """The assistant's messages after the person's last one."""
    last_me = max((i for i, (who, _) in enumerate(messages) if who == "me"), default=-1)
    return [text for who, text in messages[last_me + 1:] if who == "bot"]


def next_answer(messages: list[tuple[str, str]], profile: dict[str, Any], lang: str,
                how: str = "buttons") -> tuple[str, str, str] | None:
    """What to do next in a screening shown as ``messages``: None once the result is
    in, else (fact asked, "press" or "type", the button label or the text)."""
    recent = since_last_said(messages)
    if any(is_headline(x, lang) for x in recent):
        return None
    questions = [x for x in recent if fact_asked(x, lang)]
    assert questions, f"neither a question nor a result: {recent}"
    fact = fact_asked(questions[-1], lang)
    key, value = answer_of(profile, fact)
    label = button_label(key, value, lang) if key == fact else None
    if label is not None and how == "buttons":
        return fact, "press", label
    return fact, "type", typed(key, value, lang)


def fact_asked(text: str, lang: str) -> str | None:
    """The fact a message asks (its question may follow a note line: a consent recorded...)."""
    hits = [f for f, q in QUESTIONS[lang].items() if ("\n" + q) in ("\n" + text)]
    return max(hits, key=lambda f: len(QUESTIONS[lang][f]), default=None)


def is_headline(text: str, lang: str) -> bool:
    return any(text.startswith(t(lang, m)) for m in ("result.eligible", "result.not_eligible", "result.undecided"))


@dataclass
class WebUser:
    """One browser (its own cookie jar) talking to the web chat."""

    client: httpx.AsyncClient
    lang: str = "zh_CN"
    page: Page | None = None
    asked: list[str] = field(default_factory=list)

    async def open(self, path: str = "/") -> Page:
        r = await self.client.get(path, follow_redirects=True)
        assert r.status_code == 200, r.status_code
        self.page = read_page(r.text)
        return self.page

    async def submit(self, form: Form, **fields: str) -> httpx.Response:
        """Submits ``form`` as a browser without JavaScript does (303, then the page)."""
        r = await self.client.post(form.action, data=form.fields | fields)
        if r.status_code == 303:
            await self.open(r.headers["location"])
        return r

    async def press(self, label: str) -> httpx.Response:
        return await self.submit(self.page.button(label))

    async def say(self, text: str) -> httpx.Response:
        return await self.submit(self.page.form("/say"), text=text)

    async def command(self, name: str) -> httpx.Response:
        return await self.submit(self.page.form("/command", name=name))

    def since_my_last(self) -> list[str]:
        """The assistant's messages after the person's last one."""
        return since_last_said(self.page.messages)

    async def screen(self, profile: dict[str, Any], today: dt.date, *, how: str = "buttons") -> list[str]:
        """Answers every question of a screening (started already) from ``profile``;
        returns the result's messages."""
        for _ in range(60):
            step = next_answer(self.page.messages, profile, self.lang, how)
            if step is None:
                return self.since_my_last()
            fact, action, what = step
            self.asked.append(fact)
            if action == "press":
                await self.press(what)
            else:
                await self.say(what)
        raise AssertionError("the screening did not end")


def expected_questions(profile: dict[str, Any], today: dt.date) -> list[str]:
    return expected(profile, today).asked
