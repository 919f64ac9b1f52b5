"""Tools seen from Discord: cited pages as links in the posted answer, reminders posted on time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.store import Database
from core.tools.config import ToolsConfig, WebSearchMode
from core.tools.scheduler import ReminderScheduler
from tests.conftest import make_llm
from tests.discord_world import discord_world
from tests.fakes.openai_server import FakeOpenAI, Reply


async def _until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110 -- the fake's state changes without an event to wait on
            await asyncio.sleep(0.02)


async def test_cited_pages_are_links_in_the_discord_answer(
    db: Database, provider: ProviderConfig, engine_config: EngineConfig, fake_openai: FakeOpenAI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm = make_llm(provider, engine_config)
    engine = Engine(db, llm, engine_config, tools=ToolsConfig(web_search=WebSearchMode.BUILTIN))
    fake_openai.script.append(Reply(text="The museum opens at 10 am.",
                                    citations=[("Museum hours", "https://museum.example/hours")]))
    try:
        async with discord_world(engine, monkeypatch) as dc:
            heard = await dc.member("Kenji").says("<@bot> when does the museum open?")
    finally:
        await llm.close()
    assert heard.messages == ["The museum opens at 10 am.\n\nSources:\n- [Museum hours](https://museum.example/hours)"]


async def test_a_reminder_is_posted_where_it_was_set_and_names_its_person(
    engine: Engine, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    fake_openai.script += [
        Reply(function_calls=[("set_reminder", {"text": "Tea is ready", "in_seconds": 1, "at": None})]),
        Reply(text="I'll tell you in a second."),
    ]
    try:
        async with discord_world(engine, monkeypatch) as dc:
            heard = await dc.member("Kenji", nick="Ken").says("<@bot> remind me in a second that the tea is ready")
            assert heard.messages == ["I'll tell you in a second."]
            await _until(lambda: len(dc.fake.messages[dc.general["id"]]) == 2)
            reminder = dc.fake.messages[dc.general["id"]][-1]
    finally:
        await scheduler.stop()
    assert reminder["content"] == "⏰ Reminder for Ken: Tea is ready", "others read it too: it names whom it is for"
    assert "discord" not in engine.deliveries.platforms, "a stopped bot takes no more reminders"


async def test_a_voice_mode_users_reminder_is_a_voice_message_in_their_dm(
    engine: Engine, fake_openai: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    fake_openai.script += [
        Reply(function_calls=[("set_reminder", {"text": "Time to stretch", "in_seconds": 1, "at": None})]),
        Reply(text="Okay!"),
    ]
    try:
        async with discord_world(engine, monkeypatch) as dc:
            sam = dc.dm_user("Sam")
            user = await engine.account.user("discord", sam.user["id"], "Sam", "en")
            await engine.account.set_reply_mode(user, "voice")
            await sam.says("remind me to stretch in a second")
            # The answer ("Okay!") is a voice message too; the reminder is the second one.
            await _until(lambda: len([m for m in dc.fake.messages[sam.dm_channel] if m["flags"] & 8192]) == 2)
    finally:
        await scheduler.stop()
    assert "Time to stretch" in fake_openai.speeches[-1]["input"]


async def test_timezone_command_sets_the_zone_used_by_current_time(dc, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    sora = dc.dm_user("Sora")
    answered = await sora.uses("timezone", name="Asia/Tokyo", locale="ja")
    assert answered.calls[0].json["data"]["content"] == "了解！タイムゾーンを Asia/Tokyo にしたよ。"
    assert (await engine.users.get("discord", sora.user["id"])).timezone == "Asia/Tokyo"
    wrong = await sora.uses("timezone", name="Tokyo please")
    assert "Tokyo please" in wrong.calls[0].json["data"]["content"]
    assert (await engine.users.get("discord", sora.user["id"])).timezone == "Asia/Tokyo"
