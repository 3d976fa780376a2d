"""One step of a web person's conversation: the form's input through the assistant,
exactly once, and the page's record of it (recent messages, the open question).

No dialog logic: the assistant decides everything; this keeps what the page shows.
A step that erased the person (/forget confirmed: the step's ``forgotten`` flag,
:class:`dialogs.assistant.StepReplies`) erases the page's record too
(:meth:`WebStore.forget`); its replies become the notice the browser shows next.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Any

from bot.logsafe import safe_trace
from bot.outbox import Rejected, render_payload
from dialogs.render import Rendered
from dialogs.types import Input
from locales import translator

from bot.web.store import Chat, WebStore

log = logging.getLogger(__name__)
HISTORY = 60  # messages kept per person (both sides)

try:  # the one way to build a person's key, where storage has it
    from storage.models import user_key as _user_key
except ImportError:  # pragma: no cover
    def _user_key(channel: str, ident: str) -> str:
        return f"{channel}:{ident}"


def key_of(person: str) -> str:
    """The assistant's key for a web person."""
    return _user_key("web", person)


def open_question(r: Rendered) -> dict:
    """What the page needs to show a question's buttons and text box."""
    return {"seq": r.seq, "expects": r.expects, "buttons": [[b.label, b.nav, b.command] for b in r.buttons]}


def label_of(chat: Chat, seq: int | None, pos: int) -> str | None:
    """The label of the button at ``pos`` of the open question ``seq`` (for the record)."""
    q = chat.open
    if q and q["seq"] == seq and 0 <= pos < len(q["buttons"]):
        return q["buttons"][pos][0]
    return None


class WebChat:
    """Applies steps for web people, one at a time per person."""

    def __init__(self, assistant: Any, store: WebStore):  # bot.wiring.open_assistant's
        self.assistant, self.store = assistant, store
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def lock(self, person: str) -> asyncio.Lock:
        lock = self._locks.get(person)
        if lock is None:
            lock = self._locks[person] = asyncio.Lock()
        return lock

    async def language(self, person: str) -> str:
        return await self.assistant.language_of(key_of(person))

    async def step(self, person: str, inp: Input, *, said: str | None = None, cid: str | None = None,
                   hint: str | None = None, press: tuple[int | None, int] | None = None) -> str | None:
        """Applies ``inp`` once per ``cid``; records what the person said (``said``, or the
        pressed button's label) and the replies. Returns a notice for the page, if any
        (a press of a passed question, an apology after an error)."""
        async with self.lock(person):
            if not await self.store.has_session(person):  # forgotten while this form was on its way
                return None
            step_id, update_id, done = await self.store.step(person, cid)
            if done:  # a double tap or a resubmitted form: already applied and shown
                return None
            chat = await self.store.chat(person)
            if press is not None:
                said = label_of(chat, *press)
            try:
                replies = await self.assistant.handle(key_of(person), inp, update_id=update_id,
                                                      language_hint=hint)
            except Exception as exc:  # rolled back: the conversation stays where it was
                log.error("web step failed: %s", safe_trace(exc))
                return translator(await self.language(person))("bot.apology")
            if replies.forgotten:  # StepReplies: nothing of them is kept here either
                await self.store.forget(person)
                return "\n\n".join(r.text for r in replies) or None
            notice = None
            if replies and replies[0].stale:
                notice, replies = replies[0].text, replies[1:]
            elif said:
                chat.history.append({"who": "me", "text": said})
            for r in replies:
                entry: dict[str, Any] = {"who": "bot", "text": r.text}
                if r.document:  # a file the dialogs produced: downloadable from the chat
                    name, data = r.document
                    entry |= {"file": await self.store.save_file(person, name, data), "name": name}
                chat.history.append(entry)
                if r.buttons or r.expects:
                    chat.open = open_question(r)
            del chat.history[:-HISTORY]
            await self.store.save_chat(person, chat)
            await self.store.step_done(step_id)
            return notice

    async def deliver(self, recipient: str, payload: dict[str, Any]) -> None:
        """The outbox's deliver for 'web:' keys (a message from someone else's step, a
        reminder): added to the person's conversation, shown at their next visit or step."""
        try:
            person = recipient.partition(":")[2]
            text = render_payload(payload, await self.language(person))
        except Exception as exc:  # a payload that never becomes showable
            raise Rejected(type(exc).__name__) from exc
        async with self.lock(person):
            if not await self.assistant.known(recipient):  # forgotten since: not recorded again
                return
            chat = await self.store.chat(person)
            chat.history.append({"who": "bot", "text": text})
            del chat.history[:-HISTORY]
            await self.store.save_chat(person, chat)
