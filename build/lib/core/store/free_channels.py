"""Channels where Minato answers every message, not only mentions and replies: switched by admin commands."""

from __future__ import annotations

import time

from core.store.db import Database


class FreeChannels:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def enable(self, platform: str, guild_id: str, channel_id: str, by: str) -> None:
        await self._db.conn.execute(
            "INSERT INTO free_channels (platform, guild_id, channel_id, enabled_by, enabled_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, guild_id, channel_id) DO UPDATE SET"
            " enabled_by = excluded.enabled_by, enabled_at = excluded.enabled_at",
            (platform, guild_id, channel_id, by, time.time()),
        )
        await self._db.conn.commit()

    async def disable(self, platform: str, guild_id: str, channel_id: str) -> bool:
        """True when the channel was enabled before."""
        cur = await self._db.conn.execute(
            "DELETE FROM free_channels WHERE platform = ? AND guild_id = ? AND channel_id = ?",
            (platform, guild_id, channel_id),
        )
        await self._db.conn.commit()
        return cur.rowcount == 1

    async def is_free(self, platform: str, guild_id: str, channel_id: str) -> bool:
        async with self._db.conn.execute(
            "SELECT 1 FROM free_channels WHERE platform = ? AND guild_id = ? AND channel_id = ?",
            (platform, guild_id, channel_id),
        ) as cur:
            return await cur.fetchone() is not None

    async def in_guild(self, platform: str, guild_id: str) -> list[str]:
        """Channel ids enabled in one guild, oldest first (what an admin's listing command shows)."""
        async with self._db.conn.execute(
            "SELECT channel_id FROM free_channels WHERE platform = ? AND guild_id = ? ORDER BY enabled_at",
            (platform, guild_id),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]
