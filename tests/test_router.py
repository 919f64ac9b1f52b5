"""Model routing: which model answers which turn, and what it costs in the usage log."""

from __future__ import annotations

import json

from core.config import EngineConfig, Models, Role
from core.router import heuristic
from core.tools.config import ToolsConfig
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.tools_support import tool_engine, tool_outputs

__all__ = ["tool_engine"]  # fixture

MODELS = Models()


async def _usage(engine) -> list[tuple[str, str]]:
    async with engine.db.conn.execute("SELECT role, model FROM usage ORDER BY id") as cur:
        return [(row[0], row[1]) for row in await cur.fetchall()]


async def test_a_plain_greeting_goes_to_the_chat_model(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    await Person(engine, "Sam").says("Hi Minato! How are you?")
    assert len(fake_openai.requests) == 1, "no classification call for an obvious greeting"
    assert fake_openai.last["model"] == MODELS.chat
    assert fake_openai.last["temperature"] == EngineConfig().temperature
    assert await _usage(engine) == [("chat", MODELS.chat)]


async def test_a_planning_request_goes_to_the_reasoning_model_without_temperature(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine(ToolsConfig())
    fake_openai.script += [
        Reply(reasoning="encrypted-thoughts-1", function_calls=[("current_time", {}), ("list_reminders", {})]),
        Reply(text="Here's your week, Sam: Monday groceries, Tuesday the gym…"),
    ]
    heard = await Person(engine, "Sam").says("Can you plan my week step by step, around my reminders?")

    assert heard.text.startswith("Here's your week")
    first, second = fake_openai.requests
    for body in (first, second):
        assert body["model"] == MODELS.reasoning
        assert "temperature" not in body and "top_p" not in body
        assert body["include"] == ["reasoning.encrypted_content"]
    # Stateless (store=false): the reasoning item goes back with its encrypted content, before the calls.
    echoed = [item for item in second["input"] if item.get("type") == "reasoning"]
    assert echoed and echoed[0]["encrypted_content"] == "encrypted-thoughts-1"
    assert set(tool_outputs(second)) == {"current_time", "list_reminders"}
    assert await _usage(engine) == [("reasoning", MODELS.reasoning)] * 2


async def test_an_unclear_request_is_classified_by_the_fast_model(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    story = ("My neighbour keeps parking in front of my garage and I'm not sure what the rules are here. " * 10)
    fake_openai.script += [Reply(text=json.dumps({"role": "complex"})), Reply(text="That sounds frustrating.")]
    heard = await Person(engine, "Sam").says(story)

    assert heard.text == "That sounds frustrating."
    classify, answer = fake_openai.requests
    assert classify["model"] == MODELS.fast
    assert classify["text"]["format"]["type"] == "json_schema"
    assert classify["text"]["format"]["strict"] is True
    assert answer["model"] == MODELS.complex
    assert await _usage(engine) == [("fast", MODELS.fast), ("complex", MODELS.complex)]


async def test_a_classifier_that_talks_nonsense_falls_back_to_chat(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    story = "Today was a strange day, with lots of small things going on and none of them important. " * 10
    fake_openai.script += [Reply(text="I think it's chat maybe?"), Reply(text="Tell me more!")]
    heard = await Person(engine, "Sam").says(story)
    assert heard.text == "Tell me more!"
    assert fake_openai.last["model"] == MODELS.chat


def test_heuristics_in_several_languages() -> None:
    def role(text: str, images: bool = False) -> Role | None:
        decided = heuristic(text, images=images)
        return decided.role if decided else None

    assert role("Salut Minato !") is Role.CHAT
    assert role("こんにちは") is Role.CHAT
    assert role("Peux-tu planifier mon voyage à Kyoto étape par étape ?") is Role.REASONING
    assert role("旅行の計画を立てて") is Role.REASONING
    assert role("Спланируй мой день, пожалуйста") is Role.REASONING
    assert role("Can you debug this?\n```py\nprint(1/0)\n```") is Role.COMPLEX
    assert role("Plan my trip, look at this photo", images=True) is Role.CHAT
    assert role("word " * 400) is Role.COMPLEX
    assert role("A story about my day that goes on and on without asking anything. " * 15) is None
