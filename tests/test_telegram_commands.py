"""Telegram commands: the menu Telegram shows, and each command doing what core.account says, in the user's language."""

from __future__ import annotations

from core.i18n import available
from core.store.users import ReplyMode
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_chat import TelegramChat


async def _rows(tg: TelegramChat, user_id: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in await tg.engine.db.tables_with_columns("platform", "user_id"):
        async with tg.engine.db.conn.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE platform = ? AND user_id = ?',  # noqa: S608
            ("telegram", str(user_id)),
        ) as cur:
            row = await cur.fetchone()
        counts[table] = row[0] if row else 0
    return counts


async def test_commands_are_registered_in_every_language(tg: TelegramChat, fake_telegram: FakeTelegram) -> None:
    assert set(fake_telegram.commands) == {None, *available()}
    names = [c["command"] for c in fake_telegram.commands["fr"]]
    assert names == [
        "start", "help", "reset", "voice", "name", "language", "timezone", "memory", "forget", "quiet", "export", "key"
    ]
    assert "admin" not in {c["command"] for menu in fake_telegram.commands.values() for c in menu}
    french = {c["command"]: c["description"] for c in fake_telegram.commands["fr"]}
    japanese = {c["command"]: c["description"] for c in fake_telegram.commands["ja"]}
    assert french["forget"] == "Effacer tout ce que je sais sur toi"
    assert "削除" in japanese["forget"]
    assert french["export"] == "Télécharger toutes tes données"
    assert {c["command"]: c["description"] for c in fake_telegram.commands[None]}["reset"].startswith("Start")


async def test_start_greets_by_name_in_the_users_language(tg: TelegramChat) -> None:
    heard = await tg.user("Lucía", language="es").says("/start")
    assert heard.texts[0].startswith("¡Hola, Lucía! Soy Minato.")
    heard = await tg.user("Amélie", language="fr").says("/start")
    assert heard.texts[0].startswith("Salut Amélie !")


async def test_settings_commands_change_the_user(tg: TelegramChat) -> None:
    sam = tg.user("Sam", language="en")
    assert (await sam.says("/name Sammy")).texts == ["Got it — I'll call you Sammy from now on."]
    assert (await sam.says("/voice both")).texts == ["Reply mode: both."]
    assert (await sam.says("/language de")).texts == ["Ich antworte ab jetzt auf German."]
    user = await tg.engine.users.get("telegram", str(sam.user.id))
    assert user is not None
    assert (user.preferred_name, user.reply_mode, user.language, user.language_pinned) == (
        "Sammy", ReplyMode.BOTH, "de", True)
    heard = await sam.says("/voice loud")
    assert "auto" in heard.texts[0] and "both" in heard.texts[0], "a wrong choice is explained, in German"


async def test_reset_starts_a_fresh_conversation(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    amelie = tg.user("Amélie")
    await amelie.says("Je m'appelle Amélie et j'adore le chocolat noir.")
    assert (await amelie.says("/reset")).texts == ["On repart à zéro ! Qu'est-ce qui te trotte dans la tête, Amélie ?"]
    await amelie.says("Tu te souviens de ce que j'aime ?")
    assert len(fake_openai.last["input"]) == 1, "the old conversation is no longer the context"


async def test_memory_tells_what_minato_remembers(tg: TelegramChat) -> None:
    sam = tg.user("Sam", language="en")
    await sam.says("I love hiking in the mountains every weekend.")
    heard = await sam.says("/memory")
    assert "Here's what I remember about you, Sam:" in heard.text
    assert "Messages I keep from you: 2" in heard.text


async def test_forget_asks_then_really_deletes(tg: TelegramChat, fake_telegram: FakeTelegram) -> None:
    amelie = tg.user("Amélie")
    await amelie.says("Je te confie un secret : j'ai peur du noir.")
    assert sum((await _rows(tg, amelie.user.id)).values()) >= 3
    asked = await amelie.says("/forget")
    (question,) = asked.messages
    assert question.text.startswith("Cela efface définitivement")
    buttons = question.reply_markup["inline_keyboard"][0] if question.reply_markup else []
    assert [b["text"] for b in buttons] == ["Oui, effacer", "Non, garder"]

    answered = await amelie.presses(question, 0)
    assert [c.method for c in answered.calls] == ["editMessageText"]
    assert fake_telegram.calls[-2].method == "answerCallbackQuery", "the button stops spinning"
    assert question.text.startswith("C'est fait"), "the question is replaced by the answer, buttons gone"
    assert question.reply_markup is None
    assert set((await _rows(tg, amelie.user.id)).values()) == {0}, "no row left about Amélie"


async def test_forget_can_be_cancelled(tg: TelegramChat) -> None:
    amelie = tg.user("Amélie")
    await amelie.says("Bonjour, je m'appelle Amélie.")
    (question,) = (await amelie.says("/forget")).messages
    await amelie.presses(question, 1)
    assert question.text == "D'accord, je garde nos souvenirs."
    assert (await _rows(tg, amelie.user.id))["messages"] == 2


async def test_only_the_asker_can_confirm_forget_in_a_group(tg: TelegramChat, fake_telegram: FakeTelegram) -> None:
    group = tg.group()
    amelie, paul = tg.user("Amélie"), tg.user("Paul")
    await amelie.says(f"{tg.mention} bonjour !", chat=group)
    (question,) = (await amelie.says(f"/forget@{fake_telegram.bot.username}", chat=group)).messages
    await paul.presses(question, 0)
    (answer,) = [c for c in fake_telegram.calls if c.method == "answerCallbackQuery"]
    assert answer.params["text"] == "Seule la personne qui a demandé peut répondre."
    assert sum((await _rows(tg, amelie.user.id)).values()) > 0, "Amélie's memories are still there"
    assert question.reply_markup is not None


async def test_the_bot_starts_even_when_telegram_refuses_the_command_menu(
    fake_telegram: FakeTelegram, engine
) -> None:
    fake_telegram.flood("setMyCommands", retry_after=30)
    tg = TelegramChat(fake_telegram, engine)
    await tg.start()
    try:
        heard = await tg.user("Amélie").says("/start")
        assert heard.texts[0].startswith("Salut Amélie !")
    finally:
        await tg.stop()
