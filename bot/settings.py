"""Settings from the environment (or a .env file), checked at start.

A missing or malformed setting stops the start with one clear line
(:class:`SettingsError`), never a traceback. The environment is injected, so
tests never touch ``os.environ``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from locales import LANGUAGES
from storage.durability import MODES

DEFAULT_API = "https://api.telegram.org/bot"
DEFAULT_FILE_API = "https://api.telegram.org/file/bot"


class SettingsError(Exception):
    """A setting that stops the start; the message is the one line shown."""


@dataclass(frozen=True)
class Settings:
    """Everything the assistant is configured with."""

    token: str | None
    api_base_url: str
    api_file_url: str
    database: Path
    admin_ids: frozenset[int]
    default_locale: str
    timezone: ZoneInfo
    data_key: str | None = field(repr=False)
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_port: int = 8443
    webhook_listen: str = "0.0.0.0"
    edition: str = "jiangxi-2016"
    web_listen: str = "127.0.0.1"
    web_port: int = 8080
    web_secure_cookies: bool = False
    broadcast_rate: float = 25.0  # outbox messages (reminders, messages to others) per second, overall
    chat_rate: float = 1.0  # outbox messages per second to one chat
    reminder_time: dt.time = dt.time(9, 0)  # local time (BOT_TIMEZONE) reminders go out
    reminder_days: tuple[int, ...] = (7, 3, 1, 0)  # days (working days for such deadlines) before
    example_campaign: str | None = None  # a shipped campaign loaded at start (jiangxi-2016)
    telegram_rate: int = 30  # messages (sends and edits) per second; 0: no cap (a local Bot API server)
    retention_days: int = 90  # unfinished drafts and idle sessions are purged after this many days
    database_sync: str = "RECORDS"  # which commits are fsynced: RECORDS, FULL or NORMAL (storage/durability.py)

    @property
    def key_file(self) -> Path:
        """Where the data key lives when BOT_DATA_KEY is not set."""
        return self.database.parent / "data.key"

    def __repr__(self) -> str:
        return f"Settings(database={self.database}, locale={self.default_locale}, token={'set' if self.token else 'unset'})"


def _admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"BOT_ADMIN_IDS: {part!r} is not a Telegram user id (comma-separated numbers)")
        ids.add(int(part))
    return frozenset(ids)


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("", "0", "false", "no", "off")


def _port(env: Mapping[str, str], name: str, default: str) -> int:
    raw = env.get(name, default).strip()
    if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number, not {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw not in TRUE_WORDS + FALSE_WORDS:
        raise SettingsError(f"{name} must be true or false, not {raw!r}")
    return raw in TRUE_WORDS


def _listen(env: Mapping[str, str], name: str, default: str) -> str:
    raw = env.get(name, default).strip() or default
    if not all(c.isalnum() or c in ".:-[]" for c in raw) or not raw.isascii():
        raise SettingsError(f"{name} must be an address to listen on (e.g. 127.0.0.1 or 0.0.0.0), not {raw!r}")
    return raw.strip("[]")


def _rate(env: Mapping[str, str]) -> int:
    """BOT_TELEGRAM_RATE: messages per second the bot may send (Telegram's cap is about 30)."""
    raw = env.get("BOT_TELEGRAM_RATE", "30").strip() or "30"
    if not raw.isascii() or not raw.isdigit() or int(raw) > 100_000:
        raise SettingsError(f"BOT_TELEGRAM_RATE must be messages per second (30; 0 for no cap), not {raw!r}")
    return int(raw)


def _database_sync(env: Mapping[str, str]) -> str:
    """BOT_DATABASE_SYNC: which commits wait for the disk (records, full or normal)."""
    raw = env.get("BOT_DATABASE_SYNC", "records").strip().lower() or "records"
    if raw.upper() not in MODES:
        raise SettingsError(f"BOT_DATABASE_SYNC must be {', '.join(m.lower() for m in MODES[:-1])} or "
                            f"{MODES[-1].lower()}, not {raw!r}")
    return raw.upper()


def _retention_days(env: Mapping[str, str]) -> int:
    """BOT_RETENTION_DAYS: days an unfinished draft or an idle conversation is kept (90; at least 8)."""
    raw = env.get("BOT_RETENTION_DAYS", "90").strip() or "90"
    if not raw.isascii() or not raw.isdigit() or not 8 <= int(raw) <= 3650:
        raise SettingsError(f"BOT_RETENTION_DAYS must be days between 8 and 3650 (90), not {raw!r}")
    return int(raw)


def _per_second(env: Mapping[str, str], name: str, default: str) -> float:
    raw = env.get(name, default).strip() or default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 10_000:
        raise SettingsError(f"{name} must be messages per second (e.g. {default}), not {raw!r}")
    return value


def _reminders(env: Mapping[str, str]) -> dict:
    """BOT_BROADCAST_RATE, BOT_CHAT_RATE, BOT_REMINDER_TIME, BOT_REMINDER_DAYS, BOT_EXAMPLE_CAMPAIGN."""
    raw_time = env.get("BOT_REMINDER_TIME", "09:00").strip() or "09:00"
    try:
        at = dt.time.fromisoformat(raw_time)
    except ValueError:
        raise SettingsError(f"BOT_REMINDER_TIME must be a time of day like 09:00, not {raw_time!r}") from None
    raw_days = env.get("BOT_REMINDER_DAYS", "7,3,1,0").replace(" ", "") or "7,3,1,0"
    if not all(d.isascii() and d.isdigit() and int(d) <= 366 for d in raw_days.split(",")):
        raise SettingsError(f"BOT_REMINDER_DAYS must be days before a deadline like 7,3,1,0, not {raw_days!r}")
    campaign = env.get("BOT_EXAMPLE_CAMPAIGN", "").strip() or None
    if campaign:
        from rules.campaign import load_campaign
        from rules.edition import EditionError

        try:
            load_campaign(campaign)
        except EditionError as exc:
            raise SettingsError(f"BOT_EXAMPLE_CAMPAIGN: {exc}") from None
    return {"broadcast_rate": _per_second(env, "BOT_BROADCAST_RATE", "25"),
            "chat_rate": _per_second(env, "BOT_CHAT_RATE", "1"), "reminder_time": at,
            "reminder_days": tuple(sorted({int(d) for d in raw_days.split(",")}, reverse=True)),
            "example_campaign": campaign}


def _edition(env: Mapping[str, str]) -> str:
    """BOT_EDITION: a bundled edition that loads (a broken one stops the start, naming file and key)."""
    from rules.edition import DEFAULT_EDITION, EditionError, load_edition

    name = env.get("BOT_EDITION", DEFAULT_EDITION).strip() or DEFAULT_EDITION
    try:
        load_edition(name)
    except EditionError as exc:
        raise SettingsError(f"BOT_EDITION: {exc}") from None
    return name


def load_settings(env: Mapping[str, str], *, need_token: bool) -> Settings:
    """Read and check every setting from ``env``."""
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if need_token and not token:
        raise SettingsError("TELEGRAM_BOT_TOKEN is not set: get one from @BotFather, "
                            "or run the assistant in the terminal with `python -m bot console`")
    if token and (":" not in token or not token.split(":", 1)[0].isdigit()):
        raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (digits:letters)")
    locale = env.get("BOT_DEFAULT_LOCALE", "zh_CN").strip()
    if locale not in LANGUAGES:
        raise SettingsError(f"BOT_DEFAULT_LOCALE must be one of {', '.join(LANGUAGES)}, not {locale!r}")
    tz_name = env.get("BOT_TIMEZONE", "Asia/Shanghai").strip()
    try:
        tz = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"BOT_TIMEZONE: unknown time zone {tz_name!r} (e.g. Asia/Shanghai)") from None
    port_raw = env.get("BOT_WEBHOOK_PORT", "8443").strip()
    if not port_raw.isdigit() or not 0 < int(port_raw) < 65536:
        raise SettingsError(f"BOT_WEBHOOK_PORT must be a port number, not {port_raw!r}")
    webhook = env.get("BOT_WEBHOOK_URL", "").strip() or None
    if webhook and not webhook.startswith("https://"):
        raise SettingsError("BOT_WEBHOOK_URL must start with https://")
    return Settings(
        token=token,
        api_base_url=env.get("TELEGRAM_API_BASE_URL", DEFAULT_API).strip() or DEFAULT_API,
        api_file_url=env.get("TELEGRAM_API_FILE_URL", DEFAULT_FILE_API).strip() or DEFAULT_FILE_API,
        database=Path(env.get("BOT_DATABASE", "data/bot.sqlite3").strip() or "data/bot.sqlite3"),
        admin_ids=_admin_ids(env.get("BOT_ADMIN_IDS", "")),
        default_locale=locale,
        timezone=tz,
        data_key=env.get("BOT_DATA_KEY") or None,
        webhook_url=webhook,
        webhook_secret=env.get("BOT_WEBHOOK_SECRET") or None,
        webhook_port=int(port_raw),
        webhook_listen=env.get("BOT_WEBHOOK_LISTEN", "0.0.0.0").strip() or "0.0.0.0",
        edition=_edition(env),
        web_listen=_listen(env, "BOT_WEB_LISTEN", "127.0.0.1"),
        web_port=_port(env, "BOT_WEB_PORT", "8080"),
        web_secure_cookies=_flag(env, "BOT_WEB_SECURE_COOKIES"),
        **_reminders(env),
        telegram_rate=_rate(env),
        retention_days=_retention_days(env),
        database_sync=_database_sync(env),
    )


def environment(env: Mapping[str, str], dotenv: Path = Path(".env")) -> dict[str, str]:
    """The process environment over the values of a .env file (the environment wins)."""
    from dotenv import dotenv_values

    merged = {k: v for k, v in dotenv_values(dotenv).items() if v is not None} if dotenv.is_file() else {}
    merged.update(env)
    return merged
