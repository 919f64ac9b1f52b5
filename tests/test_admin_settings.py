"""Admin settings from the environment reach the engine: admins, rate limits, quotas, the key secret."""

from __future__ import annotations

import pytest

from bots.settings import Settings
from bots.wiring import engine_from
from core.admin.config import Bucket, Quota
from tests.conftest import TEST_KEY
from tests.conversation import Person


async def test_settings_wire_admins_limits_and_persisted_models(
    monkeypatch: pytest.MonkeyPatch, fake_openai, database_url
) -> None:
    env = {
        "OPENAI_API_KEY": TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url, "DATABASE_URL": database_url,
        "TELEGRAM_ADMIN_IDS": "11, 12", "DISCORD_ADMIN_IDS": "", "MINATO_SECRET_KEY": "an-operator-secret-123456",
        "MINATO_RATE_MESSAGES": "5", "MINATO_RATE_MESSAGES_PER_MINUTE": "2", "MINATO_QUOTA_TOKENS": "9000",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    assert "an-operator-secret" not in repr(settings)
    async with engine_from(settings) as engine:
        gate = engine.gate
        assert gate.admins.is_admin("telegram", "12") and not gate.admins.is_admin("discord", "12")
        assert gate.config.messages == Bucket(5, 2)
        assert gate.config.default_quota == Quota(0, 0, 9000)
        assert gate.vault.enabled
        await gate.runtime.set("model:chat", "gpt-4.1-2025-04-14")
    async with engine_from(settings) as engine:
        await Person(engine, "Sam").says("Which model after a restart?")
    assert fake_openai.last["model"] == "gpt-4.1-2025-04-14", "an admin's model choice survives a restart"
