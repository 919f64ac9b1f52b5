"""Run-time defaults admins may change (model per role, default voice): validated, persisted, applied."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from core.config import Models

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


def apply_model(engine: Engine, role: str, name: str) -> None:
    models = replace(engine.config.models, **{role: name})
    engine.config = replace(engine.config, models=models)
    engine.llm.models = models


async def restore(engine: Engine) -> None:
    """Re-apply what admins changed before the last restart."""
    stored = await engine.gate.runtime.with_prefix("model:")
    for key, value in stored.items():
        role = key.removeprefix("model:")
        if role in ROLES and isinstance(value, str):
            apply_model(engine, role, value)
