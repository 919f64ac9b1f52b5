"""Helpers for the admin tests: an engine with a configured gate, and an in-memory broadcast outbox.

The outbox is a fake of our own `Delivery` port (the one narrow seam adapters implement), not of any library.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest

from bots.logs import setup_logging
from core.admin.broadcast import Outcome
from core.admin.config import AdminConfig, SafetyConfig
from core.admin.gate import Gate
from core.admin.keys import KeyVault
from core.admin.service import Admin, Caller
from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.store import Database
from tests.conftest import make_llm

ADMIN_ID = "1000"
ADMINS = AdminConfig(admins={"terminal": frozenset({ADMIN_ID})}, broadcast_rates={"terminal": 100.0})
SECRET = "test-secret-please-change-0123456789"


def build(db: Database, provider: ProviderConfig, safety: SafetyConfig | None = None, *,
          admins: AdminConfig = ADMINS, secret: str | None = None, **gate: object) -> Engine:
    config = EngineConfig()
    return Engine(db, make_llm(provider, config), config,
                  gate=Gate(db, safety, admins=admins, vault=KeyVault(db, secret), **gate))  # type: ignore[arg-type]


def caller(user_id: str = ADMIN_ID, language: str | None = "en", **kwargs: object) -> Caller:
    kwargs.setdefault("chat_id", user_id)
    return Caller("terminal", user_id, language=language, **kwargs)  # type: ignore[arg-type]


async def admin_of(engine: Engine, admins: AdminConfig = ADMINS) -> Admin:
    return Admin(engine, admins)


@dataclass
class Outbox:
    """Records every send with its time; can hang on the n-th send to simulate a crash mid-delivery."""

    hang_at: int | None = None
    sent: list[tuple[str, str, float]] = field(default_factory=list)
    reports: list[str] = field(default_factory=list)
    unreachable: set[str] = field(default_factory=set)
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    hung: asyncio.Event = field(default_factory=asyncio.Event)

    async def to_user(self, user_id: str, text: str) -> Outcome:
        self.sent.append((user_id, text, time.monotonic()))
        if self.hang_at is not None and len(self.sent) == self.hang_at:
            self.hung.set()
            await asyncio.Event().wait()  # the process dies while this send is in flight
        return Outcome.FAILED if user_id in self.unreachable else Outcome.DELIVERED

    async def to_chat(self, chat_id: str, text: str) -> None:
        self.reports.append(text)
        if "finished" in text or "terminée" in text:
            self.finished.set()


@contextmanager
def production_logs(caplog: pytest.LogCaptureFixture, secrets: Iterable[str], *, raw: bool) -> Iterator[None]:
    """The production logging setup (bots/logs.py) at DEBUG, HTTP clients included, with caplog attached.

    `raw`: caplog sees records before the production handler's redaction (proving our code never logs a
    secret at all); otherwise after it (what the operator would read).
    """
    # Earlier tests' abandoned HTTP streams are finalized now, not in the middle of a DEBUG log call
    # (where their finalizers' own logging trips pytest's unraisable-exception check).
    gc.collect()
    root = logging.getLogger()
    chatty = [logging.getLogger(n) for n in ("openai", "aiosqlite", "httpx", "httpx2", "httpcore", "httpcore2")]
    saved = (root.handlers[:], root.level, [logger.level for logger in chatty])
    caplog.set_level(logging.DEBUG)  # first, so caplog restores the level from before the test
    setup_logging("DEBUG", secrets)
    if raw:
        root.handlers.insert(0, caplog.handler)
    else:
        root.handlers.append(caplog.handler)
    for logger in chatty[:2]:
        logger.setLevel(logging.DEBUG)
    # The HTTP transport logs URLs (INFO) and connection traces without headers or bodies (DEBUG); its traces
    # also fire from stream finalizers, which pytest reports as unraisable errors.
    for logger in chatty[2:]:
        logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        for logger, level in zip(chatty, saved[2], strict=True):
            logger.setLevel(level)
