"""Platform events already handled, so an at-least-once delivery is answered at most once."""

from __future__ import annotations

import time

from core.store.db import Database


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
