"""The engine's configuration: plain frozen values, built once by bots/ from validated settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    """What a model call is for; each role maps to one configurable model name."""

    CHAT = "chat"
    COMPLEX = "complex"
    FAST = "fast"
    REASONING = "reasoning"
    STRUCTURED = "structured"


@dataclass(frozen=True, slots=True)
class Models:
    chat: str = "gpt-4.1-mini-2025-04-14"
    complex: str = "gpt-4.1-2025-04-14"
    fast: str = "gpt-4.1-nano-2025-04-14"
    reasoning: str = "o4-mini-2025-04-16"
    structured: str = "o3-mini-2025-01-31"
    tts: str = "gpt-4o-mini-tts"
    stt: str = "gpt-4o-mini-transcribe"
    realtime: str = "gpt-4o-mini-realtime-preview-2024-12-17"

    def for_role(self, role: Role) -> str:
        name: str = getattr(self, role.value)
        return name


# o-series and gpt-5 reasoning models reject sampling parameters.
_REASONING_NAME = re.compile(r"(^|[/:_-])(o\d|gpt-5)", re.IGNORECASE)


def is_reasoning_model(role: Role, model: str) -> bool:
    """Whether a call must omit temperature/top_p and may carry a reasoning effort.

    Azure deployment names are free text, so the role counts as much as the name.
    """
    return role in (Role.REASONING, Role.STRUCTURED) or bool(_REASONING_NAME.search(model))


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    """Where model calls go. Azure wins when its endpoint is set; otherwise OpenAI or any compatible server."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    azure_endpoint: str | None = None
    azure_api_key: str | None = field(default=None, repr=False)
    timeout: float = 60.0
    max_retries: int = 3

    @property
    def is_azure(self) -> bool:
        return bool(self.azure_endpoint)


@dataclass(frozen=True, slots=True)
class VoiceConfig:
    """Voice notes in, voice replies out."""

    # The TTS voice for users who have not chosen one.
    default_voice: str = "marin"
    # Voice notes longer than this are refused with a notice (cost and patience both have limits).
    max_seconds: float = 1200.0
    # Longer recordings (or files over the API's 25 MB) are cut at pauses into pieces of at most this length.
    chunk_seconds: float = 600.0
    # Concurrent provider calls per voice note (STT pieces) and per voice reply (TTS sentence chunks).
    stt_concurrency: int = 4
    tts_concurrency: int = 4
    # The transcription API's upload limit; bigger files are re-encoded (and cut) before sending.
    max_upload_bytes: int = 25 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class EngineConfig:
    models: Models = field(default_factory=Models)
    voice: VoiceConfig = field(default_factory=VoiceConfig)
    temperature: float = 0.8
    reasoning_effort: str = "medium"
    # Past this estimated size, older turns are folded into a summary by the fast model.
    history_token_budget: int = 6000
    # Turns that always stay verbatim after a summary.
    keep_recent_messages: int = 8
    # Whether the structured model reads each summarised stretch for lasting facts about the user.
    learn_facts: bool = True
    max_output_tokens: int = 2048
    # Longest text accepted from a user in one message; longer text is kept but truncated for the model.
    max_input_chars: int = 16000
