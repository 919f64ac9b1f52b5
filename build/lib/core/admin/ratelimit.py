"""Per-user token buckets: a flood from one user empties only their own bucket, never anyone else's.

Buckets are plain arithmetic on the event loop (no lock, no await), so checking one never waits on another.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from core.admin.config import Bucket


@dataclass(slots=True)
class _State:
    level: float
    at: float


_PRUNE_AT = 10_000


class RateLimiter:
    """Units (messages, audio seconds) per user key, refilled continuously."""

    def __init__(self, bucket: Bucket, clock: Callable[[], float] = time.monotonic) -> None:
        self.bucket = bucket
        self._clock = clock
        self._states: dict[tuple[str, str], _State] = {}

    def take(self, key: tuple[str, str], units: float = 1.0) -> float:
        """Take `units` if available and return 0; otherwise take nothing and return the seconds to wait."""
        if not self.bucket.enabled:
            return 0.0
        capacity, rate = self.bucket.capacity, self.bucket.per_minute / 60.0
        units = min(units, capacity)  # one long voice note may empty the bucket but never be refused forever
        now = self._clock()
        if len(self._states) > _PRUNE_AT:
            self._prune(now, capacity, rate)
        state = self._states.get(key)
        if state is None:
            state = self._states[key] = _State(capacity, now)
        state.level = min(capacity, state.level + (now - state.at) * rate)
        state.at = now
        if state.level >= units:
            state.level -= units
            return 0.0
        if rate <= 0:
            return float("inf")
        return (units - state.level) / rate

    def _prune(self, now: float, capacity: float, rate: float) -> None:
        """Forget buckets that have refilled: a full bucket is the same as no bucket, so memory stays bounded."""
        full = [k for k, s in self._states.items() if s.level + (now - s.at) * rate >= capacity]
        for key in full:
            del self._states[key]
