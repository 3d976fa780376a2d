"""The help texts say what the policy says (both languages)."""
from __future__ import annotations

import pytest

from locales import LANGUAGES, catalog_ids

RESIDENCE_IDS = ("ask.residence", "idk.residence", "why.residence", "fact.residence")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_residence_is_where_the_household_lives_not_its_registration(lang) -> None:
    """6号 二.2 uses 居住地 (where the household lives), not the 户口本 address."""
    ids = catalog_ids(lang)
    texts = " ".join(ids[i] for i in RESIDENCE_IDS)
    assert "户口本上家庭所在地" not in texts
    assert "where your household is registered" not in texts
    assert "Choose where your household is registered" not in texts
    if lang.startswith("zh"):
        assert "居住地" in ids["idk.residence"]
    else:
        assert "lives" in ids["idk.residence"]
