"""Run-time defaults admins may change (model per role, default voice): validated, persisted, applied.

Applying rebuilds the engine's speech-to-text and text-to-speech parts from the new config: they hold their
model and voice from construction, and are cheap to make.
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from core.config import Models
from core.voice.stt import Transcriber
from core.voice.tts import Speaker

if TYPE_CHECKING:
    from core.engine import Engine

ROLES = tuple(f.name for f in fields(Models))
# The provider's text-to-speech voices.
VOICES = ("alloy", "ash", "ballad", "cedar", "coral", "echo", "fable", "marin", "nova", "onyx", "sage", "shimmer",
          "verse")
_MAX_MODEL_NAME = 120


def valid_model_name(name: str) -> bool:
    """Model and Azure deployment names are free text, but never blank, spaced or huge."""
    return 0 < len(name) <= _MAX_MODEL_NAME and not any(c.isspace() for c in name)


def _rebuild_voice(engine: Engine) -> None:
    engine.transcriber = Transcriber(engine.llm.client, engine.config.models.stt, engine.config.voice)
    engine.speaker = Speaker(engine.llm.client, engine.config.models.tts, engine.config.voice)


def apply_model(engine: Engine, role: str, name: str) -> None:
    models = replace(engine.config.models, **{role: name})
    engine.config = replace(engine.config, models=models)
    engine.llm.models = models
    _rebuild_voice(engine)


def apply_voice(engine: Engine, name: str) -> None:
    engine.config = replace(engine.config, voice=replace(engine.config.voice, default_voice=name))
    _rebuild_voice(engine)


async def restore(engine: Engine) -> None:
    """Re-apply what admins changed before the last restart."""
    stored = await engine.gate.runtime.with_prefix("model:")
    for key, value in stored.items():
        role = key.removeprefix("model:")
        if role in ROLES and isinstance(value, str):
            apply_model(engine, role, value)
    voice = await engine.gate.runtime.get("voice:default")
    if isinstance(voice, str) and voice in VOICES:
        apply_voice(engine, voice)
