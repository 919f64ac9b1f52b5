"""Opening the SQLite database: WAL, foreign keys, and named migrations applied once each."""

from __future__ import annotations

import logging
import time
from importlib import resources
from pathlib import Path

import aiosqlite

log = logging.getLogger(__name__)


def sqlite_path(database_url: str) -> str:
    """`sqlite:///data/minato.db` → `data/minato.db`; `sqlite:////abs/x.db` → `/abs/x.db`; `:memory:` stays."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        raise ValueError("DATABASE_URL must look like sqlite:///path/to/file.db")
    return database_url[len(prefix) :] or ":memory:"


class Database:
    """An open connection. aiosqlite serialises statements on one thread, so one connection serves the bot."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self.conn = conn

    async def close(self) -> None:
        await self.conn.close()

    async def tables_with_columns(self, *columns: str) -> list[str]:
        """Tables that carry all the given columns: how `/forget` finds every place a user's data lives."""
        found: list[str] = []
        async with self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cur:
            names = [row[0] for row in await cur.fetchall()]
        for name in names:
            # Table names come from sqlite_master, not from users; PRAGMA cannot take parameters.
            async with self.conn.execute(f'PRAGMA table_info("{name}")') as cur:
                cols = {row[1] for row in await cur.fetchall()}
            if set(columns) <= cols:
                found.append(name)
        return found


async def open_database(database_url: str) -> Database:
    path = sqlite_path(database_url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    conn = await aiosqlite.connect(path)
    conn.row_factory = aiosqlite.Row
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA busy_timeout = 5000")
    await conn.execute("PRAGMA synchronous = NORMAL")
    await _migrate(conn)
    return Database(conn)


async def _migrate(conn: aiosqlite.Connection) -> None:
    """Apply each `migrations/NNNN_name.sql` not yet recorded, in name order, each in one transaction."""
    await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at REAL)")
    async with conn.execute("SELECT name FROM schema_migrations") as cur:
        applied = {row[0] for row in await cur.fetchall()}
    folder = resources.files("core.store") / "migrations"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".sql") or item.name in applied:
            continue
        log.info("applying migration %s", item.name)
        script = item.read_text(encoding="utf-8")
        # The script opens the transaction; recording it inside the same one keeps a crash from half-applying.
        await conn.executescript(f"BEGIN;\n{script}")
        await conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (item.name, time.time()))
        await conn.commit()
