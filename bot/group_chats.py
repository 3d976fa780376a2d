"""Group chats get no personal data at all (dialogs/access.py): a command or a button
pressed there is answered only with a pointer to a private chat with the bot; nothing
reaches the dialogs, nothing is stored. Other group messages are ignored."""
from __future__ import annotations

import html
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from dialogs.access import GROUP_POINTER
from locales import translator

log = logging.getLogger(__name__)


def _language(code: str | None) -> str:
    return "zh_CN" if (code or "zh").lower().startswith("zh") else "en"


async def point_to_private(bot, update: Update) -> None:
    """Answers a command or button in a group with the pointer (best effort)."""
    user = update.effective_user
    t = translator(_language(user.language_code if user else None))
    text = t(GROUP_POINTER)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
            return
        msg = update.message
        if msg is None or not (msg.text or "").startswith("/") or update.effective_chat is None:
            return
        markup = None
        if bot.username:
            markup = InlineKeyboardMarkup([[InlineKeyboardButton(t("btn.privacy_private_chat"),
                                                                 url=f"https://t.me/{bot.username}")]])
        await bot.send_message(update.effective_chat.id, html.escape(text, quote=False), parse_mode=ParseMode.HTML,
                               reply_markup=markup)
    except TelegramError as exc:
        log.info("group pointer not sent: %s", type(exc).__name__)
