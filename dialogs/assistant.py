"""The assistant: one input of one person, applied exactly once, stored before
the reply is produced (architecture.md, "One message, end to end").

Every step runs in one write transaction: mark the update processed (by channel
and id), load the session, apply the dialog, save the session with its replies,
and write the messages it addresses to other people into the durable outbox. A
redelivered update changes nothing and gets the stored replies again, so an answer
whose reply was lost in a crash is still answered; once a channel has sent the
replies it calls :meth:`Assistant.delivered`, and a later redelivery sends none.
Messages to others are sent after the commit by the channel's outbox sender.
"""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from locales import normalise_language
from rules.edition import DEFAULT_EDITION, Edition, load_edition
from storage import Database, DialogSession

from dialogs.context import Context
from dialogs.drafts_io import load_desk, render_replies, save_desk
from dialogs.render import Rendered, render
from dialogs.router import step
from dialogs.state import SessionState
from dialogs.types import Input, reply_from_json, reply_to_json

log = logging.getLogger(__name__)


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

    def edition_of(self, state: SessionState) -> Edition:
        """The edition a conversation started under (new ones: the configured edition)."""
        if state.edition is None or state.edition == self.edition.edition:
            return self.edition
        return self.editions(state.edition)

    async def handle(self, user_key: str, inp: Input, *, update_id: int | None = None,
                     language_hint: str | None = None) -> list[Rendered]:
        """Applies ``inp`` for ``user_key`` and returns the rendered replies."""
        async with self.db.transaction() as tx:
            lang = normalise_language(language_hint, self.default_language)
            user = await tx.users.get_or_create(user_key, language=lang)
            session = await tx.sessions.load(user_key)
            state = SessionState.model_validate(session.state) if session else SessionState(lang=user.language)
            if update_id is not None and not await tx.updates.mark_processed(update_id, user_key):
                log.info("update %s redelivered; resending its replies", update_id)
                if state.last_update_id != update_id:
                    return []
                return [render(reply_from_json(r), state.lang) for r in state.outbox]
            state.edition = state.edition or self.edition.edition
            await tx.outbox.mark_reachable(user_key)  # someone who writes has unblocked the bot
            roles = user.roles | ({"admin"} if user_key in self.admin_keys else frozenset())
            desk = await load_desk(tx, user_key)  # the person's drafts, read before the step
            ctx = Context(self.edition_of(state), self.today(), frozenset(roles), desk=desk)
            replies, outgoing = step(state, inp, ctx)
            await save_desk(tx, desk, self.db.clock())  # written in the step's transaction
            state.last_update_id = update_id
            state.outbox = [reply_to_json(r) for r in replies]
            await tx.sessions.save(DialogSession(user_key=user_key, dialog=state.flow,
                                                 state=state.model_dump(mode="json"),
                                                 version=session.version if session else 0))
            if state.lang != user.language:
                await tx.users.set_language(user_key, state.lang)
            for message in outgoing:
                await tx.outbox.add(message.to, reply_to_json(message.reply))
        if outgoing and self.on_outgoing is not None:
            self.on_outgoing()
        return await render_replies(self.db, replies, state.lang, self.edition)  # documents: after the step

    async def delivered(self, user_key: str, update_id: int) -> None:
        """Forgets the stored replies of ``update_id`` once they are sent, so a
        redelivery after a crash does not send them twice."""
        async with self.db.transaction() as tx:
            session = await tx.sessions.load(user_key)
            if session is None or session.state.get("last_update_id") != update_id:
                return
            state = SessionState.model_validate(session.state)
            state.outbox = []
            await tx.sessions.save(session.model_copy(update={"state": state.model_dump(mode="json")}))

    async def language_of(self, user_key: str) -> str:
        """The person's current language."""
        async with self.db.transaction() as tx:
            user = await tx.users.get(user_key)
        return user.language if user else self.default_language
