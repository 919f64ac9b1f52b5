"""`set_reminder`, `list_reminders`, `cancel_reminder`: the model's side of the reminder store."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from core.store.reminders import Reminders
from core.tools.base import FunctionTool, ToolContext, ToolResult, strict_object
from core.tools.time_tools import user_zone

MAX_AHEAD = 366 * 24 * 3600.0


class ReminderTools:
    def __init__(self, reminders: Reminders, clock: Callable[[], float] = time.time) -> None:
        self._reminders = reminders
        self._clock = clock

    def _due(self, ctx: ToolContext, args: dict[str, Any]) -> float | str:
        """The due time (epoch seconds), or why the arguments do not give one."""
        now = self._clock()
        delay = args.get("in_seconds")
        at = args.get("at")
        if isinstance(delay, int | float) and not isinstance(delay, bool):
            due = now + float(delay)
        elif isinstance(at, str) and at.strip():
            try:
                moment = datetime.fromisoformat(at.strip())
            except ValueError:
                return "`at` must be an ISO 8601 date-time like 2026-11-23T08:30"
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=user_zone(ctx))
            due = moment.timestamp()
        else:
            return "give either `in_seconds` or `at`"
        if due <= now:
            return "that time has already passed"
        if due - now > MAX_AHEAD:
            return "reminders can be at most one year ahead"
        return due

    def _local(self, ctx: ToolContext, due: float) -> str:
        return datetime.fromtimestamp(due, user_zone(ctx)).isoformat(timespec="minutes")

    async def set_reminder(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        text = str(args.get("text", "")).strip()
        if not text:
            return ToolResult.error("the reminder needs a text")
        due = self._due(ctx, args)
        if isinstance(due, str):
            return ToolResult.error(due)
        reminder = await self._reminders.add(
            ctx.platform, ctx.chat_id, ctx.user_id, text, due, chat_kind=ctx.chat_kind.value
        )
        if reminder is None:
            return ToolResult.error("the user has too many pending reminders; ask them to cancel some")
        return ToolResult.of({"reminder_id": reminder.id, "text": reminder.text, "due_local": self._local(ctx, due)})

    async def list_reminders(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        pending = await self._reminders.pending(ctx.platform, ctx.user_id)
        return ToolResult.of({"reminders": [
            {"reminder_id": r.id, "text": r.text, "due_local": self._local(ctx, r.due_at)} for r in pending
        ]})

    async def cancel_reminder(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        reminder_id = args.get("reminder_id")
        if not isinstance(reminder_id, int) or not await self._reminders.cancel(ctx.platform, ctx.user_id,
                                                                                reminder_id):
            return ToolResult.error("no pending reminder with that id; list_reminders shows them")
        return ToolResult.of({"cancelled": reminder_id})

    def tools(self) -> list[FunctionTool]:
        return [
            FunctionTool(
                "set_reminder",
                "Remind the user of something later: they get a message at that time. Give exactly one of "
                "`in_seconds` (relative) or `at` (local date-time in the user's timezone); the other is null. "
                "Write `text` in the user's language.",
                strict_object({
                    "text": {"type": "string", "description": "what to remind them of"},
                    "in_seconds": {"type": ["integer", "null"], "description": "delay from now, in seconds"},
                    "at": {"type": ["string", "null"], "description": "ISO 8601 local date-time"},
                }),
                self.set_reminder,
            ),
            FunctionTool("list_reminders", "The user's pending reminders.", strict_object({}), self.list_reminders),
            FunctionTool(
                "cancel_reminder",
                "Cancel one of the user's pending reminders.",
                strict_object({"reminder_id": {"type": "integer"}}),
                self.cancel_reminder,
            ),
        ]
