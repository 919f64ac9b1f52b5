"""Running the Discord bot: rate limits, reconnects, provider trouble, start-up failures and clean shutdown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import discord
import pytest
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from bots import discord_bot
from bots.platforms import PlatformStartError
from bots.settings import DiscordSettings, Settings
from core.engine import Engine
from core.i18n import t
from tests.discord_world import TOKEN, DiscordWorld
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI, Reply


async def test_a_429_with_via_is_waited_out_and_nothing_is_lost(dc: DiscordWorld) -> None:
    sora = dc.dm_user("Sora")
    dc.fake.rate_limit_next("POST", f"/channels/{sora.dm_channel}/messages", retry_after=0.3)
    heard = await sora.says("are you there, Minato?")
    limited, delivered = [c for c in heard.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert limited.status == 429 and delivered.status == 200
    assert delivered.json == limited.json  # the very same message, sent again
    assert heard.messages == ["sora, I'm here with you. How are you feeling today?"]


async def test_a_dropped_gateway_connection_resumes_and_keeps_answering(dc: DiscordWorld) -> None:
    sora = dc.dm_user("Sora")
    await sora.says("first message before the hiccup")
    await dc.fake.drop_connection()
    await asyncio.wait_for(dc.fake.connected.wait(), 10)
    assert len(dc.fake.resumes) == 1 and dc.fake.resumes[0]["token"] == TOKEN
    assert len(dc.fake.identifies) == 1  # resumed, not a fresh session
    heard = await sora.says("second message after the hiccup")
    assert len(heard.messages) == 1


async def test_provider_trouble_is_told_in_the_users_language_and_the_bot_keeps_going(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script.append(Reply(status=500))
    fake_openai.script.append(Reply(status=500))
    amelie = dc.dm_user("amelie", global_name="Amélie")
    heard = await amelie.says("Bonjour Minato, tu es là ? J'ai passé une longue journée.")
    assert heard.messages == [t("provider_unavailable", "fr", name="Amélie")]
    again = await amelie.says("Tu es revenu ? Je voulais te raconter ma journée.")
    assert again.messages == ["Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"]


async def test_a_channel_where_minato_cannot_post_does_not_stop_the_bot(dc: DiscordWorld) -> None:
    kenji = dc.member("Kenji", nick="Ken")
    general = dc.general["id"]
    dc.fake.script("POST", f"/channels/{general}/messages", 403, {"message": "Missing Permissions", "code": 50013})
    dc.fake.script("POST", f"/channels/{general}/messages", 403, {"message": "Missing Permissions", "code": 50013})
    refused = await kenji.says("<@bot> hello?")
    assert refused.messages == []
    heard = await kenji.says("<@bot> hello again?")
    assert heard.messages == ["Ken, I'm here with you. How are you feeling today?"]


def settings_for(fake: FakeDiscord, **extra: object) -> Settings:
    discord_settings = DiscordSettings(bot_token=SecretStr(TOKEN), api_url=fake.api_url,
                                       gateway_url=fake.gateway_url, edit_interval=0.05, **extra)  # type: ignore[arg-type]
    return Settings(discord=discord_settings)


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.close()


async def test_run_points_discord_py_at_the_configured_urls_and_stops_cleanly(
    engine: Engine, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    stop = asyncio.Event()
    running = asyncio.create_task(discord_bot.run(settings_for(fake_discord), engine, stop))
    await asyncio.wait_for(fake_discord.connected.wait(), 10)
    assert fake_discord.calls_to("GET", "/users/@me")[0].path == "/api/v10/users/@me"
    assert fake_discord.identifies[0]["token"] == TOKEN
    stop.set()
    await asyncio.wait_for(running, 10)
    assert TOKEN not in caplog.text


async def test_a_refused_token_stops_the_runner_with_a_clear_log_line(
    engine: Engine, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.script("GET", "/users/@me", 401, {"message": "401: Unauthorized", "code": 0})
    with pytest.raises(PlatformStartError, match="DISCORD_BOT_TOKEN") as info:
        await asyncio.wait_for(discord_bot.run(settings_for(fake_discord), engine, asyncio.Event()), 10)
    assert TOKEN not in str(info.value) + caplog.text


async def test_asking_for_message_content_without_the_portal_switch_says_what_to_enable(
    engine: Engine, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.content_intent_allowed = False
    settings = settings_for(fake_discord, message_content=True)
    with pytest.raises(PlatformStartError, match="Message Content intent"):
        await asyncio.wait_for(discord_bot.run(settings, engine, asyncio.Event()), 10)
