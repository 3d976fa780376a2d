"""The chat page: the template's context in the person's language (every sentence
from the catalogs), rendered by Jinja2 with autoescape on."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from locales import translator

from bot.web.store import Chat

ENV = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(default=True),
                  trim_blocks=True, lstrip_blocks=True)
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}
INPUT_MODE = {"money": "decimal", "count": "numeric", "size": "numeric"}
# The menu: commands a person can give at any point (name, argument, label id).
MENU = (("back", "cmd.back"), ("why", "cmd.why"), ("idk", "web.menu.idk"), ("change", "cmd.change"),
        ("help", "cmd.help"), ("restart", "cmd.restart"))


def labels(lang: str) -> dict[str, str]:
    """The page's own sentences."""
    t = translator(lang)
    return {"title": t("web.title"), "conversation": t("web.conversation"), "you": t("web.you"),
            "assistant": t("web.assistant"), "answers": t("web.answers"), "type": t("web.type_label"),
            "send": t("web.send"), "menu": t("web.menu"), "code_show": t("web.code.show"),
            "code_enter": t("web.code.enter"), "code_go": t("web.code.go"), "other_lang": t("web.other_language"),
            "navigation": t("web.navigation"), "download": t("web.download")}


def menu_items(lang: str) -> list[tuple[str, str]]:
    t = translator(lang)
    return [(name, t(msgid)) for name, msgid in MENU]


def cid() -> str:
    """A fresh client message id for one form: resubmitting that form is one step."""
    return secrets.token_hex(12)


def render_page(*, lang: str, chat: Chat, csrf: str, notice: str | None = None) -> str:
    """The whole page (the script swaps its ``#app`` part in place)."""
    q = chat.open or {"seq": None, "expects": None, "buttons": []}
    shown = [(pos, label, nav) for pos, (label, nav, _command) in enumerate(q["buttons"])]
    context: dict[str, Any] = {
        "html_lang": HTML_LANG.get(lang, lang), "l": labels(lang), "history": chat.history,
        "answers": [(pos, label) for pos, label, nav in shown if not nav],
        "nav": [(pos, label) for pos, label, nav in shown if nav],
        "seq": "" if q["seq"] is None else q["seq"], "inputmode": INPUT_MODE.get(q["expects"] or "", "text"),
        "menu": menu_items(lang), "other_lang": "en" if lang.startswith("zh") else "zh",
        "csrf": csrf, "cid": cid, "notice": notice,
    }
    return ENV.get_template("page.html").render(context)


def render_refusal(lang: str, status: int) -> str:
    """A short page for a refused request (no token, too many requests)."""
    t = translator(lang)
    text = t("web.refused") if status == 403 else t("web.slow_down")
    return ENV.get_template("refused.html").render(html_lang=HTML_LANG.get(lang, lang), l=labels(lang), text=text,
                                                   back=t("web.back_to_chat"))
