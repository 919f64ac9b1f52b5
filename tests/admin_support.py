"""Helpers for the admin tests: an engine with a configured gate, and an in-memory broadcast outbox.

The outbox is a fake of our own `Delivery` port (the one narrow seam adapters implement), not of any library.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

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
