"""Admins' decisions about users (ban, allow, personal quota) and the per-platform allowlist switch."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.admin.config import Quota
from core.admin.runtime import RuntimeSettings
from core.store.db import Database


@dataclass(frozen=True, slots=True)
class Standing:
    """Everything the gate needs to know about one user, read in one query."""

    banned: bool = False
    allowed: bool = False
    quota: Quota | None = None  # None: the default quota applies


class Moderation:
    def __init__(self, db: Database, runtime: RuntimeSettings) -> None:
        self._db = db
        self._runtime = runtime

    async def standing(self, platform: str, user_id: str) -> Standing:
        async with self._db.conn.execute(
            "SELECT banned, allowed, quota_messages, quota_voice_minutes, quota_tokens FROM moderation"
            " WHERE platform = ? AND subject_id = ?",
            (platform, user_id),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return Standing()
        quota = None
        if row["quota_messages"] is not None:
            quota = Quota(int(row["quota_messages"]), float(row["quota_voice_minutes"]), int(row["quota_tokens"]))
        return Standing(bool(row["banned"]), bool(row["allowed"]), quota)

    async def _set(self, platform: str, user_id: str, column: str, value: object) -> None:
        # `column` is one of our own literals below, never user input.
        await self._db.conn.execute(
            f"INSERT INTO moderation (platform, subject_id, {column}, updated_at) VALUES (?, ?, ?, ?)"  # noqa: S608
            f" ON CONFLICT (platform, subject_id) DO UPDATE SET {column} = excluded.{column},"
            " updated_at = excluded.updated_at",
            (platform, user_id, value, time.time()),
        )
        await self._db.conn.commit()

    async def ban(self, platform: str, user_id: str, banned: bool = True) -> None:
        await self._set(platform, user_id, "banned", int(banned))

    async def allow(self, platform: str, user_id: str) -> None:
        await self._set(platform, user_id, "allowed", 1)

    async def set_quota(self, platform: str, user_id: str, quota: Quota) -> None:
        await self._db.conn.execute(
            "INSERT INTO moderation (platform, subject_id, quota_messages, quota_voice_minutes, quota_tokens,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, subject_id) DO UPDATE SET"
            " quota_messages = excluded.quota_messages, quota_voice_minutes = excluded.quota_voice_minutes,"
            " quota_tokens = excluded.quota_tokens, updated_at = excluded.updated_at",
            (platform, user_id, quota.messages, quota.voice_minutes, quota.tokens, time.time()),
        )
        await self._db.conn.commit()

    async def allowlist_on(self, platform: str) -> bool:
        return bool(await self._runtime.get(f"allowlist:{platform}", False))

    async def set_allowlist(self, platform: str, on: bool) -> None:
        await self._runtime.set(f"allowlist:{platform}", on)

    async def banned_ids(self, platform: str) -> set[str]:
        async with self._db.conn.execute(
            "SELECT subject_id FROM moderation WHERE platform = ? AND banned = 1", (platform,)
        ) as cur:
            return {row[0] for row in await cur.fetchall()}

    async def about(self, platform: str, user_id: str) -> dict[str, object] | None:
        """The raw record about a user, for their data export."""
        async with self._db.conn.execute(
            "SELECT * FROM moderation WHERE platform = ? AND subject_id = ?", (platform, user_id)
        ) as cur:
            row = await cur.fetchone()
        return dict(row) if row else None
