"""Talking to Minato on Telegram: the real python-telegram-bot Application over the fake Bot API, real engine."""

from __future__ import annotations

import asyncio
import itertools
import time

from core.engine import Engine
from core.store import open_database
from tests.conftest import make_llm
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.telegram_server import FakeTelegram, FloodLimits
from tests.telegram_chat import TelegramChat, eventually


async def _rows(engine: Engine, user_id: int) -> int:
    total = 0
    for table in await engine.db.tables_with_columns("platform", "user_id"):
        async with engine.db.conn.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE platform = ? AND user_id = ?',  # noqa: S608
            ("telegram", str(user_id)),
        ) as cur:
            row = await cur.fetchone()
            total += row[0] if row else 0
    return total


async def test_french_text_in_private_streams_a_draft_then_a_final_message(
    tg: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency.tokens_per_second = 100
    heard = await tg.user("Amélie").says("Bonjour Minato, je suis contente de te parler ce soir !")
    assert heard.drafts, "the reply was previewed while it was written"
    assert all(heard.text.startswith(draft) for draft in heard.drafts)
    assert heard.texts == ["Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"]
    assert heard.actions[0] == "typing"
    assert heard.messages[0].reply_to is None, "in a private chat there is no need to quote the user"


async def test_group_chatter_gets_nothing_and_nothing_is_stored(tg: TelegramChat) -> None:
    group = tg.group()
    paul = tg.user("Paul")
    heard = await paul.says("Quelqu'un a vu mes clés ? Je les cherche partout.", chat=group)
    assert heard.nothing
    assert await _rows(tg.engine, paul.user.id) == 0
    async with tg.engine.db.conn.execute("SELECT COUNT(*) FROM handled_events") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_group_mention_gets_a_reply_to_the_right_person(tg: TelegramChat) -> None:
    group = tg.group()
    await tg.user("Paul").says("On mange où ce soir, les amis ?", chat=group)
    heard = await tg.user("Chloé").says(f"{tg.mention} tu peux nous conseiller un film ce soir ?", chat=group)
    (reply,) = heard.replies
    assert reply.text.startswith("Chloé, ")
    assert reply.reply_to == heard.message_id


async def test_a_bare_mention_in_a_group_is_answered_as_a_call_not_an_error(
    tg: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    """Regression: "@minato_bot" alone got "I didn't catch anything to reply to"."""
    heard = await tg.user("Chloé", language="fr").says(tg.mention, chat=tg.group())
    (reply,) = heard.replies
    assert reply.text == "Oui, Chloé ? Je suis là — qu'est-ce qui te trotte dans la tête ?"
    assert not fake_openai.requests, "no model call for a bare call"


async def test_replying_to_minato_in_a_group_is_talking_to_minato(tg: TelegramChat) -> None:
    group = tg.group()
    chloe = tg.user("Chloé")
    first = await chloe.says(f"{tg.mention} tu es là ? J'ai une question pour toi.", chat=group)
    heard = await chloe.says("Tu préfères les chats ou les chiens ?", chat=group, reply_to=first.replies[0])
    assert heard.replies and heard.replies[0].text.startswith("Chloé")


async def test_two_users_talking_at_once_get_their_own_answers(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    fake_openai.latency.tokens_per_second = 200
    group = tg.group()
    lea, karim = tg.user("Léa"), tg.user("Karim", language="en")
    heard_lea, heard_karim = await asyncio.gather(
        lea.says(f"{tg.mention} coucou, tu peux me donner une idée de dessert ?", chat=group),
        karim.says(f"{tg.mention} hey, can you suggest a good book for the weekend?", chat=group),
    )
    assert [m.text for m in heard_lea.replies] == ["Léa, je suis là avec toi. Comment te sens-tu aujourd'hui ?"]
    assert [m.text for m in heard_karim.replies] == ["Karim, I'm here with you. How are you feeling today?"]


async def test_a_5000_character_answer_arrives_as_two_clean_messages(
    tg: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    paragraphs = [f"Paragraphe {i} : " + "la mer est calme et le ciel est doux. " * 12 for i in range(11)]
    answer = "\n\n".join(p.strip() for p in paragraphs)
    assert len(answer) > 5000
    fake_openai.script.append(Reply(text=answer))
    heard = await tg.user("Amélie").says("Raconte-moi une longue histoire, s'il te plaît.")
    assert len(heard.texts) == 2
    assert all(len(text) <= 4096 for text in heard.texts)
    assert "\n\n".join(heard.texts) == answer, "cut between paragraphs, nothing lost or repeated"


async def test_flood_control_while_streaming_delays_but_loses_nothing(
    tg: TelegramChat, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency.tokens_per_second = 50
    fake_telegram.flood("sendMessageDraft", retry_after=1)
    fake_telegram.flood("sendMessage", retry_after=1)
    heard = await tg.user("Amélie").says("Bonjour ! Tu as passé une bonne journée ?")
    refused = [c for c in heard.calls if c.status == 429]
    assert [c.method for c in refused] == ["sendMessageDraft", "sendMessage"]
    final = [c for c in heard.calls if c.method == "sendMessage" and c.status == 200]
    assert final[0].at - refused[-1].at >= 0.95, "the bot waited as long as Telegram asked"
    assert heard.texts == ["Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"]


async def test_flood_control_on_group_edits_loses_nothing(
    tg: TelegramChat, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency.tokens_per_second = 40
    fake_telegram.flood("editMessageText", retry_after=1, times=2)
    group = tg.group()
    heard = await tg.user("Chloé").says(f"{tg.mention} raconte-moi ta journée !", chat=group)
    (reply,) = heard.replies
    assert reply.text == "Chloé, je suis là avec toi. Comment te sens-tu aujourd'hui ?"
    assert [c.method for c in heard.calls if c.status == 429] == ["editMessageText", "editMessageText"]


async def test_group_reply_is_one_message_edited_as_it_streams(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    fake_openai.latency.tokens_per_second = 40
    heard = await tg.user("Chloé").says(f"{tg.mention} raconte-moi ta journée !", chat=tg.group())
    (reply,) = heard.messages
    assert reply.edits >= 1
    edits = [c for c in heard.calls if c.method == "editMessageText"]
    texts = [c.params["text"] for c in edits]
    assert len(texts) == len(set(texts)), "no edit repeats the text already shown"
    gaps = [b.at - a.at for a, b in itertools.pairwise(edits)]
    assert all(gap >= 0.045 for gap in gaps), "edits are paced by the configured interval"


async def test_markdown_is_rendered_as_telegram_html(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.append(Reply(text="Voici **trois idées** :\n\n- un *film*\n- un `jeu`\n- une balade"))
    heard = await tg.user("Amélie").says("Tu as des idées pour ce soir ?")
    (message,) = heard.messages
    assert message.parse_mode == "HTML"
    assert message.text == "Voici trois idées :\n\n• un film\n• un jeu\n• une balade"


async def test_cant_parse_entities_resends_as_plain_text(
    tg: TelegramChat, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script.append(Reply(text="Un **petit** conseil : respire."))
    fake_telegram.reject_entities("sendMessage")
    heard = await tg.user("Amélie").says("J'ai besoin d'un conseil.")
    (message,) = heard.messages
    assert message.parse_mode is None
    assert message.text == "Un **petit** conseil : respire."


async def test_forum_topic_gets_its_answer_in_the_same_topic(tg: TelegramChat) -> None:
    forum = tg.group("Club de lecture", forum=True)
    heard = await tg.user("Inès").says(f"{tg.mention} quel livre me conseilles-tu ?", chat=forum, thread_id=77)
    (reply,) = heard.replies
    assert reply.thread_id == 77
    sends = [c for c in heard.calls if c.method.startswith("send")]
    assert sends and all(c.params.get("message_thread_id") == "77" for c in sends)


async def test_namesakes_in_a_group_are_called_by_their_full_names(tg: TelegramChat) -> None:
    group = tg.group()
    await tg.user("Marie", last_name="Dupont").says(f"{tg.mention} salut !", chat=group)
    heard = await tg.user("Marie", last_name="Curie").says(f"{tg.mention} salut à toi aussi !", chat=group)
    assert heard.replies[0].text.startswith("Marie Curie, ")


async def test_a_duplicated_update_is_answered_once_even_after_a_restart(
    tg: TelegramChat, fake_openai: FakeOpenAI, provider, database_url: str, engine_config
) -> None:
    amelie = tg.user("Amélie")
    first = await amelie.says("Bonjour, tu te souviens de moi ?")
    assert len(first.texts) == 1
    again = await tg.redeliver(first)
    assert again.nothing
    await tg.stop()
    db = await open_database(database_url)
    llm = make_llm(provider, engine_config)
    try:
        await tg.start(Engine(db, llm, engine_config))
        after_restart = await tg.redeliver(first)
        assert after_restart.nothing
        assert len(fake_openai.requests) == 1
    finally:
        await tg.stop()
        await llm.close()
        await db.close()


async def test_stopping_lets_a_reply_in_progress_finish(
    tg: TelegramChat, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script.append(Reply(delay=0.5))
    amelie = tg.user("Amélie")
    update = fake_telegram.message(amelie.private, amelie.user, text="Bonsoir Minato, tu es là ?")
    fake_telegram.push(update)
    await eventually(lambda: bool(fake_openai.requests))  # the model is thinking (0.5 s)
    assert not [c for c in fake_telegram.calls if c.method == "sendMessage"]
    await tg.stop()
    sent = [c for c in fake_telegram.calls if c.method == "sendMessage" and c.status == 200]
    assert [c.params["text"] for c in sent] == ["Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"]


async def test_a_quick_short_reply_in_a_group_is_one_message_without_edits(tg: TelegramChat) -> None:
    # In a group the preview is a real message the final text must edit: two writes of the 20 a minute.
    group = await tg.user("Chloé").says(f"{tg.mention} coucou !", chat=tg.group())
    assert [c.method for c in group.calls if c.method != "sendChatAction"] == ["sendMessage"]


async def test_private_reply_shows_its_first_words_at_once_without_delaying_the_final_message(
    fake_openai: FakeOpenAI, engine: Engine
) -> None:
    # Telegram's pace (one message a second per chat), enforced by the fake: the draft goes with the first
    # words instead of a second later, and the final message does not wait a second behind the draft.
    fake = FakeTelegram(limits=FloodLimits(chat_interval=1.0))
    await fake.start()
    tg = TelegramChat(fake, engine, stream_interval=1.0)
    await tg.start()
    try:
        fake_openai.latency.first_token = 0.2
        fake_openai.latency.tokens_per_second = 50  # ~0.3 s of streaming: a short reply
        asked = time.monotonic()
        heard = await tg.user("Amélie").says("Coucou !")
        writes = [c for c in heard.calls if c.method != "sendChatAction"]
        assert [c.method for c in writes] == ["sendMessageDraft", "sendMessage"]
        draft, final = writes
        assert heard.text.startswith(draft.params["text"])
        # Before, the draft waited one interval (1 s) and the final message one more behind it.
        assert draft.at - asked < 0.2 + 0.35, "the first words show as soon as the model writes them"
        assert final.at - draft.at < 0.8, "the final message did not wait for the draft's slot"
        assert fake.provoked_429s == 0
    finally:
        await tg.stop()
        await fake.close()


async def test_a_user_who_blocked_the_bot_still_has_the_reply_saved(
    tg: TelegramChat, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    amelie = tg.user("Amélie")
    heard = await amelie.says("Bonsoir, tu es là ?")
    assert not heard.texts
    async with tg.engine.db.conn.execute("SELECT role FROM messages WHERE user_id = ?", (str(amelie.user.id),)) as c:
        assert [row[0] for row in await c.fetchall()] == ["user", "assistant"]
    assert (await amelie.says("Je t'ai débloqué !")).texts, "the bot keeps working"


async def test_messages_sent_in_a_row_are_answered_in_order(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    fake_openai.replier = lambda body: f"Tu as dit : {body['input'][-1]['content']}"
    fake_openai.script.append(Reply(delay=0.3))  # the first answer is the slowest to think of
    group = tg.group()
    people = [tg.user(name) for name in ("Léa", "Karim", "Inès")]
    said = [f"{tg.mention} message de {p.user.first_name}, réponds-moi vite." for p in people]
    await asyncio.gather(*(p.says(text, chat=group) for p, text in zip(people, said, strict=True)))
    answers = [s.text for s in tg.fake.sent.values() if s.chat_id == group.id]
    assert answers == [f"Tu as dit : {text.removeprefix(tg.mention).strip()}" for text in said]
