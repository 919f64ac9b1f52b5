"""Which platforms exist, which have a token, and the coroutine that runs each one.

A runner is `async def run(settings, engine, stop: asyncio.Event) -> None`: it runs until `stop` is set,
then shuts its platform down cleanly. A runner that cannot start raises PlatformStartError saying what to
fix. Runners are imported only when their platform starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from importlib import import_module

from bots.settings import Settings
from core.engine import Engine


class PlatformStartError(RuntimeError):
    """A platform could not start (token refused, permission missing); the message says what to fix."""


Runner = Callable[[Settings, Engine, asyncio.Event], Awaitable[None]]

PLATFORMS = ("telegram", "discord")
_RUNNERS = {"telegram": "bots.telegram_bot", "discord": "bots.discord_bot"}


def with_tokens(settings: Settings, only: str | None = None) -> list[str]:
    tokens = {"telegram": settings.telegram.bot_token, "discord": settings.discord.bot_token}
    return [name for name in PLATFORMS if (only in (None, name)) and tokens[name] is not None]


def runner(name: str) -> Runner:
    module = import_module(_RUNNERS[name])
    run: Runner = module.run
    return run
