"""Conversations and their messages, scoped per (platform, chat, user): a group and a DM never share memory."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.store.db import Database


@dataclass(frozen=True, slots=True)
class Scope:
    platform: str
    chat_id: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    role: str
    content: str
    kind: str
    language: str | None


class Conversations:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def current(self, scope: Scope) -> int:
        """The active conversation's id, started on first use."""
        async with self._db.conn.execute(
            "SELECT id FROM conversations WHERE platform = ? AND chat_id = ? AND user_id = ? AND active = 1"
            " ORDER BY id DESC LIMIT 1",
            (scope.platform, scope.chat_id, scope.user_id),
        ) as cur:
            row = await cur.fetchone()
        if row:
            return int(row[0])
        cur = await self._db.conn.execute(
            "INSERT INTO conversations (platform, chat_id, user_id, started_at) VALUES (?, ?, ?, ?)",
            (scope.platform, scope.chat_id, scope.user_id, time.time()),
        )
        await self._db.conn.commit()
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def reset(self, scope: Scope) -> None:
        """Start afresh: the old conversation stays stored (until /forget) but is no longer the context."""
        await self._db.conn.execute(
            "UPDATE conversations SET active = 0 WHERE platform = ? AND chat_id = ? AND user_id = ?",
            (scope.platform, scope.chat_id, scope.user_id),
        )
        await self._db.conn.commit()

    async def add(
        self, conversation_id: int, scope: Scope, role: str, content: str, *, kind: str = "text",
        language: str | None = None,
    ) -> int:
        cur = await self._db.conn.execute(
            "INSERT INTO messages (conversation_id, platform, user_id, role, content, kind, language, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (conversation_id, scope.platform, scope.user_id, role, content, kind, language, time.time()),
        )
        await self._db.conn.commit()
        assert cur.lastrowid is not None
        return cur.lastrowid

    async def unsummarized(self, conversation_id: int) -> list[Message]:
        async with self._db.conn.execute(
            "SELECT id, role, content, kind, language FROM messages"
            " WHERE conversation_id = ? AND summarized = 0 ORDER BY id",
            (conversation_id,),
        ) as cur:
            rows = await cur.fetchall()
        return [Message(r["id"], r["role"], r["content"], r["kind"], r["language"]) for r in rows]

    async def summary(self, conversation_id: int) -> str | None:
        async with self._db.conn.execute("SELECT summary FROM conversations WHERE id = ?", (conversation_id,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def fold(self, conversation_id: int, summary: str, up_to_message_id: int) -> None:
        """Keep `summary` in place of every message up to and including `up_to_message_id`."""
        await self._db.conn.execute(
            "UPDATE conversations SET summary = ? WHERE id = ?", (summary, conversation_id)
        )
        await self._db.conn.execute(
            "UPDATE messages SET summarized = 1 WHERE conversation_id = ? AND id <= ?",
            (conversation_id, up_to_message_id),
        )
        await self._db.conn.commit()

    async def count_for_user(self, platform: str, user_id: str) -> int:
        async with self._db.conn.execute(
            "SELECT COUNT(*) FROM messages WHERE platform = ? AND user_id = ?", (platform, user_id)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0
