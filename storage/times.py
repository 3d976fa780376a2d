"""Datetimes to and from the fixed-width ISO UTC text stored in the database."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The real clock (the default for Database.open; tests inject their own)."""
    return datetime.now(timezone.utc)


def to_db(moment: datetime) -> str:
    """An aware datetime as '2024-05-01T08:30:00.000000+00:00' (sorts as text)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def from_db(text: str) -> datetime:
    """The aware UTC datetime stored by to_db."""
    return datetime.fromisoformat(text).astimezone(timezone.utc)
