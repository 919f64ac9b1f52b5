"""Configuration of the safety gate and the admin service: plain frozen values built once by bots/."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Quota:
    """Daily limits per user; 0 means no limit."""

    messages: int = 0
    voice_minutes: float = 0.0
    tokens: int = 0


@dataclass(frozen=True, slots=True)
class Bucket:
    """A token bucket: `capacity` units at once, refilled at `per_minute` units per minute. 0 capacity = off."""

    capacity: float = 0.0
    per_minute: float = 0.0

    @property
    def enabled(self) -> bool:
        return self.capacity > 0


@dataclass(frozen=True, slots=True)
class SafetyConfig:
    """What the engine's gate enforces before any costly work."""

    messages: Bucket = field(default_factory=Bucket)  # units: messages
    audio: Bucket = field(default_factory=Bucket)  # units: seconds of audio sent by the user
    default_quota: Quota = field(default_factory=Quota)


@dataclass(frozen=True, slots=True)
class AdminConfig:
    """Who the global admins are, and how fast a broadcast may go on each platform."""

    admins: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # Messages per second; kept under each platform's own limits (Telegram ~30/s total, Discord DMs far fewer).
    broadcast_rates: Mapping[str, float] = field(default_factory=lambda: {"telegram": 20.0, "discord": 2.0})
    default_broadcast_rate: float = 1.0
    # Attempts per recipient when the platform says "slow down".
    broadcast_retries: int = 3

    def is_admin(self, platform: str, user_id: str) -> bool:
        return user_id in self.admins.get(platform, frozenset())

    def rate(self, platform: str) -> float:
        return self.broadcast_rates.get(platform, self.default_broadcast_rate)
