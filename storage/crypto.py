"""DataCipher: AES-256-GCM for personal data at rest (see storage/keys.py for keys).

A token is: version byte (0x01) | 96-bit random nonce | ciphertext | 128-bit tag.
The aad binds a token to its place (e.g. the session's user key), so a token
copied to another row does not decrypt.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.errors import StorageError
from storage.keys import KEY_BYTES, key_from_setting, load_or_create_key_file

VERSION = 1
_NONCE = 12
_TAG = 16


class DataCipher:
    """Encrypts and decrypts bytes and JSON with one 256-bit key."""

    __slots__ = ("_aead", "_id_key")

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise StorageError("data key must be 32 bytes")
        self._aead = AESGCM(key)
        # a separate key for keyed hashes of ID numbers (duplicate households), derived from this one
        self._id_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                            info=b"hardship-filing-assistant/id-hash/v1").derive(key)

    @classmethod
    def from_settings(cls, key: str | None, key_file: Path) -> DataCipher:
        """From BOT_DATA_KEY if set (raw key or passphrase), else from key_file."""
        if key is not None:
            if not key.strip():
                raise StorageError("BOT_DATA_KEY is empty: set it or unset it to use the key file")
            return cls(key_from_setting(key))
        return cls(load_or_create_key_file(Path(key_file)))

    def __repr__(self) -> str:
        return "DataCipher(<key hidden>)"

    def encrypt(self, plaintext: bytes, *, aad: bytes = b"") -> bytes:
        """A fresh token for plaintext (random nonce each call)."""
        nonce = os.urandom(_NONCE)
        return bytes([VERSION]) + nonce + self._aead.encrypt(nonce, plaintext, aad)

    def decrypt(self, token: bytes, *, aad: bytes = b"") -> bytes:
        """The plaintext of token; StorageError if the key or aad is wrong."""
        token = bytes(token)
        if len(token) < 1 + _NONCE + _TAG:
            raise StorageError("cannot decrypt stored data: token too short")
        if token[0] != VERSION:
            raise StorageError(f"cannot decrypt stored data: unknown format version {token[0]}")
        nonce, body = token[1 : 1 + _NONCE], token[1 + _NONCE :]
        try:
            return self._aead.decrypt(nonce, body, aad)
        except InvalidTag:
            raise StorageError(
                "cannot decrypt stored data: wrong BOT_DATA_KEY (or key file)?"
            ) from None

    def id_hash(self, value: str) -> str:
        """A keyed hash (HMAC-SHA256, hex) of an identifier such as an ID number: equal
        values give equal hashes under one data key, and nothing can be read back."""
        return hmac.new(self._id_key, value.strip().upper().encode("utf-8"), hashlib.sha256).hexdigest()

    def encrypt_json(self, obj: Any, *, aad: bytes = b"") -> bytes:
        """A token for a JSON-serialisable object (TypeError if it is not)."""
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return self.encrypt(text.encode("utf-8"), aad=aad)

    def decrypt_json(self, token: bytes, *, aad: bytes = b"") -> Any:
        """The object encrypt_json stored."""
        plain = self.decrypt(token, aad=aad)
        try:
            return json.loads(plain.decode("utf-8"))
        except ValueError:
            raise StorageError("cannot decode stored data: not JSON") from None
