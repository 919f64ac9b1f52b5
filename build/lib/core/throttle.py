"""Pacing streamed updates: platforms allow about one edit per second per chat, and identical edits are waste."""

from __future__ import annotations

import time
from collections.abc import Callable


class UpdateThrottle:
    """Says when a growing reply deserves another draft/edit: at most once per `interval`, never unchanged.

    `hold(seconds)` pushes the next update back, e.g. after the platform answered "retry after N s".
    """

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = interval
        self._clock = clock
        self._last_text = ""
        self._next_at = 0.0

    def due(self, text: str) -> bool:
        return bool(text.strip()) and text != self._last_text and self._clock() >= self._next_at

    def sent(self, text: str) -> None:
        self._last_text = text
        self._next_at = self._clock() + self.interval

    def hold(self, seconds: float) -> None:
        self._next_at = max(self._next_at, self._clock() + seconds)

    @property
    def last_text(self) -> str:
        return self._last_text
