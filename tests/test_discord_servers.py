"""Where Minato speaks in servers: free-conversation channels, its own threads, attachments, the content intent."""

from __future__ import annotations

import pytest

from core.engine import Engine
from core.i18n import t
from core.store.free_channels import FreeChannels
from tests.discord_world import DiscordWorld, discord_world
from tests.fakes.discord_server import MESSAGE_CONTENT_INTENT
from tests.fakes.openai_server import FakeOpenAI, tone_ogg

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


async def test_free_channels_are_switched_per_guild_and_channel(engine: Engine) -> None:
    channels = FreeChannels(engine.db)
    await channels.enable("discord", "g1", "c1", by="admin-1")
    await channels.enable("discord", "g1", "c1", by="admin-2")  # enabling twice is harmless
    await channels.enable("discord", "g2", "c9", by="admin-1")
    assert await channels.is_free("discord", "g1", "c1")
    assert not await channels.is_free("discord", "g1", "c2") and not await channels.is_free("telegram", "g1", "c1")
    assert await channels.in_guild("discord", "g1") == ["c1"]
    assert await channels.disable("discord", "g1", "c1") and not await channels.disable("discord", "g1", "c1")
    assert not await channels.is_free("discord", "g1", "c1")


async def test_forgetting_the_admin_who_opened_a_channel_keeps_it_open(engine: Engine) -> None:
    channels = FreeChannels(engine.db)
    await channels.enable("discord", "g1", "c1", by="42")
    await engine.users.touch("discord", "42", "Admin", None)
    await engine.users.forget("discord", "42")
    assert await channels.is_free("discord", "g1", "c1")


async def test_with_the_content_intent_a_free_channel_is_answered_without_mention(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, fake_openai: FakeOpenAI
) -> None:
    async with discord_world(engine, monkeypatch, message_content=True) as dc:
        assert dc.fake.intents & MESSAGE_CONTENT_INTENT
        mei = dc.member("Mei")
        assert (await mei.says("anyone up for tea?")).calls == []
        await FreeChannels(engine.db).enable("discord", dc.guild["id"], dc.general["id"], by="admin")
        heard = await mei.says("anyone up for tea?")
        assert heard.messages == ["mei, I'm here with you. How are you feeling today?"]
        other = dc.guild["channels"][1]
        assert (await mei.says("and here?", channel=other)).calls == []


async def test_without_the_content_intent_a_free_channel_stays_quiet_instead_of_answering_blanks(
    dc: DiscordWorld, engine: Engine, fake_openai: FakeOpenAI
) -> None:
    assert not dc.fake.intents & MESSAGE_CONTENT_INTENT
    await FreeChannels(engine.db).enable("discord", dc.guild["id"], dc.general["id"], by="admin")
    heard = await dc.member("Mei").says("anyone up for tea?")  # Discord delivers it with empty content
    assert heard.calls == [] and fake_openai.requests == []
    mentioned = await dc.member("Mei").says("<@bot> anyone up for tea?")
    assert len(mentioned.messages) == 1


async def test_a_thread_minato_started_is_a_conversation_without_mentions(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_world(engine, monkeypatch, message_content=True) as dc:
        mine = dc.fake.add_thread(dc.guild, dc.general, "Tea talk", owner_id=dc.fake.app_id)
        theirs = dc.fake.add_thread(dc.guild, dc.general, "Gossip", owner_id=dc.fake.owner["id"])
        await dc.fake.dispatch("THREAD_CREATE", mine)
        await dc.fake.dispatch("THREAD_CREATE", theirs)
        kenji = dc.member("Kenji", nick="Ken")
        heard = await kenji.says("which tea do you like better, green or black?", channel=mine)
        assert heard.messages == ["Ken, I'm here with you. How are you feeling today?"]
        assert (await kenji.says("which tea do you like better, green or black?", channel=theirs)).calls == []


async def test_an_image_reaches_the_model(dc: DiscordWorld, fake_openai: FakeOpenAI) -> None:
    photo = dc.file_attachment("cat.png", PNG, "image/png")
    heard = await dc.dm_user("Sora").says("look at my cat!", attachments=(photo,))
    assert len(heard.messages) == 1
    parts = fake_openai.last["input"][-1]["content"]
    assert parts[0] == {"type": "input_text", "text": "look at my cat!"}
    assert parts[1]["image_url"].startswith("data:image/png;base64,")


async def test_a_file_too_large_is_explained_and_the_text_still_answered(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    huge = dc.file_attachment("talk.ogg", tone_ogg(0.5), "audio/ogg", size=40 * 1024 * 1024)
    heard = await dc.dm_user("Sora").says("here is my recording", attachments=(huge,))
    assert heard.messages[0] == t("discord_attachment_too_large", None, limit=25)
    assert heard.messages[1] == "sora, I'm here with you. How are you feeling today?"
    assert len(fake_openai.requests) == 1


async def test_bots_and_system_messages_are_ignored(dc: DiscordWorld, fake_openai: FakeOpenAI) -> None:
    other_bot = dc.member("Helper")
    other_bot.user["bot"] = True
    assert (await other_bot.says("<@bot> beep")).calls == []
    assert fake_openai.requests == []
