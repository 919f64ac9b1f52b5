"""How a reply is delivered (text, voice, or both), from the user's reply mode and how they spoke."""

from __future__ import annotations

from dataclasses import dataclass

from core.store.users import ReplyMode


@dataclass(frozen=True, slots=True)
class Delivery:
    text: bool
    voice: bool


def delivery_for(mode: ReplyMode, spoke: bool) -> Delivery:
    """auto: voice when the user spoke, text otherwise · text · voice · both (voice note + the full text)."""
    if mode is ReplyMode.AUTO:
        return Delivery(text=not spoke, voice=spoke)
    return Delivery(text=mode in (ReplyMode.TEXT, ReplyMode.BOTH), voice=mode in (ReplyMode.VOICE, ReplyMode.BOTH))
