"""The function-calling loop end to end: real openai SDK → fake OpenAI, tools → fake n8n webhooks."""

from __future__ import annotations

import asyncio
from typing import Any

from core.tools.config import ToolsConfig, Workflow
from core.tools.n8n import strictify
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.webhooks import FakeWebhooks
from tests.tools_support import tool_engine, tool_outputs, webhooks

__all__ = ["tool_engine", "webhooks"]  # fixtures


def _workflow(name: str, url: str, properties: dict[str, Any], timeout: float = 5.0) -> Workflow:
    schema = strictify({"type": "object", "properties": properties})
    return Workflow(name, f"The {name} workflow.", schema, url, timeout)


async def test_two_tools_called_in_one_turn_run_concurrently_and_answer_by_call_id(
    tool_engine, fake_openai: FakeOpenAI, webhooks: FakeWebhooks
) -> None:
    both_running = asyncio.Barrier(2)

    async def weather(body: dict[str, Any]) -> tuple[int, Any]:
        # Only passes if the other tool is running at the same time; run one after the other, it times out.
        async with asyncio.timeout(2):
            await both_running.wait()
        return 200, {"city": body["city"], "sky": "sunny", "celsius": 14}

    async def agenda(body: dict[str, Any]) -> tuple[int, Any]:
        async with asyncio.timeout(2):
            await both_running.wait()
        return 200, {"day": body["day"], "events": ["dentist at 15:00"]}

    engine = tool_engine(ToolsConfig(workflows=(
        _workflow("weather", webhooks.on("/webhook/weather", weather), {"city": {"type": "string"}}),
        _workflow("agenda", webhooks.on("/webhook/agenda", agenda), {"day": {"type": "string"}}),
    )))
    fake_openai.script += [
        Reply(function_calls=[("weather", {"city": "Lyon"}), ("agenda", {"day": "today"})]),
        Reply(text="Grand soleil à Lyon, et n'oublie pas le dentiste à 15 h !"),
    ]
    heard = await Person(engine, "Amélie").says("Quel temps fait-il à Lyon et qu'est-ce que j'ai aujourd'hui ?")

    assert heard.text == "Grand soleil à Lyon, et n'oublie pas le dentiste à 15 h !"
    assert heard.streamed == heard.text
    first, second = fake_openai.requests
    assert tool_outputs(second) == {
        "weather": {"city": "Lyon", "sky": "sunny", "celsius": 14},
        "agenda": {"day": "today", "events": ["dentist at 15:00"]},
    }
    assert webhooks.received["/webhook/weather"] == [{"city": "Lyon"}]
    assert webhooks.received["/webhook/agenda"] == [{"day": "today"}]
    # The follow-up repeats the conversation and the same instructions and tools, so the cache prefix holds.
    assert second["input"][: len(first["input"])] == first["input"]
    assert (second["instructions"], second["tools"]) == (first["instructions"], first["tools"])
    assert second["store"] is False


async def test_tool_list_is_strict_and_in_a_fixed_order(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(ToolsConfig(workflows=(
        _workflow("lights", "http://127.0.0.1:9/webhook/lights", {"room": {"type": ["string", "null"]}}),
    )))
    await Person(engine, "Sam").says("Hello!")
    await Person(engine, "Bob").says("Hi there")
    first, second = fake_openai.requests
    names = [tool["name"] for tool in first["tools"]]
    assert names == ["current_time", "set_timezone", "set_reminder", "list_reminders", "cancel_reminder",
                     "remember", "forget_fact", "lights"]
    assert first["tools"] == second["tools"]
    for tool in first["tools"]:
        assert tool["strict"] is True
        assert tool["parameters"]["additionalProperties"] is False
        assert tool["parameters"]["required"] == list(tool["parameters"]["properties"])


async def test_failing_and_timing_out_tools_still_get_an_answer(
    tool_engine, fake_openai: FakeOpenAI, webhooks: FakeWebhooks
) -> None:
    release = asyncio.Event()

    async def broken(body: dict[str, Any]) -> tuple[int, Any]:
        return 500, {"message": "Workflow could not be started"}

    async def stuck(body: dict[str, Any]) -> tuple[int, Any]:
        await release.wait()
        return 200, {"late": True}

    engine = tool_engine(ToolsConfig(workflows=(
        _workflow("order_pizza", webhooks.on("/webhook/pizza", broken), {"size": {"type": "string"}}),
        _workflow("book_table", webhooks.on("/webhook/table", stuck), {"people": {"type": "integer"}}, timeout=0.3),
    )))
    fake_openai.script += [
        Reply(function_calls=[("order_pizza", {"size": "large"}), ("book_table", {"people": 2}),
                              ("no_such_tool", {})]),
        Reply(text="Sorry Sam, the pizza service and the booking service are both down right now."),
    ]
    try:
        heard = await Person(engine, "Sam").says("Order a large pizza and book a table for two.")
    finally:
        release.set()

    assert heard.notices == []
    assert heard.text.startswith("Sorry Sam")
    outputs = tool_outputs(fake_openai.last)
    assert outputs["order_pizza"] == {"error": "the order_pizza workflow failed (HTTP 500)"}
    assert outputs["book_table"] == {"error": "book_table did not answer within 0.3 seconds"}
    assert outputs["no_such_tool"] == {"error": "unknown tool 'no_such_tool'"}


async def test_a_model_that_keeps_calling_tools_is_made_to_answer(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(ToolsConfig(max_rounds=2))
    fake_openai.script += [
        Reply(function_calls=[("current_time", {})]),
        Reply(text="It's late evening, Sam."),
    ]
    heard = await Person(engine, "Sam").says("What time is it?")
    assert heard.text == "It's late evening, Sam."
    first, last = fake_openai.requests
    assert "tool_choice" not in first
    assert last["tool_choice"] == "none"


async def test_provider_failure_after_a_tool_round_is_a_notice_not_a_crash(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine()
    fake_openai.script += [Reply(function_calls=[("current_time", {})]), Reply(status=500), Reply(status=500)]
    heard = await Person(engine, "Sam").says("What time is it?")
    assert [n.key for n in heard.notices] == ["unavailable"]
    assert heard.text == "", "no reply was made up"


async def test_a_huge_workflow_answer_is_cut_before_it_reaches_the_model(
    tool_engine, fake_openai: FakeOpenAI, webhooks: FakeWebhooks
) -> None:
    async def dump(body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"rows": ["x" * 100] * 1000}

    engine = tool_engine(ToolsConfig(workflows=(_workflow("export", webhooks.on("/webhook/export", dump), {}),)))
    fake_openai.script += [Reply(function_calls=[("export", {})]), Reply(text="That's a lot of rows.")]
    await Person(engine, "Sam").says("Export everything")
    output = tool_outputs(fake_openai.last)["export"]
    assert output["truncated"] is True and len(output["text"]) == 16000
