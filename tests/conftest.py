"""Shared fixtures: the offline guard, the fake OpenAI server, a fresh store, and an engine wired to both."""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from core.config import EngineConfig, Models, ProviderConfig
from core.engine import Engine
from core.llm import LLM
from core.store import Database, open_database
from tests.conversation import Person
from tests.discord_world import DiscordWorld, discord_world
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_chat import TelegramChat

ROOT = Path(__file__).resolve().parent.parent
NETGUARD = ROOT / "tests" / "netguard"

# Load the guard into this process; child processes get it as `sitecustomize` through PYTHONPATH.
_spec = importlib.util.spec_from_file_location("minato_netguard", NETGUARD / "sitecustomize.py")
assert _spec and _spec.loader
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)

TEST_KEY = "sk-test-0123456789abcdef"


@pytest.fixture
async def fake_openai() -> AsyncIterator[FakeOpenAI]:
    fake = FakeOpenAI()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def provider(fake_openai: FakeOpenAI) -> ProviderConfig:
    return ProviderConfig(api_key=TEST_KEY, base_url=fake_openai.base_url, timeout=10, max_retries=1)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/minato.db"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await open_database(database_url)
    yield database
    await database.close()


@pytest.fixture
def engine_config() -> EngineConfig:
    return EngineConfig(models=Models())


def make_llm(provider: ProviderConfig, config: EngineConfig) -> LLM:
    return LLM(
        provider,
        config.models,
        temperature=config.temperature,
        reasoning_effort=config.reasoning_effort,
        max_output_tokens=config.max_output_tokens,
    )


@pytest.fixture
async def engine(db: Database, provider: ProviderConfig, engine_config: EngineConfig) -> AsyncIterator[Engine]:
    llm = make_llm(provider, engine_config)
    engine = Engine(db, llm, engine_config)
    yield engine
    await engine.close()
    await llm.close()


@pytest.fixture
def person(engine: Engine):  # type: ignore[no-untyped-def]
    """`person("Amélie")` is a user who can `await .says("Bonjour")` to the engine."""

    def make(name: str, **kwargs: object) -> Person:
        return Person(engine, name, **kwargs)  # type: ignore[arg-type]

    return make


@pytest.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def tg(fake_telegram: FakeTelegram, engine: Engine) -> AsyncIterator[TelegramChat]:
    """The real Telegram bot over the fake Bot API, with the real engine: `await tg.user("Amélie").says(...)`."""
    chat = TelegramChat(fake_telegram, engine)
    await chat.start()
    yield chat
    await chat.stop()


@pytest.fixture
async def dc(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DiscordWorld]:
    """A fake Discord server with Minato (real discord.py, real engine, fake OpenAI) connected to it."""
    async with discord_world(engine, monkeypatch) as world:
        yield world
