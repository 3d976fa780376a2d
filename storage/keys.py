"""Where the data key comes from: BOT_DATA_KEY (raw key or passphrase) or a key file.

* A raw key is the urlsafe base64 of 32 random bytes (43 characters, optional '='),
  the same text the key file holds, so a key can move between file and environment.
* Any other value of at least 16 characters is a passphrase: the key is
  scrypt(passphrase NFC UTF-8, salt=PASSPHRASE_SALT, n=2**15, r=8, p=1, 32 bytes).
  The salt is fixed (the same passphrase must give the same key on every start);
  scrypt's cost (~0.1 s, 32 MiB, once per start) is what slows guessing.
* Without BOT_DATA_KEY the key file is read, or created on first run with mode 0600
  (O_CREAT|O_EXCL, then published with link() so a racing process never reads a
  half-written file). A key file readable by group/others, or malformed, is refused.
"""
from __future__ import annotations

import base64
import os
import re
import stat
import unicodedata
from pathlib import Path

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from storage.errors import StorageError

KEY_BYTES = 32
MIN_PASSPHRASE = 16
PASSPHRASE_SALT = b"hardship-filing-assistant/BOT_DATA_KEY/scrypt/v1"
_RAW_KEY = re.compile(r"^[A-Za-z0-9_-]{43}=?$")


def encode_key(key: bytes) -> str:
    """The text form of a raw key (what the key file and BOT_DATA_KEY hold)."""
    return base64.urlsafe_b64encode(key).decode("ascii")


def decode_raw_key(text: str) -> bytes | None:
    """The 32 bytes of a urlsafe-base64 key, or None if text is not one."""
    text = text.strip()
    if not _RAW_KEY.match(text):
        return None
    key = base64.urlsafe_b64decode(text.rstrip("=") + "=")
    return key if len(key) == KEY_BYTES else None


def key_from_setting(value: str) -> bytes:
    """The key for a BOT_DATA_KEY value: a raw key, else a passphrase (scrypt)."""
    raw = decode_raw_key(value)
    if raw is not None:
        return raw
    passphrase = unicodedata.normalize("NFC", value.strip())
    if len(passphrase) < MIN_PASSPHRASE:
        raise StorageError(
            "BOT_DATA_KEY must be a urlsafe base64 key of 32 bytes "
            f"or a passphrase of at least {MIN_PASSPHRASE} characters"
        )
    kdf = Scrypt(salt=PASSPHRASE_SALT, length=KEY_BYTES, n=2**15, r=8, p=1)
    return kdf.derive(passphrase.encode("utf-8"))


def load_or_create_key_file(path: Path) -> bytes:
    """The key in path, creating the file (mode 0600) if it does not exist."""
    path = Path(path)
    if not path.exists():
        _create_key_file(path)
    return _read_key_file(path)


def _read_key_file(path: Path) -> bytes:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise StorageError(f"data key file {path} is not a regular file")
        if os.name == "posix" and info.st_mode & 0o077:
            raise StorageError(
                f"data key file {path} is readable by group/others "
                f"(mode {stat.S_IMODE(info.st_mode):o}); run: chmod 600 {path}"
            )
        text = path.read_text(encoding="ascii")
    except StorageError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise StorageError(f"cannot read data key file {path}: {type(exc).__name__}") from None
    key = decode_raw_key(text)
    if key is None:
        raise StorageError(
            f"data key file {path} is malformed (expected the urlsafe base64 of 32 bytes)"
        )
    return key


def _create_key_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temp = path.with_name(f".{path.name}.{os.urandom(6).hex()}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(encode_key(os.urandom(KEY_BYTES)) + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, path)  # atomic; fails if another process won the race
        except FileExistsError:
            pass
        _fsync_dir(path.parent)
    finally:
        temp.unlink(missing_ok=True)


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
