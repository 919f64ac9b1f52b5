"""The SQLite store: WAL, migrations applied once, idempotent event claims, and forgetting a user everywhere."""

from __future__ import annotations

from core.store import open_database
from core.store.events import HandledEvents


async def test_database_uses_wal_and_applies_migrations_once(database_url: str) -> None:
    first = await open_database(database_url)
    async with first.conn.execute("PRAGMA journal_mode") as cur:
        assert (await cur.fetchone())[0] == "wal"
    async with first.conn.execute("SELECT name FROM schema_migrations") as cur:
        applied = [row[0] for row in await cur.fetchall()]
    await first.close()
    again = await open_database(database_url)
    async with again.conn.execute("SELECT name FROM schema_migrations") as cur:
        assert [row[0] for row in await cur.fetchall()] == applied
    await again.close()
    assert applied[0] == "0001_core.sql"


async def test_an_event_is_claimed_once_even_after_reopening(database_url: str) -> None:
    db = await open_database(database_url)
    events = HandledEvents(db)
    assert await events.claim("telegram", "1001")
    assert not await events.claim("telegram", "1001")
    assert await events.claim("discord", "1001")
    await db.close()
    db = await open_database(database_url)
    assert not await HandledEvents(db).claim("telegram", "1001")
    await db.close()


async def test_old_event_keys_are_pruned_and_recent_ones_kept(db) -> None:
    events = HandledEvents(db)
    assert await events.claim("telegram", "old")
    assert await events.claim("telegram", "recent")
    await db.conn.execute("UPDATE handled_events SET handled_at = handled_at - 8 * 86400 WHERE event_key = 'old'")
    assert await events.prune() == 1
    assert await events.claim("telegram", "old"), "a pruned key is new again"
    assert not await events.claim("telegram", "recent"), "a recent key still blocks a re-delivery"


async def test_forget_deletes_the_user_from_every_table(person, engine) -> None:
    await person("Amélie", user_id="7").says("Bonjour, je m'appelle Amélie et j'aime le thé.")
    await person("Bob", user_id="8").says("Hello, I'm Bob and I love coffee.")
    tables = await engine.db.tables_with_columns("platform", "user_id")
    assert {"users", "conversations", "messages", "usage"} <= set(tables)
    user = await engine.users.get("terminal", "7")
    await engine.account.forget(user)
    for table in tables:
        async with engine.db.conn.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE user_id = ?', ("7",)  # noqa: S608
        ) as cur:
            assert (await cur.fetchone())[0] == 0, table
    assert await engine.conversations.count_for_user("terminal", "8") == 2
