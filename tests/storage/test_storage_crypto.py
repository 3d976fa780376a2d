"""DataCipher: AES-GCM tokens, aad binding, wrong keys, settings parsing."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import DataCipher, StorageError
from storage.keys import PASSPHRASE_SALT, encode_key

KEY = bytes(range(32))  # the same key as the conftest cipher fixture


def test_round_trip_and_fresh_nonce(cipher):
    a = cipher.encrypt(b"secret", aad=b"x")
    b = cipher.encrypt(b"secret", aad=b"x")
    assert a != b  # random nonce per message
    assert a[0] == 1 and len(a) == 1 + 12 + len(b"secret") + 16
    assert cipher.decrypt(a, aad=b"x") == b"secret"


def test_wrong_aad_is_refused(cipher):
    token = cipher.encrypt(b"secret", aad=b"session:tg:1")
    with pytest.raises(StorageError, match="wrong BOT_DATA_KEY"):
        cipher.decrypt(token, aad=b"session:tg:2")


def test_wrong_key_is_refused_without_leaking(cipher):
    token = cipher.encrypt("身份证 110101199003074518".encode())
    other = DataCipher(bytes(32))
    with pytest.raises(StorageError) as info:
        other.decrypt(token)
    assert "wrong BOT_DATA_KEY" in str(info.value)
    assert "1101" not in str(info.value) and info.value.__cause__ is None


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + bytes([t[-1] ^ 1]),  # tag
    lambda t: t[:20] + bytes([t[20] ^ 1]) + t[21:],  # body
    lambda t: bytes([2]) + t[1:],  # version
    lambda t: t[:10],  # truncated
])
def test_tampered_tokens_are_refused(cipher, mangle):
    with pytest.raises(StorageError):
        cipher.decrypt(mangle(cipher.encrypt(b"some plaintext")))


def test_json_round_trip_keeps_chinese(cipher):
    state = {"姓名": "张三", "incomes": [1234.5, 0], "ok": True, "none": None}
    assert cipher.decrypt_json(cipher.encrypt_json(state, aad=b"a"), aad=b"a") == state


@settings(max_examples=50, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
))
def test_json_round_trip_property(obj):
    cipher = DataCipher(KEY)
    assert cipher.decrypt_json(cipher.encrypt_json(obj)) == obj


def test_repr_hides_key(cipher):
    assert KEY.hex() not in repr(cipher) and "hidden" in repr(cipher)


def test_from_settings_raw_key(tmp_path):
    text = encode_key(KEY)
    a = DataCipher.from_settings(text, tmp_path / "unused.key")
    b = DataCipher.from_settings(text.rstrip("="), tmp_path / "unused.key")
    assert b.decrypt(a.encrypt(b"x")) == b"x"
    assert DataCipher(KEY).decrypt(a.encrypt(b"x")) == b"x"
    assert not (tmp_path / "unused.key").exists()


def test_from_settings_passphrase_is_deterministic(tmp_path):
    phrase = "correct horse battery staple 工会"
    a = DataCipher.from_settings(phrase, tmp_path / "k")
    b = DataCipher.from_settings(phrase, tmp_path / "k")
    assert b.decrypt(a.encrypt(b"x")) == b"x"
    with pytest.raises(StorageError):
        DataCipher.from_settings(phrase + "!", tmp_path / "k").decrypt(a.encrypt(b"x"))
    assert PASSPHRASE_SALT  # documented fixed application salt


@pytest.mark.parametrize("value", ["short", "  ", ""])
def test_from_settings_refuses_weak_or_empty(tmp_path, value):
    with pytest.raises(StorageError, match="BOT_DATA_KEY") as info:
        DataCipher.from_settings(value, tmp_path / "k")
    assert (value.strip() == "") or value not in str(info.value)
