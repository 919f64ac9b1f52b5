"""Long-term facts about a user ("my sister is called Inès"), kept until they ask to forget them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.store.db import Database

MAX_FACTS = 50  # per user: the facts ride in every request's instructions, so they must stay few
MAX_FACT_CHARS = 300


@dataclass(frozen=True, slots=True)
class Fact:
    id: int
    text: str


class Facts:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def all(self, platform: str, user_id: str) -> list[Fact]:
        async with self._db.conn.execute(
            "SELECT id, text FROM facts WHERE platform = ? AND user_id = ? ORDER BY id", (platform, user_id)
        ) as cur:
            return [Fact(row[0], row[1]) for row in await cur.fetchall()]

    async def add(self, platform: str, user_id: str, text: str) -> Fact | None:
        """Store a fact (once); None when the user already has the maximum number of facts."""
        text = " ".join(text.split())[:MAX_FACT_CHARS]
        existing = await self.all(platform, user_id)
        for fact in existing:
            if fact.text.casefold() == text.casefold():
                return fact
        if len(existing) >= MAX_FACTS:
            return None
        cur = await self._db.conn.execute(
            "INSERT INTO facts (platform, user_id, text, created_at) VALUES (?, ?, ?, ?)",
            (platform, user_id, text, time.time()),
        )
        await self._db.conn.commit()
        assert cur.lastrowid is not None
        return Fact(cur.lastrowid, text)

    async def remove(self, platform: str, user_id: str, fact_id: int) -> bool:
        cur = await self._db.conn.execute(
            "DELETE FROM facts WHERE id = ? AND platform = ? AND user_id = ?", (fact_id, platform, user_id)
        )
        await self._db.conn.commit()
        return cur.rowcount == 1
