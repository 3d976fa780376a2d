"""A long document's progress in a Telegram chat (the staff desk's records export):
one message with the count, edited as it grows (dialogs.assistant.Assistant.show_progress)."""
from __future__ import annotations

import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram.constants import ParseMode

log = logging.getLogger(__name__)


def chat_progress(app: Any) -> Callable[[str, str, Any], Awaitable[Any]]:
    """(person's key, text, message id or None) -> message id: sends, then edits."""

    async def show(user_key: str, text: str, handle: Any) -> Any:
        channel, _, chat = user_key.partition(":")
        if channel != "tg" or not chat.lstrip("-").isdigit():
            return handle
        body = html.escape(text, quote=False)
        try:
            if handle is None:
                return (await app.bot.send_message(int(chat), body, parse_mode=ParseMode.HTML)).message_id
            await app.bot.edit_message_text(body, chat_id=int(chat), message_id=handle, parse_mode=ParseMode.HTML)
        except Exception as exc:  # best effort: the document is sent regardless
            log.warning("progress not shown: %s", type(exc).__name__)
        return handle

    return show
