"""`python -m storage new-key | rotate-key`: data key maintenance (stop the bot first).

* ``new-key`` prints a fresh raw key (for BOT_NEW_DATA_KEY / BOT_DATA_KEY).
* ``rotate-key`` re-encrypts every stored piece of personal data under a new key
  (storage/rotation.py), showing its progress; run it again if it was interrupted.
  The current key is BOT_DATA_KEY, or the key file next to the database. The new key is
  BOT_NEW_DATA_KEY; without it (key file only) a new key is made in ``data.key.new``
  and, once every record is rotated, becomes ``data.key`` (the old one is kept as
  ``data.key.old`` for old backups: delete it when they are gone). With BOT_DATA_KEY,
  set it to the new key before the next start.

Options: ``--batch N`` (rows per transaction, 200), ``--pause S`` (seconds between
batches, to leave the disk to others). Settings from the environment or a .env file.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from storage.crypto import DataCipher
from storage.errors import StorageError
from storage.keys import KEY_BYTES, encode_key, key_from_setting, load_or_create_key_file
from storage.rotation import AlreadyRotated, rotate_database


def _environment() -> dict[str, str]:
    env: dict[str, str] = {}
    if Path(".env").is_file():
        from dotenv import dotenv_values

        env.update({k: v for k, v in dotenv_values(".env").items() if v is not None})
    env.update(os.environ)
    return env


def _progress(table: str, done: int, total: int) -> None:
    print(f"rotate-key: {table} {done}/{total}", flush=True)


def rotate_key(env: dict[str, str], *, batch: int, pause: float) -> int:
    """The rotate-key command; its exit status."""
    database = Path(env.get("BOT_DATABASE", "").strip() or "data/bot.sqlite3")
    key_file = database.parent / "data.key"
    new_file = key_file.with_name("data.key.new")
    if env.get("BOT_DATA_KEY"):
        old = DataCipher(key_from_setting(env["BOT_DATA_KEY"]))
        if not env.get("BOT_NEW_DATA_KEY"):
            raise StorageError("BOT_DATA_KEY is set: set BOT_NEW_DATA_KEY to the new key "
                               "(`python -m storage new-key` makes one)")
    else:
        if not key_file.is_file():
            raise StorageError(f"no key file at {key_file} and BOT_DATA_KEY unset")
        old = DataCipher(load_or_create_key_file(key_file))
    if env.get("BOT_NEW_DATA_KEY"):
        new = DataCipher(key_from_setting(env["BOT_NEW_DATA_KEY"]))
    else:
        new = DataCipher(load_or_create_key_file(new_file))  # made once, reused when resumed
    try:
        changed = rotate_database(database, old, new, batch=batch, pause=pause, progress=_progress,
                                  web_store=database.parent / "web-chat.sqlite3")
    except AlreadyRotated:
        if not new_file.is_file():
            raise
        changed = {}  # rotated, but killed before the key files were swapped
    print(f"rotate-key: done, {sum(v for k, v in changed.items() if k != 'id_hashes')} value(s) "
          f"re-encrypted, {changed.get('id_hashes', 0)} ID hash(es) recomputed", flush=True)
    if env.get("BOT_DATA_KEY"):
        print("rotate-key: set BOT_DATA_KEY to the new key (BOT_NEW_DATA_KEY) before the next start", flush=True)
    elif new_file.is_file():
        os.replace(key_file, key_file.with_name("data.key.old"))
        os.replace(new_file, key_file)
        print(f"rotate-key: {key_file} holds the new key; the old one is {key_file.name}.old "
              "(delete it once no backup needs it)", flush=True)
    return 0


def main(argv: list[str]) -> int:
    """Parses the command line; a failure is one line on stderr and exit 2."""
    parser = argparse.ArgumentParser(prog="python -m storage")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("new-key", help="print a fresh data key")
    rotate = sub.add_parser("rotate-key", help="re-encrypt all personal data under a new key")
    rotate.add_argument("--batch", type=int, default=200)
    rotate.add_argument("--pause", type=float, default=0.0)
    args = parser.parse_args(argv)
    try:
        if args.command == "new-key":
            print(encode_key(os.urandom(KEY_BYTES)))
            return 0
        return rotate_key(_environment(), batch=max(1, args.batch), pause=max(0.0, args.pause))
    except StorageError as exc:
        print(f"storage: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rotate-key: interrupted; run it again to finish", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
