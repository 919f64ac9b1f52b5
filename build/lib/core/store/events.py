"""Platform events already handled, so an at-least-once delivery is answered at most once."""

from __future__ import annotations

import time

from core.store.db import Database

# Platforms re-deliver within hours (Telegram keeps an update at most 24 h); a week of keys is plenty.
KEEP_SECONDS = 7 * 24 * 3600


class HandledEvents:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, platform: str, event_key: str) -> bool:
        """True the first time a key is seen (the caller should handle it), False on every re-delivery."""
        cur = await self._db.conn.execute(
            "INSERT OR IGNORE INTO handled_events (platform, event_key, handled_at) VALUES (?, ?, ?)",
            (platform, event_key, time.time()),
        )
        await self._db.conn.commit()
        return cur.rowcount == 1

    async def prune(self, keep_seconds: float = KEEP_SECONDS) -> int:
        """Forget keys older than `keep_seconds`, so the table does not grow forever. Returns rows removed."""
        cur = await self._db.conn.execute(
            "DELETE FROM handled_events WHERE handled_at < ?", (time.time() - keep_seconds,)
        )
        await self._db.conn.commit()
        return cur.rowcount
