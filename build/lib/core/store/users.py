"""Users: who they are on each platform and how they want Minato to talk to them."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from enum import StrEnum

from core.store.db import Database


class ReplyMode(StrEnum):
    AUTO = "auto"  # voice when the user spoke, text otherwise
    TEXT = "text"
    VOICE = "voice"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class User:
    platform: str
    user_id: str
    display_name: str
    preferred_name: str | None
    language: str | None
    language_pinned: bool
    reply_mode: ReplyMode
    voice: str | None
    timezone: str | None

    @property
    def name(self) -> str:
        """What Minato calls this user: the name they asked for, else their platform display name."""
        return self.preferred_name or self.display_name


_COLUMNS = "platform, user_id, display_name, preferred_name, language, language_pinned, reply_mode, voice, timezone"


def _user(r: sqlite3.Row) -> User:
    return User(
        platform=r["platform"],
        user_id=r["user_id"],
        display_name=r["display_name"],
        preferred_name=r["preferred_name"],
        language=r["language"],
        language_pinned=bool(r["language_pinned"]),
        reply_mode=ReplyMode(r["reply_mode"]),
        voice=r["voice"],
        timezone=r["timezone"],
    )


class Users:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, platform: str, user_id: str) -> User | None:
        async with self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM users WHERE platform = ? AND user_id = ?",  # noqa: S608
            (platform, user_id),
        ) as cur:
            row = await cur.fetchone()
        return _user(row) if row else None

    async def touch(self, platform: str, user_id: str, display_name: str, language_hint: str | None) -> User:
        """Create the user on first contact, else refresh their display name; the hint only seeds the language."""
        now = time.time()
        await self._db.conn.execute(
            "INSERT INTO users (platform, user_id, display_name, language, created_at, last_seen)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name,"
            " last_seen = excluded.last_seen, language = COALESCE(users.language, excluded.language)",
            (platform, user_id, display_name, language_hint, now, now),
        )
        await self._db.conn.commit()
        user = await self.get(platform, user_id)
        assert user is not None
        return user

    async def update(self, platform: str, user_id: str, **fields: object) -> None:
        """Set some of: preferred_name, language, language_pinned, reply_mode, voice, timezone."""
        allowed = {"preferred_name", "language", "language_pinned", "reply_mode", "voice", "timezone"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"not user settings: {sorted(unknown)}")
        # Column names come from the allow-list above; values are parameters.
        assignments = ", ".join(f"{name} = ?" for name in fields)
        await self._db.conn.execute(
            f"UPDATE users SET {assignments} WHERE platform = ? AND user_id = ?",  # noqa: S608
            (*fields.values(), platform, user_id),
        )
        await self._db.conn.commit()

    async def forget(self, platform: str, user_id: str) -> int:
        """Delete every row of this user in every table that has (platform, user_id). Returns rows deleted."""
        deleted = 0
        for table in await self._db.tables_with_columns("platform", "user_id"):
            # `table` comes from sqlite_master, never from user input.
            cur = await self._db.conn.execute(
                f'DELETE FROM "{table}" WHERE platform = ? AND user_id = ?',  # noqa: S608
                (platform, user_id),
            )
            deleted += cur.rowcount
        await self._db.conn.commit()
        return deleted
