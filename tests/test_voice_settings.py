"""Voice settings come from MINATO_VOICE_* and reach the engine's VoiceConfig; bad values fail at startup."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bots.settings import Settings, VoiceSettings
from core.config import VoiceConfig


def test_voice_settings_reach_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINATO_VOICE_DEFAULT", "coral")
    monkeypatch.setenv("MINATO_VOICE_MAX_SECONDS", "300")
    monkeypatch.setenv("MINATO_VOICE_CHUNK_SECONDS", "120")
    monkeypatch.setenv("MINATO_VOICE_TTS_CONCURRENCY", "2")
    voice = Settings().engine_config().voice
    assert voice == VoiceConfig(default_voice="coral", max_seconds=300, chunk_seconds=120, tts_concurrency=2)


def test_defaults_match_the_engine_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DEFAULT", "MAX_SECONDS", "CHUNK_SECONDS", "STT_CONCURRENCY", "TTS_CONCURRENCY"):
        monkeypatch.delenv(f"MINATO_VOICE_{name}", raising=False)
    assert VoiceSettings().to_core() == VoiceConfig()


def test_a_chunk_longer_than_the_model_accepts_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINATO_VOICE_CHUNK_SECONDS", "5000")
    with pytest.raises(ValidationError):
        VoiceSettings()
