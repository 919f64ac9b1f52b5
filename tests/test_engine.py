"""The engine end to end against the fake OpenAI server through the real openai SDK."""

from __future__ import annotations

from dataclasses import replace

from core.config import EngineConfig, Models, ProviderConfig
from core.engine import Engine
from core.events import Activity, FinalText, Notice, TextDelta
from core.store import open_database
from core.turn import Image
from tests.conftest import make_llm
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


async def test_french_turn_streams_a_reply_named_for_the_user(person, fake_openai: FakeOpenAI) -> None:
    heard = await person("Amélie").says("Bonjour Minato, comment vas-tu ce soir ?")

    deltas = [e for e in heard.events if isinstance(e, TextDelta)]
    assert len(deltas) > 3, "the reply must stream in pieces"
    assert isinstance(heard.events[0], Activity)
    assert heard.streamed == heard.text
    assert heard.text.startswith("Amélie, je suis là")
    assert heard.language == "fr"

    body = fake_openai.last
    assert fake_openai.paths[-1] == "/v1/responses"
    assert body["model"] == Models().chat
    assert body["stream"] is True
    assert "You are Minato" in body["instructions"]
    assert "User: Amélie · language: French (fr)" in body["instructions"]
    assert body["input"][-1] == {"role": "user", "content": "Bonjour Minato, comment vas-tu ce soir ?"}
    assert body["temperature"] == EngineConfig().temperature
    assert body["prompt_cache_key"].startswith("minato-")


async def test_stable_prompt_prefix_and_per_user_cache_key(person, fake_openai: FakeOpenAI) -> None:
    await person("Amélie").says("Bonjour, j'ai passé une belle journée.")
    await person("Bob").says("Hello there, I had a lovely day today.")
    await person("Amélie").says("Et toi, tu as fait quoi aujourd'hui ?")
    first, bob, again = fake_openai.requests

    assert first["prompt_cache_key"] == again["prompt_cache_key"] != bob["prompt_cache_key"]
    # Everything before the Context section is byte-identical across users, so the cache prefix is shared.
    prefix = first["instructions"].split("# Context")[0]
    assert bob["instructions"].startswith(prefix)
    assert first["instructions"].index("# Context") > first["instructions"].index("# Examples")


async def test_cached_tokens_are_recorded(person, engine: Engine) -> None:
    amelie = person("Amélie")
    await amelie.says("Bonjour, je voudrais te parler de mon chat.")
    await amelie.says("Il s'appelle Moustache et il adore dormir au soleil.")
    async with engine.db.conn.execute("SELECT cached_tokens FROM usage ORDER BY id") as cur:
        cached = [row[0] for row in await cur.fetchall()]
    assert cached[0] == 0
    assert cached[1] > 0, "the second request repeats the first's prefix, which the provider reports as cached"


async def test_reasoning_models_get_no_temperature(fake_openai: FakeOpenAI, provider: ProviderConfig, db) -> None:
    config = EngineConfig(models=Models(chat="o4-mini-2025-04-16"), reasoning_effort="high")
    llm = make_llm(provider, config)
    try:
        await Person(Engine(db, llm, config), "Sam").says("Plan my week please, step by step.")
    finally:
        await llm.close()
    body = fake_openai.last
    assert "temperature" not in body
    assert "top_p" not in body
    assert body["reasoning"] == {"effort": "high"}


async def test_language_follows_the_latest_message(person, fake_openai: FakeOpenAI) -> None:
    amelie = person("Amélie")
    assert (await amelie.says("Bonjour, je suis un peu fatiguée aujourd'hui.")).language == "fr"
    heard = await amelie.says("¿Puedes hablarme en español, por favor? Quiero practicar.")
    assert heard.language == "es"
    assert "language: Spanish (es)" in fake_openai.last["instructions"]
    assert heard.text.startswith("Amélie, estoy aquí")
    # Too short to judge: the language stays Spanish.
    assert (await amelie.says("ok")).language == "es"
    assert (await amelie.says("😀")).language == "es"


async def test_platform_hint_is_only_a_first_guess(person) -> None:
    kenji = person("Kenji", language_hint="ja")
    assert (await kenji.says("ok")).language == "ja"
    assert (await kenji.says("Actually I prefer to speak English with you.")).language == "en"


async def test_history_survives_an_engine_restart(
    fake_openai: FakeOpenAI, provider: ProviderConfig, database_url: str, engine_config: EngineConfig
) -> None:
    for _ in range(2):
        db = await open_database(database_url)
        llm = make_llm(provider, engine_config)
        await Person(Engine(db, llm, engine_config), "Amélie").says(
            "Je m'appelle Amélie et j'adore le chocolat noir." if not fake_openai.requests else "Tu te souviens ?"
        )
        await llm.close()
        await db.close()
    remembered = fake_openai.last["input"]
    assert remembered[0] == {"role": "user", "content": "Je m'appelle Amélie et j'adore le chocolat noir."}
    assert remembered[1]["role"] == "assistant"
    assert remembered[-1]["content"] == "Tu te souviens ?"


async def test_group_and_private_memories_are_separate(person, fake_openai: FakeOpenAI) -> None:
    await person("Amélie", user_id="42", chat_id="42").says("Mon secret : je collectionne les timbres.")
    await person("Amélie", user_id="42", chat_id="-100").says("Salut tout le monde, ça va ?")
    group_input = fake_openai.last["input"]
    assert all("timbres" not in str(item["content"]) for item in group_input)


async def test_stream_breaking_midway_ends_with_an_apology_in_french(person, fake_openai: FakeOpenAI, engine) -> None:
    amelie = person("Amélie")
    fake_openai.script.append(Reply(text="Oh Amélie, je comprends tellement ce que tu ressens là", fail_after=3))
    heard = await amelie.says("Je me sens seule ce soir, tu peux rester avec moi ?")

    assert heard.streamed.startswith("Oh Amélie,")
    assert not heard.text, "a broken reply must not be presented as final"
    (notice,) = heard.notices
    assert notice.key == "broken"
    assert "perdu le fil" in notice.text and "Amélie" in notice.text
    assert "fake failure" not in notice.text and "Error" not in notice.text
    # The user's message was kept, and the next turn works.
    again = await amelie.says("Je me sens seule ce soir, tu peux rester avec moi ?")
    assert again.text.startswith("Amélie")
    assert await engine.conversations.count_for_user("terminal", "u-Amélie") == 3


async def test_response_failed_event_is_handled_like_an_error(person, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.append(Reply(text="Hola Lucía, claro que sí", fail_after=1, failure_event="response.failed"))
    heard = await person("Lucía").says("¿Me ayudas a escribir una carta para mi abuela?")
    assert [n.key for n in heard.notices] == ["broken"]
    assert "perdí el hilo" in heard.notices[0].text


async def test_provider_down_says_so_in_the_users_language(person, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend([Reply(status=500), Reply(status=500)])  # first try and the SDK's one retry
    heard = await person("Lucía").says("Hola Minato, ¿qué tal estás hoy?")
    assert [n.key for n in heard.notices] == ["unavailable"]
    assert "mensaje está guardado" in heard.notices[0].text
    assert len(fake_openai.requests) == 2, "the SDK retried once with backoff"


async def test_rate_limit_after_retries_asks_to_wait(person, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend([Reply(status=429), Reply(status=429)])
    heard = await person("Sam").says("Hey Minato, what should I cook tonight?")
    assert [n.key for n in heard.notices] == ["busy"]
    assert heard.notices[0].retryable


async def test_rate_limit_then_success_is_invisible(person, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend([Reply(status=429), Reply()])
    heard = await person("Sam").says("Hey Minato, what should I cook tonight?")
    assert not heard.notices
    assert heard.text.startswith("Sam, I'm here")


async def test_summarises_old_turns_when_history_outgrows_the_budget(
    fake_openai: FakeOpenAI, provider: ProviderConfig, db
) -> None:
    config = EngineConfig(history_token_budget=250, keep_recent_messages=2)
    llm = make_llm(provider, config)
    engine = Engine(db, llm, config)
    sam = Person(engine, "Sam")
    long = "I want to tell you about my garden, where tomatoes and basil grow next to the old fence. " * 6
    await sam.says(long)
    assert all(r["model"] != config.models.fast for r in fake_openai.requests), "under budget: no summary"
    fake_openai.script.extend([Reply(), Reply(text="Sam grows tomatoes and basil in a garden.")])
    await sam.says(long)
    await engine.chores.idle()  # the fold is also read for lasting facts (tests/test_learned_facts.py)
    (summary_request,) = [r for r in fake_openai.requests if r["model"] == config.models.fast]
    assert "tomatoes" in summary_request["input"][0]["content"]

    await sam.says("What do you remember about my garden?")
    body = fake_openai.last
    assert "Summary of the earlier conversation: Sam grows tomatoes and basil" in body["instructions"]
    assert len(body["input"]) == 3, "two recent messages stay verbatim, plus the new one"
    await engine.close()
    await llm.close()


async def test_images_are_sent_for_analysis(person, fake_openai: FakeOpenAI) -> None:
    await person("Amélie").says("Regarde mon chat !", images=(Image(PNG_1PX, "image/png"),))
    content = fake_openai.last["input"][-1]["content"]
    assert content[0] == {"type": "input_text", "text": "Regarde mon chat !"}
    assert content[1]["type"] == "input_image"
    assert content[1]["image_url"].startswith("data:image/png;base64,iVBOR")


async def test_empty_message_gets_a_clear_answer_and_no_model_call(person, fake_openai: FakeOpenAI) -> None:
    heard = await person("Sam").says("   ")
    assert [n.key for n in heard.notices] == ["empty_message"]
    assert not fake_openai.requests


async def test_very_long_text_is_kept_whole_but_truncated_for_the_model(
    fake_openai: FakeOpenAI, provider: ProviderConfig, db
) -> None:
    config = replace(EngineConfig(), max_input_chars=1000)
    llm = make_llm(provider, config)
    engine = Engine(db, llm, config)
    text = "Ceci est une très longue histoire sur ma famille et mes vacances. " * 40
    heard = await Person(engine, "Amélie").says(text)
    await llm.close()
    assert [n.key for n in heard.notices] == ["text_truncated"]
    assert "1000" in heard.notices[0].text and "premiers caractères" in heard.notices[0].text
    assert len(fake_openai.last["input"][-1]["content"]) == 1000
    async with db.conn.execute("SELECT content FROM messages WHERE role = 'user'") as cur:
        (stored,) = await cur.fetchone()
    assert stored == text.strip(), "nothing the user sent is lost"
    assert heard.text


async def test_notices_never_leak_internal_errors(person, fake_openai: FakeOpenAI) -> None:
    fake_openai.script.extend([Reply(status=401), Reply(status=401)])
    heard = await person("Sam").says("Hello Minato, are you there today?")
    events = [e for e in heard.events if isinstance(e, Notice | FinalText)]
    assert len(events) == 1
    assert "401" not in events[0].text and "fake" not in events[0].text


async def test_one_users_turns_are_answered_in_order(person, fake_openai: FakeOpenAI) -> None:
    import asyncio

    sam = person("Sam")
    fake_openai.script.extend([Reply(text="First answer, Sam.", delay=0.3), Reply(text="Second answer, Sam.")])
    first, second = await asyncio.gather(
        sam.says("First question, about my garden and the tomatoes."),
        sam.says("Second question, about the basil next to them."),
    )
    assert (first.text, second.text) == ("First answer, Sam.", "Second answer, Sam.")
    second_input = fake_openai.requests[1]["input"]
    assert [item["content"] for item in second_input] == [
        "First question, about my garden and the tomatoes.", "First answer, Sam.",
        "Second question, about the basil next to them.",
    ]


async def test_turns_reuse_one_connection_to_the_provider(person, fake_openai: FakeOpenAI) -> None:
    # Regression: the stream was closed at `response.completed`, before the end of the HTTP body, which threw
    # the connection away: every turn paid a new TCP (and, in production, TLS) handshake before its first token.
    sam = person("Sam")
    for question in ("How are you?", "What's new?", "Tell me a joke."):
        heard = await sam.says(question)
        assert heard.text
    assert len(fake_openai.connections) == 3
    assert len(set(fake_openai.connections)) == 1, "each turn opened a new connection"


async def test_a_stream_left_open_after_its_last_event_still_ends_the_turn(person, fake_openai: FakeOpenAI) -> None:
    # Reading each stream to its end keeps its connection; a server that never ends one must not hold the reply.
    import time

    fake_openai.script.append(Reply(text="Here I am, Sam.", linger=4.0))
    started = time.monotonic()
    heard = await person("Sam").says("Are you there?")
    assert heard.text == "Here I am, Sam." and not heard.notices
    assert time.monotonic() - started < 3.5, "the reply waited for the stream to end"
