"""Provider failures on the audio endpoints, as voice problems a user can be told about."""

from __future__ import annotations

import logging

import openai

from core.voice.problems import VoiceProblem

log = logging.getLogger(__name__)


def problem_of(exc: openai.OpenAIError, *, what: str, rejected: VoiceProblem) -> VoiceProblem:
    """BUSY for rate limits, `rejected` for a 400 (the provider refused this input), else UNAVAILABLE."""
    if isinstance(exc, openai.RateLimitError):
        problem = VoiceProblem.BUSY
    elif isinstance(exc, openai.BadRequestError):
        problem = rejected
    else:
        problem = VoiceProblem.UNAVAILABLE
    status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
    log.warning("%s failed: %s (status %s)", what, type(exc).__name__, status)
    return problem
