"""`current_time` in the user's timezone, and `set_timezone` when they tell Minato where they are."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.store.users import Users
from core.tools.base import FunctionTool, ToolContext, ToolResult, strict_object


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA zone called `name`, or None when it is unknown (or a path-like trick)."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def user_zone(ctx: ToolContext) -> ZoneInfo:
    return zone(ctx.timezone) or ZoneInfo("UTC")


class TimeTools:
    def __init__(self, users: Users, clock: Callable[[], float] = time.time) -> None:
        self._users = users
        self._clock = clock

    async def current_time(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        now = datetime.fromtimestamp(self._clock(), user_zone(ctx))
        answer: dict[str, Any] = {
            "local_time": now.isoformat(timespec="minutes"),
            "weekday": now.strftime("%A"),
            "timezone": now.tzinfo.key if isinstance(now.tzinfo, ZoneInfo) else "UTC",
        }
        if zone(ctx.timezone) is None:
            answer["note"] = "The user's timezone is unknown, this is UTC; ask where they are if it matters."
        return ToolResult.of(answer)

    async def set_timezone(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        name = str(args.get("timezone", "")).strip()
        if zone(name) is None:
            return ToolResult.error(f"unknown IANA timezone {name!r}; use a name like Europe/Paris")
        await self._users.update(ctx.platform, ctx.user_id, timezone=name)
        return ToolResult.of({"timezone": name, "saved": True})

    def tools(self) -> list[FunctionTool]:
        return [
            FunctionTool(
                "current_time",
                "The current date and time in the user's timezone.",
                strict_object({}),
                self.current_time,
            ),
            FunctionTool(
                "set_timezone",
                "Save the user's timezone when they say where they live or which timezone they are in.",
                strict_object({"timezone": {"type": "string", "description": "IANA name, e.g. Europe/Paris"}}),
                self.set_timezone,
            ),
        ]
