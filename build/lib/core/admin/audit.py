"""The audit log: every admin command, who tried it, and whether it was allowed."""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.store.db import Database


@dataclass(frozen=True, slots=True)
class Entry:
    platform: str
    user_id: str
    action: str
    detail: str
    allowed: bool
    created_at: float


class AuditLog:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def write(self, platform: str, user_id: str, action: str, detail: str, *, allowed: bool) -> None:
        await self._db.conn.execute(
            "INSERT INTO audit_log (platform, user_id, action, detail, allowed, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (platform, user_id, action, detail, int(allowed), time.time()),
        )
        await self._db.conn.commit()

    async def recent(self, limit: int = 15) -> list[Entry]:
        async with self._db.conn.execute(
            "SELECT platform, user_id, action, detail, allowed, created_at FROM audit_log"
            " ORDER BY id DESC LIMIT ?",
            (limit,),
        ) as cur:
            rows = await cur.fetchall()
        return [Entry(r[0], r[1], r[2], r[3], bool(r[4]), float(r[5])) for r in rows]
