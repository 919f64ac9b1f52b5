"""The benchmark world: the real bot (PTB Application + adapter + engine) over the fakes, with every moment timed.

The fakes come from tests/ unchanged; two thin subclasses add the timestamps the benchmarks need:
- `TimedTelegram` notes when `getUpdates` hands each update out (the start of every measured turn);
  every Bot API call is already recorded with its arrival time.
- `TimedOpenAI` notes each provider request's span: request received → response finished (for a stream,
  the last byte written). Provider time on a turn's critical path is read from these spans.

The store is a real SQLite file in a temporary directory, as in production.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bots.cli import freeze_startup_objects
from core.config import EngineConfig, Models, ProviderConfig
from core.engine import Engine
from core.llm import LLM, cache_key_for
from core.store import open_database
from tests.fakes.openai_server import FakeOpenAI, Latency
from tests.fakes.telegram_server import FakeTelegram, FloodLimits
from tests.telegram_chat import TelegramChat

KEY = "sk-bench-0123456789abcdef"
# Telegram's own default: one draft/edit per second (TELEGRAM_STREAM_INTERVAL).
STREAM_INTERVAL = 1.0
REALISTIC = Latency(first_token=0.4, tokens_per_second=60.0, stt=0.6, tts_per_sentence=0.5)  # issue 8's model
ZERO = Latency()


@dataclass(frozen=True, slots=True)
class Span:
    kind: str  # llm | stt | tts
    start: float
    end: float
    key: str = ""  # the request's prompt_cache_key (one per user) for llm spans

    @property
    def seconds(self) -> float:
        return self.end - self.start


class TimedOpenAI(FakeOpenAI):
    def __init__(self, latency: Latency | None = None) -> None:
        super().__init__(latency)
        self.spans: list[Span] = []
        self._by_key: dict[str, list[Span]] = {}

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        start = time.monotonic()
        body = await request.json()  # aiohttp keeps the body: the fake reads it again
        try:
            return await super()._responses(request)
        finally:
            span = Span("llm", start, time.monotonic(), body.get("prompt_cache_key") or "")
            self.spans.append(span)
            self._by_key.setdefault(span.key, []).append(span)

    async def _transcriptions(self, request: web.Request) -> web.Response:
        start = time.monotonic()
        try:
            return await super()._transcriptions(request)
        finally:
            self.spans.append(Span("stt", start, time.monotonic()))

    async def _speech(self, request: web.Request) -> web.Response:
        start = time.monotonic()
        try:
            return await super()._speech(request)
        finally:
            self.spans.append(Span("tts", start, time.monotonic()))

    def llm_span(self, user_id: int, after: float) -> Span | None:
        """The first chat request for this Telegram user that started after `after`."""
        found = [s for s in self._by_key.get(cache_key_for("telegram", str(user_id)), []) if s.start >= after]
        return min(found, key=lambda s: s.start) if found else None


class TimedTelegram(FakeTelegram):
    def __init__(self, *, limits: FloodLimits | None = None) -> None:
        super().__init__(limits=limits)
        self.handed_out: dict[int, float] = {}
        self._replied: dict[int, asyncio.Event] = {}

    def expect_reply(self, chat_id: int) -> asyncio.Event:
        """An event set by the next message the bot sends to this chat."""
        event = self._replied[chat_id] = asyncio.Event()
        return event

    async def _m_sendMessage(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        result = await super()._m_sendMessage(p, f)
        event = self._replied.pop(int(p["chat_id"]), None)
        if event is not None:
            event.set()
        return result

    async def _m_getUpdates(self, p: dict[str, Any], f: dict[str, bytes]) -> Any:
        updates = await super()._m_getUpdates(p, f)
        now = time.monotonic()
        for update in updates:
            self.handed_out.setdefault(update["update_id"], now)
        return updates


@dataclass
class World:
    openai: TimedOpenAI
    telegram: TimedTelegram
    engine: Engine
    chat: TelegramChat
    extras: dict[str, Any] = field(default_factory=dict)

    async def bot_round_trip(self, samples: int = 30) -> float:
        """Median time of one Bot API call through PTB's Bot on this fake (sendChatAction: no flood pacing)."""
        assert self.chat.app is not None
        bot = self.chat.app.bot
        times: list[float] = []
        for _ in range(samples):
            start = time.perf_counter()
            await bot.send_chat_action(1, "typing")
            times.append(time.perf_counter() - start)
        self.telegram.calls = [c for c in self.telegram.calls if c.chat_id != 1]
        return sorted(times)[len(times) // 2]


def engine_config() -> EngineConfig:
    return EngineConfig(models=Models())


@asynccontextmanager
async def world(
    latency: Latency,
    *,
    limits: FloodLimits | None = None,
    replier: Callable[[dict[str, Any]], str] | None = None,
    keep_requests: bool = True,
) -> AsyncIterator[World]:
    """Fakes started, the real bot polling them, at Telegram's default stream interval.

    `keep_requests=False`: the fake OpenAI server keeps no request bodies (the scale run's 5,000 would
    otherwise weigh on the process's memory and garbage collections as if they were the bot's).
    """
    with tempfile.TemporaryDirectory(prefix="minato-bench-") as tmp:
        openai = TimedOpenAI(latency)
        openai.keep_requests = keep_requests
        if replier is not None:
            openai.replier = replier
        telegram = TimedTelegram(limits=limits)
        await openai.start()
        await telegram.start()
        db = await open_database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        config = engine_config()
        provider = ProviderConfig(api_key=KEY, base_url=openai.base_url, timeout=120, max_retries=0)
        llm = LLM(provider, config.models, temperature=config.temperature,
                  reasoning_effort=config.reasoning_effort, max_output_tokens=config.max_output_tokens)
        engine = Engine(db, llm, config)
        chat = TelegramChat(telegram, engine, stream_interval=STREAM_INTERVAL)
        try:
            await chat.start()
            freeze_startup_objects()  # as `minato run` does once the bot is up
            yield World(openai, telegram, engine, chat)
        finally:
            await chat.stop()
            await engine.close()
            await llm.close()
            await db.close()
            await telegram.close()
            await openai.close()
