"""UserRepo: users, their language, and their roles."""
from __future__ import annotations

from storage.models import User, check_language, check_role, check_user_key
from storage.repos.base import Conn, fetch_all, fetch_one, run
from storage.times import Clock, from_db, to_db


class UserRepo:
    """Users keyed 'tg:12345' / 'console:alice'; roles validated against ROLES."""

    def __init__(self, conn: Conn, clock: Clock) -> None:
        self._conn = conn
        self._clock = clock

    async def get(self, key: str) -> User | None:
        """The user, or None if they never made contact (one query, roles and all: it runs
        at every step)."""
        check_user_key(key)
        row = await fetch_one(
            self._conn,
            "SELECT u.key, u.language, u.created_at, group_concat(r.role, ',') FROM users u "
            "LEFT JOIN user_roles r ON r.user_key = u.key WHERE u.key = ? GROUP BY u.key", (key,)
        )
        if row is None:
            return None
        roles = frozenset(row[3].split(",")) if row[3] else frozenset()  # role names hold no comma (ROLES)
        return User(key=row[0], language=row[1], roles=roles, created_at=from_db(row[2]))

    async def get_or_create(self, key: str, *, language: str) -> User:
        """The user; on first contact created with language (later calls keep theirs)."""
        check_language(language)
        user = await self.get(key)
        if user is not None:
            return user
        await run(
            self._conn,
            "INSERT INTO users (key, language, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            (key, language, to_db(self._clock())),
        )
        user = await self.get(key)  # roles may have been granted before first contact
        assert user is not None
        return user

    async def set_language(self, key: str, language: str) -> bool:
        """Change the user's language; False if there is no such user."""
        check_user_key(key)
        check_language(language)
        return bool(
            await run(self._conn, "UPDATE users SET language = ? WHERE key = ?", (language, key))
        )

    async def grant_role(self, key: str, role: str) -> bool:
        """Grant role (allowed before first contact); False if already held."""
        check_user_key(key)
        check_role(role)
        return bool(
            await run(
                self._conn,
                "INSERT INTO user_roles (user_key, role) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (key, role),
            )
        )

    async def revoke_role(self, key: str, role: str) -> bool:
        """Revoke role; False if it was not held."""
        check_user_key(key)
        check_role(role)
        return bool(
            await run(
                self._conn, "DELETE FROM user_roles WHERE user_key = ? AND role = ?", (key, role)
            )
        )

    async def list_with_role(self, role: str) -> list[User]:
        """Users (who have made contact) holding role, ordered by key."""
        users = [await self.get(key) for key in await self.keys_with_role(role)]
        return [user for user in users if user is not None]

    async def keys_with_role(self, role: str) -> list[str]:
        """The keys of the users (who have made contact) holding role, ordered (one query)."""
        check_role(role)
        rows = await fetch_all(
            self._conn,
            "SELECT u.key FROM user_roles r JOIN users u ON u.key = r.user_key WHERE r.role = ? ORDER BY u.key",
            (role,))
        return [row[0] for row in rows]
