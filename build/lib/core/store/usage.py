"""Token and audio usage per call, per user: the raw material of quotas, stats and cost estimates."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.store.db import Database


@dataclass(frozen=True, slots=True)
class UsageRecord:
    model: str
    role: str
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    audio_seconds_in: float = 0.0
    audio_seconds_out: float = 0.0


class UsageLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, platform: str, user_id: str, usage: UsageRecord) -> None:
        await self._db.conn.execute(
            "INSERT INTO usage (platform, user_id, model, role, input_tokens, cached_tokens, output_tokens,"
            " audio_seconds_in, audio_seconds_out, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                platform, user_id, usage.model, usage.role, usage.input_tokens, usage.cached_tokens,
                usage.output_tokens, usage.audio_seconds_in, usage.audio_seconds_out, time.time(),
            ),
        )
        await self._db.conn.commit()

    async def totals(self, platform: str, user_id: str, since: float = 0.0) -> UsageRecord:
        """Everything this user consumed since `since` (epoch seconds), all models together."""
        async with self._db.conn.execute(
            "SELECT COALESCE(SUM(input_tokens), 0), COALESCE(SUM(cached_tokens), 0),"
            " COALESCE(SUM(output_tokens), 0), COALESCE(SUM(audio_seconds_in), 0),"
            " COALESCE(SUM(audio_seconds_out), 0) FROM usage WHERE platform = ? AND user_id = ? AND created_at >= ?",
            (platform, user_id, since),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return UsageRecord("*", "*", int(row[0]), int(row[1]), int(row[2]), float(row[3]), float(row[4]))
