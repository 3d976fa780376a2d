"""The key file: created owner-only on first run, reused, refused when exposed."""
from __future__ import annotations

import os
import stat

import pytest

from storage import DataCipher, StorageError


def test_created_owner_only_in_new_directory_and_reused(tmp_path):
    path = tmp_path / "secrets" / "nested" / "data.key"
    first = DataCipher.from_settings(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = first.encrypt(b"answer")
    second = DataCipher.from_settings(None, path)
    assert second.decrypt(token) == b"answer"
    assert [p.name for p in path.parent.iterdir()] == ["data.key"]  # no temp file left


def test_key_file_text_works_as_bot_data_key(tmp_path):
    path = tmp_path / "data.key"
    token = DataCipher.from_settings(None, path).encrypt(b"x")
    moved = DataCipher.from_settings(path.read_text().strip(), tmp_path / "other.key")
    assert moved.decrypt(token) == b"x"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660])
def test_exposed_key_file_is_refused(tmp_path, mode):
    path = tmp_path / "data.key"
    DataCipher.from_settings(None, path)
    key_text = path.read_text().strip()
    os.chmod(path, mode)
    with pytest.raises(StorageError, match="group/others") as info:
        DataCipher.from_settings(None, path)
    assert "chmod 600" in str(info.value) and key_text not in str(info.value)


@pytest.mark.parametrize("content", ["", "not a key\n", "A" * 42, "QUJD\n"])
def test_malformed_key_file_is_refused(tmp_path, content):
    path = tmp_path / "data.key"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, content.encode())
    os.close(fd)
    with pytest.raises(StorageError, match="malformed"):
        DataCipher.from_settings(None, path)


def test_key_file_that_is_a_directory_is_refused(tmp_path):
    (tmp_path / "data.key").mkdir()
    with pytest.raises(StorageError, match="not a regular file"):
        DataCipher.from_settings(None, tmp_path / "data.key")


def test_bot_data_key_wins_over_key_file(tmp_path):
    path = tmp_path / "data.key"
    DataCipher.from_settings("a passphrase of enough length", path)
    assert not path.exists()
