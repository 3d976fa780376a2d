"""SessionRepo: each user's one current dialog session, state encrypted at rest."""
from __future__ import annotations

from storage.crypto import DataCipher
from storage.errors import ConflictError
from storage.models import DialogSession, check_user_key
from storage.repos.base import Conn, fetch_one, run
from storage.times import Clock, from_db, to_db


def state_aad(user_key: str) -> bytes:
    """Binds a session token to its user, so it cannot be moved to another row."""
    return b"session:" + user_key.encode("utf-8")


class SessionRepo:
    """Load/save with optimistic versioning: a stale save raises ConflictError."""

    def __init__(self, conn: Conn, cipher: DataCipher, clock: Clock) -> None:
        self._conn = conn
        self._cipher = cipher
        self._clock = clock

    async def load(self, user_key: str) -> DialogSession | None:
        """The user's session, or None (StorageError if it cannot be decrypted)."""
        check_user_key(user_key)
        row = await fetch_one(
            self._conn,
            "SELECT dialog, state, version, updated_at FROM dialog_sessions WHERE user_key = ?",
            (user_key,),
        )
        if row is None:
            return None
        dialog, token, version, updated_at = row
        return DialogSession(
            user_key=user_key,
            dialog=dialog,
            state=self._cipher.decrypt_json(token, aad=state_aad(user_key)),
            version=version,
            updated_at=from_db(updated_at),
        )

    async def save(self, session: DialogSession) -> DialogSession:
        """Store session (version = the one loaded, 0 if new); returns it at version+1.

        The user must exist (UserRepo.get_or_create) — sessions cascade on user deletion.
        """
        if not isinstance(session.state, dict):
            raise TypeError("session state must be a dict")
        now = self._clock()
        token = self._cipher.encrypt_json(session.state, aad=state_aad(session.user_key))
        if session.version == 0:
            changed = await run(
                self._conn,
                "INSERT INTO dialog_sessions (user_key, dialog, state, version, updated_at) "
                "VALUES (?, ?, ?, 1, ?) ON CONFLICT DO NOTHING",
                (session.user_key, session.dialog, token, to_db(now)),
            )
        else:
            changed = await run(
                self._conn,
                "UPDATE dialog_sessions SET dialog = ?, state = ?, version = version + 1, "
                "updated_at = ? WHERE user_key = ? AND version = ?",
                (session.dialog, token, to_db(now), session.user_key, session.version),
            )
        if changed != 1:
            raise ConflictError("dialog session was changed by someone else; reload and retry")
        return session.model_copy(
            update={"version": session.version + 1, "updated_at": from_db(to_db(now))}
        )

    async def delete(self, user_key: str) -> bool:
        """Forget the user's session; False if there was none."""
        check_user_key(user_key)
        return bool(
            await run(self._conn, "DELETE FROM dialog_sessions WHERE user_key = ?", (user_key,))
        )
