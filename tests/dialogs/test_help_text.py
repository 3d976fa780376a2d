"""/help names every command a worker may need, the form's and the privacy ones too, and
only commands the assistant knows (both languages)."""
from __future__ import annotations

import re

import pytest

from dialogs.render import NAV_COMMANDS
from dialogs.router import GLOBAL
from locales import translator

STAFF = {"staff", "inbox", "notice", "file", "cleanup", "stats", "export"}  # shown to staff by /staff


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_help_names_the_form_and_privacy_commands_and_only_real_ones(lang: str) -> None:
    named = set(re.findall(r"/([a-z]+)", translator(lang)("help.text")))
    assert named <= set(GLOBAL) | set(NAV_COMMANDS) | {"language", "lang"}, named
    assert {"apply", "status", "mydraft", "deadlines", "privacy", "mydata", "forget"} <= named
    assert not named & STAFF
