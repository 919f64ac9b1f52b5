"""What a tool is, what it receives, what it returns, and how a round of calls runs concurrently."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.llm import FunctionCall
from core.turn import ChatKind

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ToolContext:
    """Who the tools act for in this turn: tools never see another user's data."""

    platform: str
    chat_id: str
    user_id: str
    language: str
    timezone: str | None = None
    chat_kind: ChatKind = ChatKind.PRIVATE  # where the turn happened: a reminder set in a group is said there


@dataclass(frozen=True, slots=True)
class Source:
    """A web page a reply drew on, shown to the user as a Markdown link."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What goes back to the model (`output`, JSON text) and what the user should see cited."""

    output: str
    sources: tuple[Source, ...] = ()

    @classmethod
    def of(cls, value: object, sources: Sequence[Source] = ()) -> ToolResult:
        return cls(json.dumps(value, ensure_ascii=False), tuple(sources))

    @classmethod
    def error(cls, message: str) -> ToolResult:
        """A failure the model can explain to the user; never an exception that breaks the turn."""
        return cls.of({"error": message})


Handler = Callable[[ToolContext, dict[str, Any]], Awaitable[ToolResult]]


@dataclass(frozen=True, slots=True)
class FunctionTool:
    name: str
    description: str
    parameters: dict[str, Any]
    handler: Handler = field(repr=False)
    timeout: float | None = None  # None: the toolbox's default

    def schema(self) -> dict[str, Any]:
        return {
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "strict": True,
        }


def strict_object(properties: dict[str, Any]) -> dict[str, Any]:
    """A strict-mode object schema: every property required, nothing else allowed."""
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


@dataclass(frozen=True, slots=True)
class Outcome:
    call: FunctionCall
    result: ToolResult

    def input_item(self) -> dict[str, Any]:
        return {"type": "function_call_output", "call_id": self.call.call_id, "output": self.result.output}


class Toolbox:
    """The tools offered to the model, in a fixed order (the list is part of the cached prompt prefix)."""

    def __init__(
        self, functions: Sequence[FunctionTool], *, builtins: Sequence[dict[str, Any]] = (), timeout: float = 20.0
    ) -> None:
        self.functions = {tool.name: tool for tool in functions}
        self.builtins = tuple(builtins)
        self.timeout = timeout

    def schemas(self) -> list[dict[str, Any]]:
        return [*self.builtins, *(tool.schema() for tool in self.functions.values())]

    async def run(self, calls: Sequence[FunctionCall], ctx: ToolContext) -> list[Outcome]:
        """Run every call of one model round at the same time; each gets a result, failures included."""
        results = await asyncio.gather(*(self._run_one(call, ctx) for call in calls))
        return [Outcome(call, result) for call, result in zip(calls, results, strict=True)]

    async def _run_one(self, call: FunctionCall, ctx: ToolContext) -> ToolResult:
        tool = self.functions.get(call.name)
        if tool is None:
            return ToolResult.error(f"unknown tool {call.name!r}")
        try:
            args = json.loads(call.arguments or "{}")
        except json.JSONDecodeError:
            return ToolResult.error("arguments were not valid JSON")
        if not isinstance(args, dict):
            return ToolResult.error("arguments must be a JSON object")
        timeout = tool.timeout or self.timeout
        try:
            async with asyncio.timeout(timeout):
                return await tool.handler(ctx, args)
        except TimeoutError:
            log.warning("tool %s timed out after %.1fs", call.name, timeout)
            return ToolResult.error(f"{call.name} did not answer within {timeout:g} seconds")
        except Exception:
            # A tool bug must not end the user's turn: the model is told and can apologise.
            log.exception("tool %s failed", call.name)
            return ToolResult.error(f"{call.name} failed unexpectedly")
