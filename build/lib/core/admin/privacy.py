"""A user's own data: `/export` (everything stored about them, as JSON) and `/quiet` (no broadcasts)."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING

from core.i18n import t
from core.store.users import User

if TYPE_CHECKING:
    from core.engine import Engine

# Their key is theirs already; the export never carries secrets, even encrypted.
_NOT_EXPORTED = {"user_keys"}


class Privacy:
    def __init__(self, engine: Engine) -> None:
        self._db = engine.db
        self._moderation = engine.gate.moderation

    async def export(self, user: User) -> bytes:
        """Every row with this user's (platform, user_id), table by table, plus admins' decisions about them."""
        tables: dict[str, list[dict[str, object]]] = {}
        for table in sorted(await self._db.tables_with_columns("platform", "user_id")):
            if table in _NOT_EXPORTED:
                continue
            # `table` comes from sqlite_master, never from user input.
            async with self._db.conn.execute(
                f'SELECT * FROM "{table}" WHERE platform = ? AND user_id = ?',  # noqa: S608
                (user.platform, user.user_id),
            ) as cur:
                rows = [{k: _plain(row[k]) for k in row.keys()} for row in await cur.fetchall()]  # noqa: SIM118
            if rows:
                tables[table] = rows
        document = {
            "platform": user.platform,
            "user_id": user.user_id,
            "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "tables": tables,
            "moderation": await self._moderation.about(user.platform, user.user_id),
        }
        return json.dumps(document, ensure_ascii=False, indent=2).encode()

    def export_caption(self, user: User) -> str:
        return t("export_caption", user.language)

    async def quiet(self, user: User, on: bool = True) -> str:
        if on:
            await self._db.conn.execute(
                "INSERT OR IGNORE INTO broadcast_optouts (platform, user_id, created_at) VALUES (?, ?, ?)",
                (user.platform, user.user_id, time.time()),
            )
        else:
            await self._db.conn.execute(
                "DELETE FROM broadcast_optouts WHERE platform = ? AND user_id = ?", (user.platform, user.user_id)
            )
        await self._db.conn.commit()
        return t("quiet_on" if on else "quiet_off", user.language)


def _plain(value: object) -> object:
    """JSON-ready: binary columns (audio, say) are described, not dumped."""
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
