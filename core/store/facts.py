"""Long-term facts about a user ("my sister is called Inès"), kept until they ask to forget them."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.store.db import Database

MAX_FACTS = 50  # per user: the facts ride in every request's instructions, so they must stay few
MAX_FACT_CHARS = 300


def same_fact(a: str, b: str) -> bool:
    """The same words, whatever the case, spacing or closing punctuation ("Loves jazz." = "loves jazz")."""

    def key(text: str) -> str:
        return " ".join(text.split()).rstrip(".!。！").casefold()

    return key(a) == key(b)


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

    async def add(
        self, platform: str, user_id: str, text: str, *, limit: int = MAX_FACTS, drawn_from: int | None = None
    ) -> Fact | None:
        """Store a fact (once: an equal one already kept is returned instead).

        None when the user already has `limit` facts, or when the message id `drawn_from` (the message the fact
        was drawn from) no longer exists for this user: a /forget that happened meanwhile wins.
        """
        text = " ".join(text.split())[:MAX_FACT_CHARS]
        existing = await self.all(platform, user_id)
        for fact in existing:
            if same_fact(fact.text, text):
                return fact
        if len(existing) >= min(limit, MAX_FACTS):
            return None
        # One statement checks and inserts, so nothing can be deleted between the two.
        cur = await self._db.conn.execute(
            "INSERT INTO facts (platform, user_id, text, created_at) SELECT ?, ?, ?, ?"
            " WHERE ? IS NULL OR EXISTS (SELECT 1 FROM messages WHERE id = ? AND platform = ? AND user_id = ?)",
            (platform, user_id, text, time.time(), drawn_from, drawn_from, platform, user_id),
        )
        await self._db.conn.commit()
        if cur.rowcount != 1:
            return None
        assert cur.lastrowid is not None
        return Fact(cur.lastrowid, text)

    async def remove(self, platform: str, user_id: str, fact_id: int) -> bool:
        cur = await self._db.conn.execute(
            "DELETE FROM facts WHERE id = ? AND platform = ? AND user_id = ?", (fact_id, platform, user_id)
        )
        await self._db.conn.commit()
        return cur.rowcount == 1
