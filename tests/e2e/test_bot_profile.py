"""What people see of the bot before they talk to it: the command menu, the
description and the short description, in Chinese and in English."""
from __future__ import annotations

from bot.telegram_app import COMMANDS

from .bot_runner import serving
from .screening_user import t


async def test_command_menu_and_descriptions_in_both_languages(fake_telegram, tmp_path):
    tg = fake_telegram
    async with serving(tg, tmp_path):
        pass

    for code, lang in (("zh", "zh_CN"), ("en", "en")):
        menu = tg.commands(language_code=code)
        assert [c["command"] for c in menu] == list(COMMANDS)
        assert [c["description"] for c in menu] == [t(lang, f"cmd.{c}") for c in COMMANDS]
        # the form and the privacy commands are in the menu, each described in the person's language
        assert {"apply", "status", "mydraft", "privacy", "mydata", "forget"} <= {c["command"] for c in menu}
        assert len({c["description"] for c in menu}) == len(menu)
        assert tg.state.descriptions[("description", code)] == t(lang, "bot.description")
        assert tg.state.descriptions[("short_description", code)] == t(lang, "bot.short_description")
    assert tg.commands(language_code="zh")[1]["description"] != tg.commands(language_code="en")[1]["description"]
    assert "符合" in tg.state.descriptions[("description", "zh")]
    assert "qualifies" in tg.state.descriptions[("description", "en")]
    # for every other language, the default language (Chinese)
    assert tg.commands() == tg.commands(language_code="zh")
    assert tg.state.descriptions[("description", "")] == t("zh_CN", "bot.description")
    assert not [c for c in tg.calls if c.error and c.method != "getUpdates"]
