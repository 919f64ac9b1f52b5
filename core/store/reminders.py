"""Reminders: persisted before they are confirmed, so a restart never loses one."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from core.store.db import Database

MAX_PENDING = 50  # per user
MAX_ATTEMPTS = 5  # delivery errors before a reminder is given up
MAX_TEXT_CHARS = 500


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    platform: str
    chat_id: str
    user_id: str
    text: str
    due_at: float
    attempts: int
    chat_kind: str = "private"  # "private" or "group" (core.turn.ChatKind): a group reminder names its person


_COLUMNS = "id, platform, chat_id, user_id, text, due_at, attempts, chat_kind"


class Reminders:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Set whenever the schedule changes, so a sleeping scheduler re-reads the next due time.
        self.changed = asyncio.Event()

    async def add(
        self, platform: str, chat_id: str, user_id: str, text: str, due_at: float, *, chat_kind: str = "private"
    ) -> Reminder | None:
        """None when the user already has too many pending reminders."""
        if len(await self.pending(platform, user_id)) >= MAX_PENDING:
            return None
        text = text.strip()[:MAX_TEXT_CHARS]
        cur = await self._db.conn.execute(
            "INSERT INTO reminders (platform, chat_id, user_id, text, due_at, chat_kind, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (platform, chat_id, user_id, text, due_at, chat_kind, time.time()),
        )
        await self._db.conn.commit()
        self.changed.set()
        assert cur.lastrowid is not None
        return Reminder(cur.lastrowid, platform, chat_id, user_id, text, due_at, 0, chat_kind)

    async def pending(self, platform: str, user_id: str) -> list[Reminder]:
        async with self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM reminders WHERE platform = ? AND user_id = ? AND status = 'pending'"  # noqa: S608
            " ORDER BY due_at",
            (platform, user_id),
        ) as cur:
            return [Reminder(*row) for row in await cur.fetchall()]

    async def cancel(self, platform: str, user_id: str, reminder_id: int) -> bool:
        cur = await self._db.conn.execute(
            "UPDATE reminders SET status = 'cancelled' WHERE id = ? AND platform = ? AND user_id = ?"
            " AND status = 'pending'",
            (reminder_id, platform, user_id),
        )
        await self._db.conn.commit()
        self.changed.set()
        return cur.rowcount == 1

    async def due(self, now: float, platforms: frozenset[str]) -> list[Reminder]:
        """Pending reminders due by `now` on platforms that can deliver them right now."""
        if not platforms:
            return []
        marks = ", ".join("?" for _ in platforms)
        async with self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM reminders WHERE status = 'pending' AND due_at <= ?"  # noqa: S608
            f" AND platform IN ({marks}) ORDER BY due_at",
            (now, *sorted(platforms)),
        ) as cur:
            return [Reminder(*row) for row in await cur.fetchall()]

    async def next_due(self, platforms: frozenset[str]) -> float | None:
        if not platforms:
            return None
        marks = ", ".join("?" for _ in platforms)
        async with self._db.conn.execute(
            f"SELECT MIN(due_at) FROM reminders WHERE status = 'pending' AND platform IN ({marks})",  # noqa: S608
            tuple(sorted(platforms)),
        ) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def delivered(self, reminder_id: int) -> None:
        await self._db.conn.execute("UPDATE reminders SET status = 'delivered' WHERE id = ?", (reminder_id,))
        await self._db.conn.commit()

    async def failed_once(self, reminder: Reminder, retry_at: float) -> None:
        """Count a delivery error: retry later, or give up after MAX_ATTEMPTS."""
        attempts = reminder.attempts + 1
        status = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        await self._db.conn.execute(
            "UPDATE reminders SET attempts = ?, due_at = ?, status = ? WHERE id = ?",
            (attempts, retry_at, status, reminder.id),
        )
        await self._db.conn.commit()
