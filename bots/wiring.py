"""The composition root: one place that turns settings into a running engine with its store and provider."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bots.settings import Settings
from core.admin.defaults import restore
from core.admin.gate import Gate
from core.admin.keys import KeyVault
from core.engine import Engine
from core.llm import LLM
from core.providers import require_key
from core.store import open_database
from core.store.events import HandledEvents
from core.tools.scheduler import ReminderScheduler


@asynccontextmanager
async def engine_from(settings: Settings) -> AsyncIterator[Engine]:
    """Open the store, check the provider key (fails fast with a clear message), yield the engine, clean up.

    The reminder scheduler runs as long as the engine does; adapters register their delivery port on
    `engine.deliveries` when they start.
    """
    provider = settings.provider.to_core()
    require_key(provider)  # MissingProviderKey names the variables to set
    config = settings.engine_config()
    db = await open_database(settings.store.database_url)
    await HandledEvents(db).prune()
    llm = LLM(
        provider,
        config.models,
        temperature=config.temperature,
        reasoning_effort=config.reasoning_effort,
        max_output_tokens=config.max_output_tokens,
    )
    gate = Gate(db, settings.safety.to_core(), admins=settings.admin_config(),
                vault=KeyVault(db, settings.safety.secret))
    engine = Engine(db, llm, config, gate=gate, tools=settings.tools.to_core())
    scheduler = ReminderScheduler(engine.reminders, engine.users, engine.deliveries)
    try:
        await restore(engine)  # models (and voice) admins changed before the last restart
        scheduler.start()
        yield engine
    finally:
        await engine.close()
        await scheduler.stop()
        await llm.close()
        await db.close()

