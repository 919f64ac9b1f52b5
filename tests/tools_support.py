"""Helpers for the tools tests: an engine with tool settings, a recording delivery port, the webhook fake."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.store import Database
from core.tools.config import ToolsConfig
from tests.conftest import make_llm
from tests.fakes.webhooks import FakeWebhooks


@pytest.fixture
async def webhooks() -> AsyncIterator[FakeWebhooks]:
    fake = FakeWebhooks()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def tool_engine(db: Database, provider: ProviderConfig, engine_config: EngineConfig):  # type: ignore[no-untyped-def]
    """`tool_engine(ToolsConfig(...))` builds an engine with those tool settings (closed after the test)."""
    engines = []

    def make(tools: ToolsConfig | None = None, config: EngineConfig | None = None) -> Engine:
        engine = Engine(db, make_llm(provider, config or engine_config), config or engine_config, tools=tools)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        await engine.close()
        await engine.llm.close()


@dataclass
class RecordingPort:
    """A delivery port like an adapter's, that keeps what it was asked to deliver."""

    delivered: asyncio.Queue[tuple[str, str, str, str, str, bool]] = field(default_factory=asyncio.Queue)
    failures: int = 0  # fail this many deliveries first, like a platform that is briefly down

    async def deliver(
        self, platform: str, chat_id: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("platform briefly unreachable")
        await self.delivered.put((platform, chat_id, user_id, text, language, as_voice))


def tool_outputs(body: dict[str, Any]) -> dict[str, Any]:
    """{tool name: decoded output} from a request that answers the previous round's calls."""
    names = {i["call_id"]: i["name"] for i in body["input"] if i.get("type") == "function_call"}
    return {
        names[i["call_id"]]: json.loads(i["output"]) for i in body["input"] if i.get("type") == "function_call_output"
    }
