"""A small price table for cost estimates in `stats` (USD, list prices; an estimate, not an invoice).

Dated snapshots and Azure deployments named after a model match by the longest known prefix.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Price:
    input: float = 0.0  # per 1M input tokens
    cached: float = 0.0  # per 1M cached input tokens
    output: float = 0.0  # per 1M output tokens
    audio_minute: float = 0.0  # per minute of audio heard (STT) or spoken (TTS)


PRICES: dict[str, Price] = {
    "gpt-4.1": Price(2.00, 0.50, 8.00),
    "gpt-4.1-mini": Price(0.40, 0.10, 1.60),
    "gpt-4.1-nano": Price(0.10, 0.025, 0.40),
    "gpt-4o": Price(2.50, 1.25, 10.00),
    "gpt-4o-mini": Price(0.15, 0.075, 0.60),
    "o4-mini": Price(1.10, 0.275, 4.40),
    "o3-mini": Price(1.10, 0.55, 4.40),
    "o3": Price(2.00, 0.50, 8.00),
    "gpt-4o-mini-tts": Price(audio_minute=0.015),
    "gpt-4o-mini-transcribe": Price(audio_minute=0.003),
    "gpt-4o-transcribe": Price(audio_minute=0.006),
    "whisper-1": Price(audio_minute=0.006),
}


def price_of(model: str) -> Price | None:
    name = model.lower()
    matches = [prefix for prefix in PRICES if name.startswith(prefix)]
    return PRICES[max(matches, key=len)] if matches else None


def cost(model: str, input_tokens: int, cached_tokens: int, output_tokens: int, audio_minutes: float) -> float | None:
    """Estimated USD for this much use of `model`; None when the model is not in the table."""
    price = price_of(model)
    if price is None:
        return None
    fresh = max(0, input_tokens - cached_tokens)
    tokens = fresh * price.input + cached_tokens * price.cached + output_tokens * price.output
    return tokens / 1_000_000 + audio_minutes * price.audio_minute
