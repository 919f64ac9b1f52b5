"""Providers: OpenAI, Azure OpenAI v1 and any compatible endpoint, all through the real SDK."""

from __future__ import annotations

import pytest

from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.providers import MissingProviderKey, base_url, require_key
from tests.conftest import make_llm
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI


async def test_azure_v1_goes_to_the_openai_v1_path_with_deployment_names(fake_openai: FakeOpenAI, db) -> None:
    provider = ProviderConfig(azure_endpoint=fake_openai.root + "/", azure_api_key="azure-key-123456", max_retries=0)
    config = EngineConfig()
    llm = make_llm(provider, config)
    heard = await Person(Engine(db, llm, config), "Sam").says("Hello Minato, how are you doing today?")
    await llm.close()
    assert heard.text.startswith("Sam,")
    assert fake_openai.paths[-1] == "/openai/v1/responses"
    assert fake_openai.headers[-1]["Authorization"] == "Bearer azure-key-123456"


def test_azure_base_url_shape() -> None:
    assert base_url(ProviderConfig(azure_endpoint="https://x.openai.azure.com")) == (
        "https://x.openai.azure.com/openai/v1/"
    )


def test_missing_keys_name_the_variables() -> None:
    with pytest.raises(MissingProviderKey, match="OPENAI_API_KEY"):
        require_key(ProviderConfig())
    with pytest.raises(MissingProviderKey, match="AZURE_OPENAI_API_KEY"):
        require_key(ProviderConfig(azure_endpoint="https://x.openai.azure.com"))


def test_keys_never_show_in_reprs() -> None:
    config = ProviderConfig(api_key="sk-secret-value-1", azure_api_key="az-secret-value-2")
    assert "secret" not in repr(config)
