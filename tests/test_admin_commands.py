"""Admin commands in core: who may run them, the audit log, bans, allowlist, models and stats."""

from __future__ import annotations

from core.admin.defaults import restore
from core.store import open_database
from core.store.free_channels import FreeChannels
from tests.admin_support import ADMIN_ID, admin_of, build, caller
from tests.conversation import Person


async def test_non_admin_stats_ban_and_broadcast_are_refused_politely_and_audited(db, provider, fake_openai) -> None:
    engine = build(db, provider)
    admin = await admin_of(engine)
    mallory = caller("666", language="fr")
    for command in ("stats", "ban 42", "broadcast Achetez mes cryptos !"):
        answer = await admin.run(mallory, command)
        assert answer == "Désolé, cette commande est réservée aux admins de Minato. J'ai noté la tentative."
    assert await engine.gate.moderation.banned_ids("terminal") == set(), "the refused ban did nothing"
    log = await admin.run(caller(), "audit")
    assert log.count("✗ terminal/666") == 3
    assert "ban 42" in log and "broadcast Achetez" in log
    assert not fake_openai.requests


async def test_banned_user_gets_nothing_costs_nothing_and_unban_restores(db, provider, fake_openai) -> None:
    engine = build(db, provider)
    admin = await admin_of(engine)
    spammer = Person(engine, "Spam", user_id="42")
    await spammer.says("Hello there, first message before the ban.")
    assert "banned" in await admin.run(caller(), "ban 42")
    calls = len(fake_openai.requests)

    heard = await spammer.says("Buy my stuff, buy my stuff, buy my stuff!")
    assert heard.events == [], "a banned user gets no answer, not even a typing indicator"
    assert len(fake_openai.requests) == calls, "no model call for a banned user"
    assert await engine.conversations.count_for_user("terminal", "42") == 2, "the banned message is not stored"

    await admin.run(caller(), "unban 42")
    assert (await spammer.says("Sorry about that, can we talk again?")).text.startswith("Spam,")


async def test_private_beta_answers_only_allowed_users_and_admins(db, provider, fake_openai) -> None:
    engine = build(db, provider)
    admin = await admin_of(engine)
    assert (await admin.run(caller(), "allowlist on")).startswith("Private beta is on")
    heard = await Person(engine, "Lucía", user_id="77").says("Hola Minato, ¿me dejas entrar?")
    assert [n.key for n in heard.notices] == ["not_allowed"]
    assert "beta privada" in heard.notices[0].text
    assert not fake_openai.requests
    assert (await Person(engine, "Boss", user_id=ADMIN_ID).says("Testing the beta myself.")).text

    await admin.run(caller(), "allow 77")
    assert (await Person(engine, "Lucía", user_id="77").says("Hola otra vez, ¿ya puedo?")).text
    await admin.run(caller(), "allowlist off")
    assert (await Person(engine, "Sam", user_id="78").says("Hi, is it open now?")).text


async def test_model_change_applies_now_and_survives_a_restart(database_url, provider, fake_openai) -> None:
    db = await open_database(database_url)
    engine = build(db, provider)
    answer = await (await admin_of(engine)).run(caller(), "model chat gpt-4.1-2025-04-14")
    assert answer == "The chat model is now gpt-4.1-2025-04-14."
    await Person(engine, "Sam").says("Which model answers me now?")
    assert fake_openai.last["model"] == "gpt-4.1-2025-04-14"
    assert "Roles: chat, complex" in await (await admin_of(engine)).run(caller(), "model chat")
    await engine.llm.close()
    await db.close()

    db = await open_database(database_url)
    engine = build(db, provider)
    await restore(engine)
    await Person(engine, "Sam").says("And after the restart?")
    assert fake_openai.last["model"] == "gpt-4.1-2025-04-14"
    await engine.llm.close()
    await db.close()


async def test_default_voice_and_speech_model_change_the_voice_replies(database_url, provider, fake_openai) -> None:
    db = await open_database(database_url)
    engine = build(db, provider)
    admin = await admin_of(engine)
    assert await admin.run(caller(), "voice Coral") == "The default voice is now coral."
    assert "Voices: alloy" in await admin.run(caller(), "voice robot")
    await admin.run(caller(), "model tts gpt-4o-tts-next")
    await engine.users.touch("terminal", "u-Sam", "Sam", "en")
    await engine.users.update("terminal", "u-Sam", reply_mode="voice")
    heard = await Person(engine, "Sam").says("Tell me something nice, out loud please.")
    assert heard.voice is not None
    assert {(s["voice"], s["model"]) for s in fake_openai.speeches} == {("coral", "gpt-4o-tts-next")}
    await engine.llm.close()
    await db.close()

    db = await open_database(database_url)
    engine = build(db, provider)
    await restore(engine)
    fake_openai.speeches.clear()
    await Person(engine, "Sam").says("And again after a restart, out loud.")
    assert {(s["voice"], s["model"]) for s in fake_openai.speeches} == {("coral", "gpt-4o-tts-next")}
    await engine.llm.close()
    await db.close()


async def test_stats_show_users_activity_tokens_and_cost_per_model(db, provider) -> None:
    engine = build(db, provider)
    await Person(engine, "Amélie", user_id="1").says("Bonjour, je voudrais parler de mon chat.")
    await Person(engine, "Bob", user_id="2").says("Hello, I'd like to talk about my dog.")
    text = await (await admin_of(engine)).run(caller(), "stats")
    table = text.split("```")[1]
    assert "terminal" in table
    assert [line.split()[-1] for line in table.splitlines() if line.startswith(("users", "messages"))] == ["2", "2"]
    assert "gpt-4.1-mini-2025-04-14" in text and "$0.00" in text
    assert max(len(line) for line in text.splitlines()) <= 40, "fits a phone screen"


async def test_bad_admin_input_gets_usage_not_a_crash(db, provider) -> None:
    admin = await admin_of(build(db, provider))
    assert "isn't a user id" in await admin.run(caller(), "ban @someone")
    assert "Usage: quota" in await admin.run(caller(), "quota 42 lots")
    assert "Usage: quota" in await admin.run(caller(), "quota 42 -1 5 100")
    assert "Admin commands" in await admin.run(caller(), "reboot")
    assert "Usage: broadcast" in await admin.run(caller(), "broadcast")
    assert "aren't available" in await admin.run(caller(), "broadcast\nLine one\nLine two"), "newline after op"


async def test_server_managers_may_configure_their_server_and_others_are_audited(db, provider) -> None:
    admin = await admin_of(build(db, provider))
    assert await admin.may_configure_server(caller("5", manages_server=True), "channel 9 on")
    assert not await admin.may_configure_server(caller("6"), "channel 9 on")
    assert "Sorry" in await admin.run(caller("5", manages_server=True), "stats"), "managers are not global admins"
    log = await admin.run(caller(), "audit")
    assert "✓ terminal/5 server channel 9 on" in log and "✗ terminal/6 server channel 9 on" in log


async def test_server_managers_switch_free_conversation_in_their_channel_only(db, provider) -> None:
    admin = await admin_of(build(db, provider))
    manager = caller("5", manages_server=True, server_id="900", chat_id="901")
    assert await admin.run(manager, "channel on") == "In this channel I now answer every message, no mention needed."
    assert await FreeChannels(db).in_guild("terminal", "900") == ["901"]
    member = caller("6", server_id="900", chat_id="902")
    assert (await admin.run(member, "channel on")).startswith("Sorry")
    assert await FreeChannels(db).in_guild("terminal", "900") == ["901"]
    assert "channel on|off" in await admin.run(caller("5", manages_server=True), "channel on"), "not in a server"
    await admin.run(manager, "channel off")
    assert await FreeChannels(db).in_guild("terminal", "900") == []
