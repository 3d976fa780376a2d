"""The assistant: one input of one person, applied exactly once, stored before
the reply is produced (architecture.md, "One message, end to end").

Every step runs in one write transaction: mark the update processed (by channel
and id), load the session, apply the dialog, save the session with its replies,
and write the messages it addresses to other people into the durable outbox. A
redelivered update changes nothing and gets the stored replies again, so an answer
whose reply was lost in a crash is still answered. The replies are kept apart from
the session (``tx.inbox``); a channel counts each one it sent
(:meth:`Assistant.reply_sent`, one at a time, in order), and a later
redelivery gets only those not yet sent. The step runs whole on the database's
thread (``Database.run``): one hand-over between threads per step.
Messages to others are sent after the commit by the channel's outbox sender.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from locales import normalise_language
from rules.edition import DEFAULT_EDITION, Edition, load_edition
from rules.reminder_times import ReminderPolicy
from storage import Database, DialogSession, Tx

from dialogs.context import Context
from dialogs.drafts_io import load_desk, render_replies, save_desk
from dialogs.privacy_export import after_step
from dialogs.render import Rendered, render
from dialogs.router import step
from dialogs.state import SessionState
from dialogs.types import Input, Msg, Reply, reply_from_json, reply_to_json

log = logging.getLogger(__name__)


class StepReplies(list[Rendered]):
    """The rendered replies of one step, and whether the step erased its person
    (``forgotten``: /forget confirmed, the account gone): a channel that keeps its own
    record of the conversation (the web chat's store) clears it then."""

    forgotten: bool = False


class Assistant:
    """Runs the dialogs for every person over one database."""

    def __init__(self, db: Database, *, today: Callable[[], dt.date], edition: Edition | str | None = None,
                 default_language: str = "zh_CN", admin_keys: frozenset[str] = frozenset(),
                 on_outgoing: Callable[[], None] | None = None,
                 editions: Callable[[str], Edition] = load_edition):
        self.db = db
        self.today = today
        self.editions = editions  # loads an edition by name (the bundled ones unless a test says otherwise)
        self.edition = edition if isinstance(edition, Edition) else editions(edition or DEFAULT_EDITION)
        self.default_language = default_language
        self.admin_keys = admin_keys
        self.on_outgoing = on_outgoing  # wakes the outbox sender after a step queued messages
        # (person, text, handle or None) -> handle: a long document's progress, sent then edited (channels)
        self.show_progress: Callable[[str, str, Any], Awaitable[Any]] | None = None
        self.reminder_policy = ReminderPolicy()  # when reminders fall (bot: from the settings)
        self.on_reminders: Callable[[], None] | None = None  # wakes the reminder timer after a step planned some

    def edition_of(self, state: SessionState) -> Edition:
        """The edition a conversation started under (new ones: the configured edition)."""
        if state.edition is None or state.edition == self.edition.edition:
            return self.edition
        return self.editions(state.edition)

    async def handle(self, user_key: str, inp: Input, *, update_id: int | None = None,
                     language_hint: str | None = None) -> StepReplies:
        """Applies ``inp`` for ``user_key`` and returns the rendered replies (for an update
        applied before: those of its replies not yet sent), flagged when the step erased
        the person (:class:`StepReplies`)."""
        lang = normalise_language(language_hint, self.default_language)
        seen = []  # the step's reminder repository: did it plan or withdraw any?
        replies, outgoing, lang, forgotten = await self.db.run(
            lambda tx: seen.append(tx.reminders) or self._step(tx, user_key, inp, update_id, lang))
        if seen and seen[0].changed and self.on_reminders is not None:
            self.on_reminders()
        if outgoing and self.on_outgoing is not None:
            self.on_outgoing()
        done = StepReplies(await render_replies(self.db, replies, lang, self.edition,  # documents: after
                                                progress=self._progress(user_key, lang)))
        done.forgotten = forgotten
        return done

    def _progress(self, user_key: str, lang: str) -> Callable[[int], Awaitable[None]] | None:
        """How a long document (the records export) shows its count: one message, edited."""
        show = self.show_progress
        if show is None:
            return None
        handle, lock = [None], asyncio.Lock()

        async def progress(count: int) -> None:
            async with lock:
                text = render(Reply((Msg("staff.export.progress", {"count": count}),)), lang).text
                handle[0] = await show(user_key, text, handle[0])
        return progress

    async def _step(self, tx: Tx, user_key: str, inp: Input, update_id: int | None,
                    lang: str) -> tuple[list[Reply], list, str, bool]:
        """The step as one transaction on the database's thread (``Database.run``):
        (replies, messages to others, the language to render in, the person erased)."""
        user = await tx.users.get_or_create(user_key, language=lang)
        if update_id is not None and not await tx.updates.mark_processed(update_id, user_key):
            log.info("update %s redelivered; resending its unsent replies", update_id)
            stored = await tx.inbox.unsent_replies(user_key, update_id)
            if stored is None:  # replies stored in the session by an older version
                session = await tx.sessions.load(user_key)
                state = SessionState.model_validate(session.state) if session else None
                if state is None or state.last_update_id != update_id:
                    return [], [], user.language, False
                stored = state.outbox
            return [reply_from_json(r) for r in stored], [], user.language, False
        session = await tx.sessions.load(user_key)
        state = SessionState.model_validate(session.state) if session else SessionState(lang=user.language)
        state.edition = state.edition or self.edition.edition
        await tx.outbox.mark_reachable(user_key)  # someone who writes has unblocked the bot
        roles = user.roles | ({"admin"} if user_key in self.admin_keys else frozenset())
        desk = await load_desk(tx, user_key)  # the person's drafts, read before the step
        ctx = Context(self.edition_of(state), self.today(), frozenset(roles), desk=desk, tx=tx, person=user_key,
                      reminders=self.reminder_policy)
        replies, outgoing = step(state, inp, ctx)
        nudge = (self.reminder_policy, int(ctx.edition.param("unfinished_draft_nudge_days")))
        await save_desk(tx, desk, self.db.clock(), nudge=nudge)  # written in the step's transaction
        state.last_update_id = update_id
        state.outbox = []  # the replies live in their own table (tx.inbox), counted as they are sent
        await tx.sessions.save(DialogSession(user_key=user_key, dialog=state.flow,
                                             state=state.model_dump(mode="json"),
                                             version=session.version if session else 0))
        await tx.inbox.keep_replies(user_key, update_id, [reply_to_json(r) for r in replies])
        if state.lang != user.language:
            await tx.users.set_language(user_key, state.lang)
        for message in outgoing:
            await tx.outbox.add(message.to, reply_to_json(message.reply))
        erased = await after_step(tx, user_key, state.flows)  # /forget: the erasure, once the session is written
        return replies, outgoing, state.lang, erased is not None

    async def reply_sent(self, user_key: str, update_id: int, count: int = 1) -> None:
        """``count`` more replies of ``update_id`` are sent (in order; several may go in one
        message): a redelivery sends the rest."""
        await self.db.run(lambda tx: tx.inbox.reply_sent(user_key, update_id, count=count))

    async def known(self, user_key: str) -> bool:
        """Whether the person has an account (not yet, or no longer: forgotten)."""
        async with self.db.transaction() as tx:
            return await tx.users.get(user_key) is not None

    async def language_of(self, user_key: str) -> str:
        """The person's current language."""
        async with self.db.transaction() as tx:
            user = await tx.users.get(user_key)
        return user.language if user else self.default_language
