"""Keeping under Telegram's flood limits instead of provoking 429s: per chat, per group, and overall.

Telegram asks bots to send about one message per second per chat, at most 20 per minute to a group and
about 30 per second overall; edits count as sends. Drafts (private-chat previews, not messages) have a
slot of their own per chat at the same pace, so a draft never delays the message that follows it; they
count in the overall 30/s like everything else. Every write reserves a slot first. A `RetryAfter` from
Telegram pushes the chat's next slot back by what it asked.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

# Past this many chats remembered, those with nothing pending are forgotten (checked when a new one comes).
_SWEEP_AT = 10_000


@dataclass(frozen=True, slots=True)
class Limits:
    chat_interval: float = 1.0
    group_per_minute: int = 20
    total_per_second: int = 30
    # The bot-wide count runs over a little more than a second: Telegram counts a write when it arrives, some
    # milliseconds (more when the process is busy) after its slot was taken here, so two windows' worth taken
    # back to back could otherwise land within one second (bench/scale.py measured hundreds of such 429s).
    total_window: float = 1.1
    # ...and goes out evenly: at most this many at once. Thirty writes sent in one burst leave one after
    # another over tens of milliseconds; the next window's burst could then land within the same second.
    total_burst: int = 5


class _Window:
    """At most `count` events in any `period` seconds."""

    def __init__(self, count: int, period: float) -> None:
        self.count = count
        self.period = period
        self.times: deque[float] = deque()

    def _forget_old(self, now: float) -> None:
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()

    def free_at(self, now: float, reserve: int = 0) -> float:
        self._forget_old(now)
        if len(self.times) + reserve < self.count:
            return now
        return self.times[len(self.times) + reserve - self.count] + self.period

    def take(self, now: float) -> None:
        self.times.append(now)

    def counts_any(self, now: float) -> bool:
        """Whether some event still counts in the window."""
        self._forget_old(now)
        return bool(self.times)


@dataclass(slots=True)
class _Chat:
    next_at: float = 0.0
    draft_at: float = 0.0  # drafts' own slot
    group: _Window | None = None

    def pending(self, now: float) -> bool:
        """Whether forgetting this chat could let a write through too soon."""
        if max(self.next_at, self.draft_at) > now:
            return True
        return self.group is not None and self.group.counts_any(now)


class Pacing:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.limits = limits
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._sweep_at = _SWEEP_AT
        self._total = _Window(limits.total_per_second, limits.total_window)
        self._burst = _Window(limits.total_burst, limits.total_window * limits.total_burst / limits.total_per_second)

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            if len(self._chats) >= self._sweep_at:
                self._forget_idle()
            # Negative ids are groups, supergroups and channels.
            group = _Window(self.limits.group_per_minute, 60.0) if chat_id < 0 else None
            chat = self._chats[chat_id] = _Chat(group=group)
        return chat

    def _free_at(self, chat_id: int, reserve: int, draft: bool = False) -> float:
        now = self._clock()
        chat = self._chat(chat_id)
        # Optional writes leave a share of the bot-wide budget to the replies that must land.
        total_reserve = self.limits.total_per_second // 3 if reserve else 0
        times = [
            chat.draft_at if draft else chat.next_at, self._total.free_at(now, total_reserve), self._burst.free_at(now)
        ]
        if chat.group is not None:
            times.append(chat.group.free_at(now, reserve))
        return max(now, *times)

    def _forget_idle(self) -> None:
        """Drop chats with nothing pending: a long-running bot meets more chats than it needs to remember."""
        now = self._clock()
        self._chats = {chat_id: chat for chat_id, chat in self._chats.items() if chat.pending(now)}
        # Chats still pending stay; the next sweep waits until there are twice as many (amortised cost).
        self._sweep_at = max(_SWEEP_AT, 2 * len(self._chats))

    def ready(self, chat_id: int, reserve: int = 0, *, draft: bool = False) -> bool:
        """Whether a write could go now, leaving `reserve` group slots (and a third of the bot-wide budget)
        free for replies that must land."""
        return self._free_at(chat_id, reserve, draft) <= self._clock()

    def take(self, chat_id: int, *, draft: bool = False) -> None:
        now = self._clock()
        chat = self._chat(chat_id)
        if draft:
            chat.draft_at = now + self.limits.chat_interval
        else:
            chat.next_at = now + self.limits.chat_interval
        self._total.take(now)
        self._burst.take(now)
        if chat.group is not None:
            chat.group.take(now)

    async def wait(self, chat_id: int) -> None:
        """Sleep until this chat may be written to, then reserve the slot."""
        # Polling the clock, not an Event: slots free up by the passing of time, nobody signals them.
        while (delay := self._free_at(chat_id, 0) - self._clock()) > 0:  # noqa: ASYNC110
            await asyncio.sleep(delay)
        self.take(chat_id)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said "retry after": nothing goes to this chat before then."""
        chat = self._chat(chat_id)
        chat.next_at = max(chat.next_at, self._clock() + seconds)
