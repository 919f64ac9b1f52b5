"""Tools seen from Telegram: reminders arriving on time (and after a restart), cited pages as links."""

from __future__ import annotations

import time

from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.store import Database, open_database
from core.tools.config import ToolsConfig, WebSearchMode
from core.tools.scheduler import ReminderScheduler
from tests.conftest import make_llm
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_chat import TelegramChat, eventually


def _set(text: str, seconds: int) -> Reply:
    return Reply(function_calls=[("set_reminder", {"text": text, "in_seconds": seconds, "at": None})])


def _sent(fake: FakeTelegram, chat_id: int, kind: str = "text") -> list[str]:
    return [s.text for (chat, _), s in sorted(fake.sent.items()) if chat == chat_id and s.kind == kind]


async def test_a_reminder_in_two_seconds_arrives_in_the_telegram_chat_on_time(
    tg: TelegramChat, engine: Engine, fake_openai: FakeOpenAI
) -> None:
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    amelie = tg.user("Amélie")
    fake_openai.script += [_set("Appeler Inès", 2), Reply(text="Promis, je te le rappelle dans 2 secondes !")]
    try:
        heard = await amelie.says("Rappelle-moi d'appeler Inès dans 2 secondes.")
        assert heard.texts == ["Promis, je te le rappelle dans 2 secondes !"]
        (pending,) = await engine.reminders.pending("telegram", str(amelie.user.id))
        await eventually(lambda: len(_sent(tg.fake, amelie.user.id)) == 2, timeout=5)
        late = time.time() - pending.due_at
    finally:
        await scheduler.stop()
    assert _sent(tg.fake, amelie.user.id)[-1] == "⏰ Rappel : Appeler Inès"
    assert 0 <= late < 1.5


async def test_a_reminder_set_in_a_group_says_whom_it_is_for(
    tg: TelegramChat, engine: Engine, fake_openai: FakeOpenAI
) -> None:
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    group = tg.group()
    chloe, kenji = tg.user("Chloé"), tg.user("Kenji", language="ja")
    await kenji.says("/name ケンジ")  # the name Kenji asked for wins over his Telegram name
    fake_openai.script += [_set("Sortir le gâteau du four", 1), Reply(text="Promis, Chloé !"),
                           _set("洗濯物を取り込む", 1), Reply(text="了解！")]
    try:
        await chloe.says(f"{tg.mention} rappelle-moi de sortir le gâteau du four dans une seconde", chat=group)
        await kenji.says(f"{tg.mention} 1秒後に洗濯物を取り込むようにリマインドして", chat=group)
        await eventually(lambda: len(_sent(tg.fake, group.id)) == 4, timeout=5)
    finally:
        await scheduler.stop()
    reminders = sorted(text for text in _sent(tg.fake, group.id) if text.startswith("⏰"))
    assert reminders == [
        "⏰ Rappel pour Chloé : Sortir le gâteau du four",  # each in its own person's language
        "⏰ ケンジさんへのリマインダー：洗濯物を取り込む",
    ]


async def test_a_reminder_set_before_a_restart_arrives_after_it(
    fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, provider: ProviderConfig, database_url: str,
    engine_config: EngineConfig,
) -> None:
    async def started() -> tuple[Database, Engine, TelegramChat, ReminderScheduler]:
        db = await open_database(database_url)
        engine = Engine(db, make_llm(provider, engine_config), engine_config)
        chat = TelegramChat(fake_telegram, engine)
        await chat.start()
        scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
        scheduler.start()
        return db, engine, chat, scheduler

    async def stopped(db: Database, engine: Engine, chat: TelegramChat, scheduler: ReminderScheduler) -> None:
        await scheduler.stop()
        await chat.stop()
        await engine.llm.close()
        await db.close()

    db, engine, chat, scheduler = await started()
    kenji = chat.user("Kenji", language="ja")
    fake_openai.script += [_set("薬を飲む", 1), Reply(text="わかった！")]
    await kenji.says("1秒後に薬を飲むってリマインドして")
    await stopped(db, engine, chat, scheduler)  # down before the reminder is due
    assert _sent(fake_telegram, kenji.user.id) == ["わかった！"]

    db, engine, chat, scheduler = await started()
    try:
        await eventually(lambda: len(_sent(fake_telegram, kenji.user.id)) == 2, timeout=5)
    finally:
        await stopped(db, engine, chat, scheduler)
    assert _sent(fake_telegram, kenji.user.id)[-1] == "⏰ リマインダー：薬を飲む"


async def test_a_voice_mode_users_reminder_is_a_voice_bubble(
    tg: TelegramChat, engine: Engine, fake_openai: FakeOpenAI
) -> None:
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    scheduler.start()
    sam = tg.user("Sam", language="en")
    await sam.says("/voice voice")
    fake_openai.script += [_set("Drink some water", 1), Reply(text="Will do!")]
    try:
        await sam.says("Remind me to drink some water in a second")
        await eventually(lambda: len(_sent(tg.fake, sam.user.id, "voice")) == 2, timeout=6)
    finally:
        await scheduler.stop()
    assert "Drink some water" in fake_openai.speeches[-1]["input"]


async def test_cited_pages_are_links_in_the_telegram_answer(
    fake_telegram: FakeTelegram, db: Database, provider: ProviderConfig, engine_config: EngineConfig,
    fake_openai: FakeOpenAI,
) -> None:
    llm = make_llm(provider, engine_config)
    engine = Engine(db, llm, engine_config, tools=ToolsConfig(web_search=WebSearchMode.BUILTIN))
    chat = TelegramChat(fake_telegram, engine)
    await chat.start()
    fake_openai.script.append(Reply(text="Le musée ouvre à 10 h.",
                                    citations=[("Horaires du musée", "https://musee.example/horaires")]))
    try:
        heard = await chat.user("Amélie").says("À quelle heure ouvre le musée ?")
    finally:
        await chat.stop()
        await llm.close()
    assert heard.texts == ["Le musée ouvre à 10 h.\n\nSources :\n\n• Horaires du musée"]
    final = [c for c in heard.calls if c.method in ("sendMessage", "editMessageText")][-1]
    assert final.params["parse_mode"] == "HTML"
    assert '<a href="https://musee.example/horaires">Horaires du musée</a>' in final.params["text"]


async def test_timezone_command_on_telegram(tg: TelegramChat, engine: Engine) -> None:
    amelie = tg.user("Amélie")
    heard = await amelie.says("/timezone Europe/Paris")
    assert heard.texts == ["C'est noté — ton fuseau horaire est maintenant Europe/Paris."]
    assert (await engine.users.get("telegram", str(amelie.user.id))).timezone == "Europe/Paris"
