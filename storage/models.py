"""Pydantic models the repositories return (immutable; use model_copy to change)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

ROLES: frozenset[str] = frozenset({"applicant", "clerk", "reviewer", "admin"})

_CHANNEL = re.compile(r"^[a-z][a-z0-9_]*$")
_USER_KEY = re.compile(r"^[a-z][a-z0-9_]*:\S+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}([_-][A-Za-z0-9]{1,8})*$")


def check_user_key(key: str) -> str:
    """A user key is '<channel>:<id>', e.g. 'tg:12345' or 'console:alice'."""
    if not isinstance(key, str) or len(key) > 200 or not _USER_KEY.match(key):
        raise ValueError("user key must look like 'tg:12345' or 'console:alice'")
    return key


def user_key(channel: str, ident: str | int) -> str:
    """The one way to build a person's key: user_key('tg', 123) == 'tg:123'
    ('console:alice', 'web:abc'). ValueError if it would not be a valid key."""
    if not isinstance(channel, str) or not _CHANNEL.match(channel):
        raise ValueError("channel must look like 'tg', 'console' or 'web'")
    return check_user_key(f"{channel}:{ident}")


def channel_of(key: str) -> str:
    """The channel a key names: channel_of('tg:123') == 'tg'."""
    return check_user_key(key).split(":", 1)[0]


def check_role(role: str) -> str:
    """One of ROLES."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {sorted(ROLES)}")
    return role


def check_language(language: str) -> str:
    """A locale code such as 'zh_CN' or 'en'."""
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        raise ValueError("language must be a locale code such as 'zh_CN' or 'en'")
    return language


def _check_roles(roles: frozenset[str]) -> frozenset[str]:
    for role in roles:
        check_role(role)
    return roles


UserKey = Annotated[str, AfterValidator(check_user_key)]
Language = Annotated[str, AfterValidator(check_language)]
Roles = Annotated[frozenset[str], AfterValidator(_check_roles)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class User(_Model):
    """A person known to the bot, with their language and roles."""

    key: UserKey
    language: Language
    roles: Roles = frozenset()
    created_at: datetime


class DialogSession(_Model):
    """The one current dialog of a user; version 0 means never saved."""

    user_key: UserKey
    dialog: str = Field(min_length=1, max_length=100)
    state: dict[str, Any] = Field(default_factory=dict)
    version: int = Field(default=0, ge=0)
    updated_at: datetime | None = None


class AuditEntry(_Model):
    """One audit-log row: who did what to which subject, when, from/to, why."""

    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    before: str | None = None
    after: str | None = None
    comment: str | None = None


OutboxState = Literal["pending", "sent", "unreachable", "failed"]


class OutboxMessage(_Model):
    """One message queued for a person other than the one being answered.

    ``payload`` is channel-free (a dialog reply as JSON); it is stored encrypted.
    ``attempts`` counts deliveries tried; ``next_attempt_at`` is when the next one is due.
    """

    id: int
    recipient: UserKey
    channel: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int = Field(ge=0)
    next_attempt_at: datetime
    sent_at: datetime | None = None
    state: OutboxState
    last_error: str | None = None
