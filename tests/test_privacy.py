"""Privacy: /export holds the user's data and nobody else's; /forget leaves no row of them anywhere."""

from __future__ import annotations

import asyncio
import json

from core.admin.own_key import OwnKey
from core.admin.privacy import Privacy
from tests.admin_support import SECRET, Outbox, admin_of, build, caller
from tests.conversation import Person

USER_KEY = "sk-proj-amelie-0123456789abcdefghijklmnopqrstuvwxyz"


async def _amelie_everywhere(engine) -> None:
    """Amélie leaves a trace in every kind of table: messages, usage, key, opt-out, audit, broadcast."""
    await Person(engine, "Amélie", user_id="7").says("Je m'appelle Amélie et j'adore le thé au jasmin.")
    await Person(engine, "Bob", user_id="8").says("I'm Bob and my secret is that I love coffee.")
    user = await engine.users.get("terminal", "7")
    await OwnKey(engine).command(user, USER_KEY, private=True)
    await Privacy(engine).quiet(user)
    admin = await admin_of(engine)
    await admin.run(caller("7"), "stats")  # refused and audited
    outbox = Outbox()
    await admin.attach("terminal", outbox)
    await admin.run(caller(), "broadcast Minato speaks Italian now!")  # she is a recipient (opted out)
    await asyncio.wait_for(outbox.finished.wait(), 10)
    await engine.gate.moderation.ban("terminal", "7")


async def test_export_holds_the_users_messages_and_not_others_nor_their_key(db, provider) -> None:
    engine = build(db, provider, secret=SECRET)
    await _amelie_everywhere(engine)
    user = await engine.users.get("terminal", "7")
    data = json.loads(await Privacy(engine).export(user))

    contents = [m["content"] for m in data["tables"]["messages"]]
    assert "Je m'appelle Amélie et j'adore le thé au jasmin." in contents
    assert any(c.startswith("Amélie,") for c in contents), "Minato's replies to her are hers too"
    dumped = json.dumps(data, ensure_ascii=False)
    assert "Bob" not in dumped and "coffee" not in dumped
    assert "user_keys" not in data["tables"] and "ciphertext" not in dumped and "sk-proj" not in dumped
    assert {"users", "usage", "audit_log", "broadcast_optouts", "broadcast_recipients"} <= set(data["tables"])
    assert data["moderation"]["banned"] == 1, "admins' decisions about her are shown to her"
    assert Privacy(engine).export_caption(user) == "Voici tout ce que je garde sur toi, dans un fichier JSON."


async def test_forget_leaves_no_row_of_the_user_in_any_table_but_keeps_the_ban(db, provider) -> None:
    engine = build(db, provider, secret=SECRET)
    await _amelie_everywhere(engine)
    tables = await engine.db.tables_with_columns("platform", "user_id")
    assert {"user_keys", "broadcast_optouts", "audit_log", "broadcast_recipients"} <= set(tables)

    await engine.account.forget(await engine.users.get("terminal", "7"))
    for table in tables:
        async with engine.db.conn.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE user_id = ?', ("7",)  # noqa: S608
        ) as cur:
            assert (await cur.fetchone())[0] == 0, table
    assert await engine.conversations.count_for_user("terminal", "8") == 2
    # Regression guard: /forget must not be a way to lift a ban.
    heard = await Person(engine, "Amélie", user_id="7").says("Coucou, je suis de retour !")
    assert heard.events == []


async def test_quiet_can_be_undone(db, provider) -> None:
    engine = build(db, provider)
    user = await engine.users.touch("terminal", "7", "Sam", "en")
    privacy = Privacy(engine)
    assert (await privacy.quiet(user)).startswith("Okay, no more announcements")
    assert await privacy.quiet(user, on=False) == "You'll get Minato's announcements again."
    async with db.conn.execute("SELECT COUNT(*) FROM broadcast_optouts") as cur:
        assert (await cur.fetchone())[0] == 0
