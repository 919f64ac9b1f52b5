"""Facts learned from summarised turns: the structured model reads each fold, the facts outlive the summary."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from core.config import EngineConfig, Models, ProviderConfig
from core.engine import Engine
from core.extraction import LEARNED_LIMIT
from core.store import Database
from core.store.conversations import Scope
from core.store.facts import MAX_FACTS
from tests.conftest import make_llm
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_chat import TelegramChat
from tests.tools_support import tool_engine

__all__ = ["tool_engine"]  # fixture

MODELS = Models()
# Small enough that the second long message folds the first exchange into the summary.
FOLDING = EngineConfig(history_token_budget=250, keep_recent_messages=2)
AMELIE = Scope("terminal", "u-Amélie", "u-Amélie")
FIRST = ("Il faut que je te raconte : ma sœur Inès vient d'avoir un bébé, une petite fille qui s'appelle Lou, "
         "et je suis tellement fière d'être tata. ") * 4
SECOND = ("Et lundi je commence mon nouveau travail d'infirmière à l'hôpital de Lyon, "
          "j'ai un peu le trac mais je suis contente. ") * 4
SUMMARY = "Amélie est devenue tata : sa sœur Inès a eu une petite Lou. Amélie commence un travail à Lyon."
LEARNED = ["La sœur d'Amélie s'appelle Inès", "La nièce d'Amélie s'appelle Lou",
           "Amélie est infirmière à l'hôpital de Lyon"]


def _summary() -> Reply:
    return Reply(model=MODELS.fast, text=SUMMARY)


def _facts(*facts: str, delay: float = 0.0) -> Reply:
    return Reply(model=MODELS.structured, text=json.dumps({"facts": list(facts)}), delay=delay)


def _extractions(fake: FakeOpenAI) -> list[dict]:
    return [body for body in fake.requests if body["model"] == MODELS.structured]


async def _fold(engine: Engine, amelie: Person, fake: FakeOpenAI, *extraction: Reply) -> None:
    """Two long messages: the second reply is followed by a summary of the first exchange, and its extraction."""
    await amelie.says(FIRST)
    assert not _extractions(fake), "nothing folded yet, nothing to learn"
    fake.script += [_summary(), *extraction]
    heard = await amelie.says(SECOND)
    assert heard.text and not heard.notices


async def _texts(engine: Engine) -> list[str]:
    return [fact.text for fact in await engine.facts.all("terminal", "u-Amélie")]


async def test_facts_shared_in_summarised_turns_are_kept_shown_by_memory_and_used_later(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine(config=FOLDING)
    amelie = Person(engine, "Amélie")
    fake_openai.script += [Reply(function_calls=[("remember", {"fact": "Amélie adore le jazz"})]),
                           Reply(text="C'est noté !")]
    await amelie.says("Retiens que j'adore le jazz.")
    await _fold(engine, amelie, fake_openai, _facts("amélie adore le jazz.", *LEARNED))
    await engine.chores.idle()

    (extraction,) = _extractions(fake_openai)
    assert "temperature" not in extraction and "top_p" not in extraction
    assert extraction["reasoning"] == {"effort": "low"}
    assert extraction["text"]["format"]["type"] == "json_schema"
    assert extraction["text"]["format"]["strict"] is True
    assert extraction["text"]["format"]["schema"]["required"] == ["facts"]
    assert "in French about Amélie" in extraction["instructions"]
    read = extraction["input"][0]["content"]
    assert read.startswith("Known facts:\n- Amélie adore le jazz\n"), "so it does not learn them again"
    assert "Amélie: Il faut que je te raconte : ma sœur Inès" in read, "it reads the turns being folded away"
    assert SECOND not in read, "the recent turns stay verbatim; they are not folded yet"

    assert await _texts(engine) == ["Amélie adore le jazz", *LEARNED], "the jazz fact is kept once"
    user = await engine.account.user("terminal", "u-Amélie", "Amélie", None)
    memory = await engine.account.memory(user, "u-Amélie")
    assert "\n".join(f"- {fact}" for fact in ["Amélie adore le jazz", *LEARNED]) in memory

    await engine.account.reset(user, "u-Amélie")  # a new conversation: the summary is gone, the facts are not
    await amelie.says("Tu te souviens de ma famille ?")
    instructions = fake_openai.last["instructions"]
    assert "Summary of the earlier conversation" not in instructions
    ids = {fact.text: fact.id for fact in await engine.facts.all("terminal", "u-Amélie")}
    for fact in LEARNED:
        assert f"- {fact} (fact #{ids[fact]})" in instructions

    async with engine.db.conn.execute("SELECT role, model, output_tokens FROM usage WHERE role = 'structured'") as cur:
        (role, model, output_tokens), = await cur.fetchall()
    assert (role, model) == ("structured", MODELS.structured) and output_tokens > 0, "counted like other calls"


@pytest.mark.parametrize("extraction", [
    pytest.param([Reply(model=MODELS.structured, text="Inès est la sœur d'Amélie.")], id="not-json"),
    pytest.param([Reply(model=MODELS.structured, text='{"facts": "Inès"}')], id="wrong-shape"),
    pytest.param([Reply(model=MODELS.structured, text='{"facts": ["La sœur', incomplete="max_output_tokens")],
                 id="cut-short"),
    pytest.param([Reply(model=MODELS.structured, status=500)] * 2, id="provider-error"),
])
async def test_a_failed_extraction_learns_nothing_and_the_conversation_goes_on(
    tool_engine, fake_openai: FakeOpenAI, extraction: list[Reply]
) -> None:
    engine = tool_engine(config=FOLDING)
    amelie = Person(engine, "Amélie")
    await _fold(engine, amelie, fake_openai, *extraction)
    await engine.chores.idle()
    assert len(_extractions(fake_openai)) == len(extraction), "the extraction was tried"
    assert await _texts(engine) == []

    heard = await amelie.says("Merci de m'avoir écoutée !")
    assert heard.text.startswith("Amélie, je suis là") and not heard.notices
    assert f"Summary of the earlier conversation: {SUMMARY}" in fake_openai.last["instructions"], "summary kept"


async def test_the_next_message_is_answered_while_facts_are_still_being_learned(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine(config=FOLDING)
    amelie = Person(engine, "Amélie")
    await _fold(engine, amelie, fake_openai, _facts(*LEARNED, delay=1.0))
    heard = await amelie.says("Tu es toujours là ?")
    assert heard.text.startswith("Amélie, je suis là")
    assert await _texts(engine) == [], "answered before the slow structured model was done"
    await engine.chores.idle()
    assert await _texts(engine) == LEARNED


async def test_forgetting_everything_while_facts_are_being_learned_keeps_none_of_them(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine(config=FOLDING)
    amelie = Person(engine, "Amélie")
    await _fold(engine, amelie, fake_openai, _facts(*LEARNED, delay=0.5))
    await engine.account.forget(await engine.account.user("terminal", "u-Amélie", "Amélie", None))
    await engine.chores.idle()
    assert _extractions(fake_openai), "the extraction did answer"
    assert await _texts(engine) == [], "/forget wins over an extraction still in flight"


async def test_learned_facts_leave_room_for_ones_the_user_asks_to_remember(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine(config=FOLDING)
    amelie = Person(engine, "Amélie")
    for n in range(LEARNED_LIMIT - 2):
        await engine.facts.add("terminal", "u-Amélie", f"Fait numéro {n}")
    await _fold(engine, amelie, fake_openai, _facts(*LEARNED))
    await engine.chores.idle()
    assert "At most 2 facts" in _extractions(fake_openai)[0]["instructions"]
    assert len(await _texts(engine)) == LEARNED_LIMIT < MAX_FACTS

    fake_openai.script += [Reply(function_calls=[("remember", {"fact": "Amélie joue du violon"})]),
                           Reply(text="Noté !")]
    await amelie.says("Retiens que je joue du violon.")
    assert (await _texts(engine))[-1] == "Amélie joue du violon"


async def test_learning_facts_can_be_turned_off(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(config=replace(FOLDING, learn_facts=False))
    amelie = Person(engine, "Amélie")
    await _fold(engine, amelie, fake_openai)
    await engine.chores.idle()
    assert _extractions(fake_openai) == []
    assert await engine.conversations.summary(await engine.conversations.current(AMELIE)) == SUMMARY


async def test_shutting_down_does_not_wait_long_for_facts_being_learned(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine(config=FOLDING)
    amelie = Person(engine, "Amélie")
    await _fold(engine, amelie, fake_openai, _facts(*LEARNED, delay=1.0))
    await engine.chores.close(timeout=0.1)  # the stop signal came while the structured model was still thinking
    await engine.chores.idle()  # nothing left running
    assert await _texts(engine) == []
    assert await engine.conversations.summary(await engine.conversations.current(AMELIE)) == SUMMARY


async def test_learned_facts_show_in_memory_on_telegram(
    fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, provider: ProviderConfig, db: Database
) -> None:
    llm = make_llm(provider, FOLDING)
    engine = Engine(db, llm, FOLDING)
    chat = TelegramChat(fake_telegram, engine)
    await chat.start()
    try:
        amelie = chat.user("Amélie")
        await amelie.says(FIRST)
        fake_openai.script += [_summary(), _facts(*LEARNED)]
        await amelie.says(SECOND)
        await engine.chores.idle()
        heard = await amelie.says("/memory")
    finally:
        await chat.stop()
        await engine.close()
        await llm.close()
    assert "\n".join(f"- {fact}" for fact in LEARNED) in heard.text
