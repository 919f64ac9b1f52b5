"""Building openai SDK clients for OpenAI, Azure OpenAI v1 or any OpenAI-compatible endpoint."""

from __future__ import annotations

from openai import AsyncOpenAI

from core.config import ProviderConfig


class MissingProviderKey(RuntimeError):
    """No usable key for any provider: raised at startup with the variables to set."""


def require_key(config: ProviderConfig, api_key: str | None = None) -> str:
    """The key calls will use, or MissingProviderKey naming the variables to set."""
    if config.is_azure:
        key = api_key or config.azure_api_key
        if not key:
            raise MissingProviderKey("AZURE_OPENAI_ENDPOINT is set but AZURE_OPENAI_API_KEY is missing.")
        return key
    key = api_key or config.api_key
    if not key:
        raise MissingProviderKey(
            "No model provider key: set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server) "
            "or AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_API_KEY."
        )
    return key


def base_url(config: ProviderConfig) -> str | None:
    """Azure OpenAI v1 lives at `{endpoint}/openai/v1/`; otherwise OPENAI_BASE_URL or the SDK default."""
    if config.is_azure:
        return f"{(config.azure_endpoint or '').rstrip('/')}/openai/v1/"
    return config.base_url or None


def build_client(config: ProviderConfig, api_key: str | None = None) -> AsyncOpenAI:
    """A client for the configured provider; `api_key` overrides the key (bring-your-own-key users).

    The SDK retries 408/409/429/5xx with exponential backoff and honours `retry-after`.
    """
    return AsyncOpenAI(
        api_key=require_key(config, api_key),
        base_url=base_url(config),
        timeout=config.timeout,
        max_retries=config.max_retries,
    )
