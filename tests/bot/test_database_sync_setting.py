"""BOT_DATABASE_SYNC: which commits wait for the disk (storage/durability.py); a bad
value stops the start with one line naming the setting and its values."""
from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings
from bot.wiring import open_assistant


def settings(tmp_path, **env):
    return load_settings({"BOT_DATABASE": str(tmp_path / "bot.sqlite3"), "BOT_DATA_KEY": "a test passphrase 123",
                          **env}, need_token=False)


async def test_the_bot_syncs_records_by_default(tmp_path):
    assistant = await open_assistant(settings(tmp_path))
    try:
        assert assistant.db.sync_records
    finally:
        await assistant.db.close()


@pytest.mark.parametrize("raw, records", [("full", False), (" Normal ", False), ("RECORDS", True)])
async def test_the_setting_chooses_the_mode(tmp_path, raw, records):
    chosen = settings(tmp_path, BOT_DATABASE_SYNC=raw)
    assert chosen.database_sync == raw.strip().upper()
    assistant = await open_assistant(chosen)
    try:
        assert assistant.db.sync_records is records
    finally:
        await assistant.db.close()


def test_a_bad_value_names_the_choices(tmp_path):
    with pytest.raises(SettingsError, match="BOT_DATABASE_SYNC must be records, full or normal, not 'always'"):
        settings(tmp_path, BOT_DATABASE_SYNC="always")
