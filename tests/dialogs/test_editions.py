"""The edition is chosen (BOT_EDITION), a conversation keeps the edition it started
under, and an edition file with an unknown top-level key is refused, naming file and key."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from harness import Person, msg

from bot.settings import SettingsError, load_settings
from rules.edition import EDITIONS_DIR, EditionError, load_edition_from

WORKER = {"union_member": True, "labor_relation": True, "wage_earner_head": True, "filed_elsewhere": False,
          "homes_owned": 0, "owns_business": False, "child_private_or_abroad": False,
          "operates_vehicles": False, "hukou": "urban", "birth_date": "1975-06-01", "sex": "male",
          "dibao_certificate": False, "major_illness": True, "residence": "nanchang-city",
          "household_size": 3}


@pytest.fixture
def editions_root(tmp_path: Path) -> Path:
    """The bundled edition and a later one (南昌市城区's line raised to 600) side by side."""
    root = tmp_path / "editions"
    shutil.copytree(EDITIONS_DIR / "jiangxi-2016", root / "jiangxi-2016")
    later = root / "jiangxi-2017"
    shutil.copytree(EDITIONS_DIR / "jiangxi-2016", later)
    text = (later / "edition.yaml").read_text(encoding="utf-8")
    text = text.replace("edition: jiangxi-2016", "edition: jiangxi-2017").replace('dibao_line: "510"', 'dibao_line: "600"', 1)
    (later / "edition.yaml").write_text(text, encoding="utf-8")
    return root


def test_an_unknown_top_level_key_names_file_and_key(editions_root: Path) -> None:
    (editions_root / "jiangxi-2016" / "zz_typo.yaml").write_text("spelings: {}\n", encoding="utf-8")
    with pytest.raises(EditionError) as info:
        load_edition_from("jiangxi-2016", editions_root)
    assert "zz_typo.yaml" in str(info.value) and "spelings" in str(info.value)


def test_bot_edition_selects_a_bundled_edition_and_refuses_an_unknown_one() -> None:
    assert load_settings({}, need_token=False).edition == "jiangxi-2016"
    assert load_settings({"BOT_EDITION": "jiangxi-2016"}, need_token=False).edition == "jiangxi-2016"
    with pytest.raises(SettingsError) as info:
        load_settings({"BOT_EDITION": "atlantis-2099"}, need_token=False)
    assert str(info.value).startswith("BOT_EDITION:") and "atlantis-2099" in str(info.value)
    assert "jiangxi-2016" in str(info.value)  # the available ones are named


async def test_a_conversation_keeps_the_edition_it_started_under(open_assistant, editions_root: Path) -> None:
    load = lambda name: load_edition_from(name, editions_root)  # noqa: E731
    old = await open_assistant(edition="jiangxi-2016", editions=load)
    person = Person(old, "tg:77")
    await person.command("screen")
    await person.answer_until(WORKER, stop="household_annual_income")
    # the office upgrades to the 2017 edition while this person is mid-way
    new = await open_assistant(edition="jiangxi-2017", editions=load)
    person.assistant = new
    await person.say("25200")  # 700 a month: within 765 (2016), and also within 900 (2017)
    assert msg("result.eligible") in person.text
    assert "765.00" in person.text and "900.00" not in person.text
    newcomer = Person(new, "tg:78")
    await newcomer.command("screen")
    await newcomer.answer_until(WORKER, stop="household_annual_income")
    await newcomer.say("25200")
    assert "900.00" in newcomer.text and "765.00" not in newcomer.text
    assert (await newcomer.state())["edition"] == "jiangxi-2017"
    assert (await person.state())["edition"] == "jiangxi-2016"
