"""`remember` and `forget_fact`: long-term facts the user wants Minato to keep across conversations."""

from __future__ import annotations

from typing import Any

from core.store.facts import Facts
from core.tools.base import FunctionTool, ToolContext, ToolResult, strict_object


def fact_line(fact_id: int, text: str) -> str:
    """How a fact appears in the instructions: the id lets the model forget exactly that one."""
    return f"{text} (fact #{fact_id})"


class MemoryTools:
    def __init__(self, facts: Facts) -> None:
        self._facts = facts

    async def remember(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        text = str(args.get("fact", "")).strip()
        if not text:
            return ToolResult.error("the fact is empty")
        fact = await self._facts.add(ctx.platform, ctx.user_id, text)
        if fact is None:
            return ToolResult.error("memory is full; ask the user which fact to forget first")
        return ToolResult.of({"remembered": fact.text, "fact_id": fact.id})

    async def forget_fact(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        fact_id = args.get("fact_id")
        if not isinstance(fact_id, int) or not await self._facts.remove(ctx.platform, ctx.user_id, fact_id):
            return ToolResult.error("no such fact")
        return ToolResult.of({"forgotten": fact_id})

    def tools(self) -> list[FunctionTool]:
        return [
            FunctionTool(
                "remember",
                "Keep a lasting fact about the user (people, preferences, important dates) when they share "
                "one or ask you to remember it. One short sentence, in the user's language.",
                strict_object({"fact": {"type": "string"}}),
                self.remember,
            ),
            FunctionTool(
                "forget_fact",
                "Forget one remembered fact, by the number shown after it as (fact #N).",
                strict_object({"fact_id": {"type": "integer"}}),
                self.forget_fact,
            ),
        ]
