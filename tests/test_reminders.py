"""Reminders: set through the model, persisted, delivered on time through the adapters' delivery port."""

from __future__ import annotations

import asyncio
import io
import json
import time

from adapters.terminal import chat
from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.store import open_database
from core.tools.scheduler import ReminderScheduler
from tests.conftest import make_llm
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.tools_support import RecordingPort, tool_engine, tool_outputs

__all__ = ["tool_engine"]  # fixture


def _set(text: str, seconds: int) -> Reply:
    return Reply(function_calls=[("set_reminder", {"text": text, "in_seconds": seconds, "at": None})])


async def test_a_reminder_in_two_seconds_is_delivered_on_time(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    port = RecordingPort()
    engine.deliveries.register("terminal", port)
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    try:
        fake_openai.script += [_set("Boire un verre d'eau", 2), Reply(text="D'accord, dans 2 secondes !")]
        asked = time.time()
        heard = await Person(engine, "Amélie").says("Rappelle-moi de boire un verre d'eau dans 2 secondes.")
        answered = time.time()
        assert heard.text == "D'accord, dans 2 secondes !"
        (pending,) = await engine.reminders.pending("terminal", "u-Amélie")
        assert asked + 2 <= pending.due_at <= answered + 2
        assert port.delivered.empty()
        delivered = await asyncio.wait_for(port.delivered.get(), timeout=5)
        late = time.time() - pending.due_at
    finally:
        await scheduler.stop()
    assert delivered == ("terminal", "u-Amélie", "u-Amélie", "⏰ Rappel : Boire un verre d'eau", "fr", False)
    assert 0 <= late < 1, "delivered when due, not before and not much after"
    assert tool_outputs(fake_openai.last)["set_reminder"]["text"] == "Boire un verre d'eau"
    assert await engine.reminders.pending("terminal", "u-Amélie") == [], "delivered once, not again"


async def test_a_reminder_set_before_a_restart_is_delivered_after_it(
    fake_openai: FakeOpenAI, provider: ProviderConfig, database_url: str, engine_config: EngineConfig
) -> None:
    db = await open_database(database_url)
    llm = make_llm(provider, engine_config)
    engine = Engine(db, llm, engine_config)
    kenji = Person(engine, "Kenji", language_hint="ja")
    await engine.account.set_reply_mode(await engine.account.user("terminal", "u-Kenji", "Kenji", "ja"), "voice")
    fake_openai.script += [_set("薬を飲む", 1), Reply(text="わかった、1秒後に知らせるね。")]
    await kenji.says("1秒後に薬を飲むようにリマインドして")
    await llm.close()
    await db.close()  # the process stops before the reminder is due

    await asyncio.sleep(1.2)
    db = await open_database(database_url)
    llm = make_llm(provider, engine_config)
    engine = Engine(db, llm, engine_config)
    port = RecordingPort()
    engine.deliveries.register("terminal", port)
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    try:
        delivered = await asyncio.wait_for(port.delivered.get(), timeout=3)
    finally:
        await scheduler.stop()
        await llm.close()
        await db.close()
    assert delivered == ("terminal", "u-Kenji", "u-Kenji", "⏰ リマインダー：薬を飲む", "ja", True)


async def test_a_failed_delivery_is_retried(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    port = RecordingPort(failures=1)
    engine.deliveries.register("terminal", port)
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries, retry_after=0.2)
    scheduler.start()
    try:
        fake_openai.script += [_set("Call mum", 1), Reply(text="Sure!")]
        await Person(engine, "Sam").says("Remind me to call mum in a second")
        delivered = await asyncio.wait_for(port.delivered.get(), timeout=4)
    finally:
        await scheduler.stop()
    assert delivered[3] == "⏰ Reminder: Call mum"


async def test_reminders_wait_for_their_platform_to_run(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    try:
        fake_openai.script += [_set("Stretch", 1), Reply(text="Okay!")]
        await Person(engine, "Sam", platform="discord").says("Remind me to stretch in a second")
        await asyncio.sleep(1.3)
        assert len(await engine.reminders.pending("discord", "u-Sam")) == 1, "no Discord adapter yet: kept"
        port = RecordingPort()
        engine.deliveries.register("discord", port)
        delivered = await asyncio.wait_for(port.delivered.get(), timeout=2)
    finally:
        await scheduler.stop()
    assert delivered[:4] == ("discord", "u-Sam", "u-Sam", "⏰ Reminder: Stretch")


async def test_list_and_cancel_reminders(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    sam = Person(engine, "Sam")
    await engine.account.set_timezone(await engine.account.user("terminal", "u-Sam", "Sam", "en"), "Asia/Tokyo")
    fake_openai.script += [
        Reply(function_calls=[("set_reminder", {"text": "Dentist", "in_seconds": None, "at": "2027-05-02T09:30"}),
                              ("set_reminder", {"text": "Too late", "in_seconds": None, "at": "2001-01-01T09:00"}),
                              ("set_reminder", {"text": "Nonsense", "in_seconds": None, "at": "next tuesday"})]),
        Reply(text="Done."),
    ]
    await sam.says("Remind me of the dentist on 2 May 2027 at 9:30")
    results = [
        json.loads(i["output"]) for i in fake_openai.last["input"]
        if i.get("type") == "function_call_output"
    ]
    assert results[0]["due_local"] == "2027-05-02T09:30+09:00", "a local time is read in the user's timezone"
    assert results[1] == {"error": "that time has already passed"}
    assert "ISO 8601" in results[2]["error"]
    reminder_id = results[0]["reminder_id"]

    fake_openai.script += [Reply(function_calls=[("list_reminders", {})]), Reply(text="One: the dentist.")]
    await sam.says("Which reminders do I have?")
    listed = tool_outputs(fake_openai.last)["list_reminders"]
    assert listed == {"reminders": [{"reminder_id": reminder_id, "text": "Dentist",
                                     "due_local": "2027-05-02T09:30+09:00"}]}

    fake_openai.script += [Reply(function_calls=[("cancel_reminder", {"reminder_id": reminder_id})]),
                           Reply(text="Cancelled.")]
    await sam.says("Cancel the dentist reminder")
    assert tool_outputs(fake_openai.last)["cancel_reminder"] == {"cancelled": reminder_id}
    assert await engine.reminders.pending("terminal", "u-Sam") == []


async def test_minato_chat_shows_due_reminders_in_the_terminal(engine) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    await chat(engine, "Sam", io.StringIO(""), out)  # registers the terminal's delivery port, then EOF
    await engine.deliveries.deliver("terminal", "local-sam", "local-sam", "⏰ Reminder: Tea", "en", False)
    assert "\n⏰ Reminder: Tea\n" in out.getvalue()
