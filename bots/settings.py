"""Settings from the environment and `.env`, validated once at startup and frozen. Nothing else reads env.

Each section reads its own variables (names are a contract, see .env.example).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.admin.config import AdminConfig, Bucket, Quota, SafetyConfig
from core.config import EngineConfig, Models, ProviderConfig, VoiceConfig
from core.tools.catalog import RESERVED
from core.tools.config import ToolsConfig, WebSearchMode, Workflow
from core.tools.n8n import WorkflowFileError, load_workflows

_DEFAULT_MODELS = Models()
_DEFAULT_VOICE = VoiceConfig()
IdList = Annotated[frozenset[str], NoDecode]


def _section(prefix: str = "") -> SettingsConfigDict:
    # Empty values (`TELEGRAM_BOT_TOKEN=` as in .env.example) mean "not set", not "set to nothing".
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore", frozen=True, env_ignore_empty=True)


def _split_ids(value: object) -> object:
    if isinstance(value, str):
        return frozenset(part.strip() for part in value.split(",") if part.strip())
    return value


class ProviderSettings(BaseSettings):
    model_config = _section()

    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    azure_openai_endpoint: str | None = None
    azure_openai_api_key: SecretStr | None = None
    minato_request_timeout: float = Field(default=60.0, gt=0)
    minato_max_retries: int = Field(default=3, ge=0, le=10)

    def to_core(self) -> ProviderConfig:
        return ProviderConfig(
            api_key=self.openai_api_key.get_secret_value() if self.openai_api_key else None,
            base_url=self.openai_base_url or None,
            azure_endpoint=self.azure_openai_endpoint or None,
            azure_api_key=self.azure_openai_api_key.get_secret_value() if self.azure_openai_api_key else None,
            timeout=self.minato_request_timeout,
            max_retries=self.minato_max_retries,
        )


class ModelSettings(BaseSettings):
    model_config = _section("MINATO_MODEL_")

    chat: str = _DEFAULT_MODELS.chat
    complex: str = _DEFAULT_MODELS.complex
    fast: str = _DEFAULT_MODELS.fast
    reasoning: str = _DEFAULT_MODELS.reasoning
    structured: str = _DEFAULT_MODELS.structured
    tts: str = _DEFAULT_MODELS.tts
    stt: str = _DEFAULT_MODELS.stt
    realtime: str = _DEFAULT_MODELS.realtime

    def to_core(self) -> Models:
        return Models(**self.model_dump())


class EngineSettings(BaseSettings):
    model_config = _section("MINATO_")

    temperature: float = Field(default=0.8, ge=0, le=2)
    reasoning_effort: str = Field(default="medium", pattern="^(minimal|low|medium|high)$")
    history_token_budget: int = Field(default=6000, ge=500)
    keep_recent_messages: int = Field(default=8, ge=0)
    learn_facts: bool = True
    max_output_tokens: int = Field(default=2048, ge=16)
    log_level: str = "INFO"


class ToolSettings(BaseSettings):
    model_config = _section("MINATO_")

    web_search: WebSearchMode = WebSearchMode.AUTO
    searxng_url: str | None = None
    n8n_workflows: Path | None = None  # a JSON or TOML file listing the workflows
    tool_timeout: float = Field(default=20.0, gt=0)
    tool_rounds: int = Field(default=5, ge=1, le=20)

    @field_validator("searxng_url", "n8n_workflows", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _workflows_load(self) -> ToolSettings:
        self.workflows()  # a broken workflow file stops startup with its reason, not the first turn
        return self

    def workflows(self) -> tuple[Workflow, ...]:
        if self.n8n_workflows is None:
            return ()
        try:
            return load_workflows(self.n8n_workflows, RESERVED)
        except WorkflowFileError as exc:
            raise ValueError(str(exc)) from exc

    def to_core(self) -> ToolsConfig:
        return ToolsConfig(
            web_search=self.web_search,
            searxng_url=self.searxng_url or None,
            timeout=self.tool_timeout,
            max_rounds=self.tool_rounds,
            workflows=self.workflows(),
        )


class SafetySettings(BaseSettings):
    """Rate limits, default daily quotas (0 = no limit) and the secret that encrypts users' own keys."""

    model_config = _section("MINATO_")

    secret_key: SecretStr | None = None
    rate_messages: float = Field(default=20, ge=0)  # burst; 0 turns the message limit off
    rate_messages_per_minute: float = Field(default=10, ge=0)
    rate_audio_seconds: float = Field(default=300, ge=0)  # burst of voice, in seconds; 0 turns it off
    rate_audio_seconds_per_minute: float = Field(default=120, ge=0)
    quota_messages: int = Field(default=0, ge=0)
    quota_voice_minutes: float = Field(default=0, ge=0)
    quota_tokens: int = Field(default=0, ge=0)

    def to_core(self) -> SafetyConfig:
        return SafetyConfig(
            messages=Bucket(self.rate_messages, self.rate_messages_per_minute),
            audio=Bucket(self.rate_audio_seconds, self.rate_audio_seconds_per_minute),
            default_quota=Quota(self.quota_messages, self.quota_voice_minutes, self.quota_tokens),
        )

    @property
    def secret(self) -> str | None:
        return self.secret_key.get_secret_value() if self.secret_key else None


class VoiceSettings(BaseSettings):
    model_config = _section("MINATO_VOICE_")

    default: str = Field(default=_DEFAULT_VOICE.default_voice, min_length=1)
    max_seconds: float = Field(default=_DEFAULT_VOICE.max_seconds, gt=0)
    chunk_seconds: float = Field(default=_DEFAULT_VOICE.chunk_seconds, ge=30, le=1400)
    stt_concurrency: int = Field(default=_DEFAULT_VOICE.stt_concurrency, ge=1, le=16)
    tts_concurrency: int = Field(default=_DEFAULT_VOICE.tts_concurrency, ge=1, le=16)

    def to_core(self) -> VoiceConfig:
        return VoiceConfig(
            default_voice=self.default,
            max_seconds=self.max_seconds,
            chunk_seconds=self.chunk_seconds,
            stt_concurrency=self.stt_concurrency,
            tts_concurrency=self.tts_concurrency,
        )


class TelegramSettings(BaseSettings):
    model_config = _section("TELEGRAM_")

    bot_token: SecretStr | None = None
    api_url: str = "https://api.telegram.org"
    admin_ids: IdList = frozenset()
    # Webhook mode when a public HTTPS URL is set (Telegram posts updates there); long polling otherwise.
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 -- the webhook server must be reachable by a reverse proxy
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    webhook_secret: SecretStr | None = None
    # Whether TELEGRAM_API_URL is a self-hosted Bot API server, which lifts the 20 MB download limit.
    # Unset: any server other than api.telegram.org counts as self-hosted.
    self_hosted: bool | None = None
    # Seconds between draft/edit updates of a streamed reply, and between two writes to one chat.
    stream_interval: float = Field(default=1.0, gt=0)

    _ids = field_validator("admin_ids", mode="before")(_split_ids)

    @field_validator("api_url", "webhook_url")
    @classmethod
    def _no_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else value

    @property
    def downloads_unlimited(self) -> bool:
        """A self-hosted Bot API server has no 20 MB download limit."""
        if self.self_hosted is not None:
            return self.self_hosted
        return urlsplit(self.api_url).hostname != "api.telegram.org"


class DiscordSettings(BaseSettings):
    model_config = _section("DISCORD_")

    bot_token: SecretStr | None = None
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str | None = None
    admin_ids: IdList = frozenset()
    # Privileged intent: only enable it here after enabling it in the Developer Portal.
    message_content: bool = False
    # Sync slash commands to this one server only (instant, for development) instead of globally.
    dev_guild_id: int | None = None
    # Seconds between edits of a streamed reply (Discord allows about five edits per 5 s per channel).
    edit_interval: float = Field(default=1.0, gt=0)

    _ids = field_validator("admin_ids", mode="before")(_split_ids)


class StoreSettings(BaseSettings):
    model_config = _section()

    database_url: str = "sqlite:///data/minato.db"

    @field_validator("database_url")
    @classmethod
    def _sqlite_only(cls, value: str) -> str:
        if not value.startswith("sqlite:///"):
            raise ValueError("DATABASE_URL must be sqlite:///path/to/file.db")
        return value


class Settings(BaseSettings):
    """All sections together; built once by the CLI."""

    model_config = _section()

    provider: ProviderSettings = Field(default_factory=ProviderSettings)
    models: ModelSettings = Field(default_factory=ModelSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    tools: ToolSettings = Field(default_factory=ToolSettings)
    safety: SafetySettings = Field(default_factory=SafetySettings)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    discord: DiscordSettings = Field(default_factory=DiscordSettings)
    store: StoreSettings = Field(default_factory=StoreSettings)

    def admin_config(self) -> AdminConfig:
        return AdminConfig(admins={"telegram": self.telegram.admin_ids, "discord": self.discord.admin_ids})

    def engine_config(self) -> EngineConfig:
        e = self.engine
        return EngineConfig(
            models=self.models.to_core(),
            voice=self.voice.to_core(),
            temperature=e.temperature,
            reasoning_effort=e.reasoning_effort,
            history_token_budget=e.history_token_budget,
            keep_recent_messages=e.keep_recent_messages,
            learn_facts=e.learn_facts,
            max_output_tokens=e.max_output_tokens,
        )
