"""Defaults that admins change while Minato runs (models, voice, allowlist, default quota), persisted as JSON."""

from __future__ import annotations

import json
import time

from core.store.db import Database


class RuntimeSettings:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str, default: object = None) -> object:
        async with self._db.conn.execute("SELECT value FROM runtime_settings WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return json.loads(row[0]) if row else default

    async def set(self, key: str, value: object) -> None:
        await self._db.conn.execute(
            "INSERT INTO runtime_settings (key, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (key, json.dumps(value), time.time()),
        )
        await self._db.conn.commit()

    async def with_prefix(self, prefix: str) -> dict[str, object]:
        async with self._db.conn.execute(
            "SELECT key, value FROM runtime_settings WHERE key LIKE ? ESCAPE '\\'",
            (prefix.replace("_", "\\_").replace("%", "\\%") + "%",),
        ) as cur:
            return {row[0]: json.loads(row[1]) for row in await cur.fetchall()}
