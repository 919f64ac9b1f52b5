"""Broadcasts: one text to every user of a platform who talked to Minato and did not say /quiet.

Paced under the platform's limits, and resumable: each recipient's state is in SQLite, written as `sending`
*before* the send, so after a crash a recipient is never sent twice (one whose send was cut off midway is
counted as unconfirmed, with the failures). The adapters deliver through the `Delivery` port.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from core.i18n import t
from core.store.db import Database

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"  # the platform refused (blocked the bot, closed DMs, deleted account)


class SlowDown(Exception):
    """Raised by a Delivery when the platform says "retry after N seconds"."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class Delivery(Protocol):
    """What an adapter implements so core can broadcast on its platform."""

    async def to_user(self, user_id: str, text: str) -> Outcome:
        """Send `text` to the user's private chat. May raise SlowDown."""
        ...

    async def to_chat(self, chat_id: str, text: str) -> None:
        """Tell the admin how it goes, at the place the adapter chose (`Caller.reports_to`, else the chat)."""
        ...


@dataclass(frozen=True, slots=True)
class Counts:
    delivered: int = 0
    failed: int = 0
    opted_out: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.failed + self.opted_out + self.pending


class Broadcasts:
    """Starts broadcasts, runs them as tasks, and resumes those a restart interrupted."""

    def __init__(
        self,
        db: Database,
        *,
        rate: Callable[[str], float],
        retries: int = 3,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._db = db
        self._rate = rate
        self._retries = retries
        self._sleep = sleep
        self._tasks: dict[int, asyncio.Task[Counts]] = {}

    async def start(self, platform: str, admin_id: str, chat_id: str, language: str | None, text: str,
                    excluded: set[str]) -> tuple[int, int]:
        """Record the broadcast and its recipients in one transaction. Returns (id, recipients)."""
        now = time.time()
        cur = await self._db.conn.execute(
            "INSERT INTO broadcasts (platform, admin_id, chat_id, language, text, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (platform, admin_id, chat_id, language, text, now),
        )
        broadcast_id = cur.lastrowid
        assert broadcast_id is not None
        async with self._db.conn.execute(
            "SELECT u.user_id, o.user_id IS NOT NULL FROM users u LEFT JOIN broadcast_optouts o"
            " ON o.platform = u.platform AND o.user_id = u.user_id WHERE u.platform = ? ORDER BY u.created_at",
            (platform,),
        ) as rows:
            recipients = [(r[0], bool(r[1])) for r in await rows.fetchall() if r[0] not in excluded]
        await self._db.conn.executemany(
            "INSERT INTO broadcast_recipients (broadcast_id, platform, user_id, state, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(broadcast_id, platform, uid, "opted_out" if quiet else "pending", now) for uid, quiet in recipients],
        )
        await self._db.conn.commit()
        return broadcast_id, len(recipients)

    def run(self, broadcast_id: int, delivery: Delivery) -> asyncio.Task[Counts]:
        task = asyncio.create_task(self._run(broadcast_id, delivery), name=f"broadcast-{broadcast_id}")
        self._tasks[broadcast_id] = task
        task.add_done_callback(lambda _: self._tasks.pop(broadcast_id, None))
        return task

    async def resume(self, platform: str, delivery: Delivery) -> list[asyncio.Task[Counts]]:
        """Continue the platform's unfinished broadcasts (after a restart)."""
        async with self._db.conn.execute(
            "SELECT id FROM broadcasts WHERE platform = ? AND status = 'running' ORDER BY id", (platform,)
        ) as cur:
            ids = [int(r[0]) for r in await cur.fetchall()]
        return [self.run(i, delivery) for i in ids if i not in self._tasks]

    async def shutdown(self) -> None:
        """Stop sending (the process is stopping); `resume` continues where each broadcast stopped."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def running(self, platform: str) -> bool:
        async with self._db.conn.execute(
            "SELECT 1 FROM broadcasts WHERE platform = ? AND status = 'running' LIMIT 1", (platform,)
        ) as cur:
            return await cur.fetchone() is not None

    async def counts(self, broadcast_id: int) -> Counts:
        async with self._db.conn.execute(
            "SELECT state, COUNT(*) FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY state",
            (broadcast_id,),
        ) as cur:
            by_state = {r[0]: int(r[1]) for r in await cur.fetchall()}
        return Counts(
            delivered=by_state.get("delivered", 0),
            failed=by_state.get("failed", 0) + by_state.get("unconfirmed", 0),
            opted_out=by_state.get("opted_out", 0),
            pending=by_state.get("pending", 0) + by_state.get("sending", 0),
        )

    async def _mark(self, broadcast_id: int, user_id: str, state: str) -> None:
        await self._db.conn.execute(
            "UPDATE broadcast_recipients SET state = ?, updated_at = ? WHERE broadcast_id = ? AND user_id = ?",
            (state, time.time(), broadcast_id, user_id),
        )
        await self._db.conn.commit()

    async def _run(self, broadcast_id: int, delivery: Delivery) -> Counts:
        async with self._db.conn.execute(
            "SELECT platform, chat_id, language, text FROM broadcasts WHERE id = ?", (broadcast_id,)
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        platform, chat_id, language, text = row[0], row[1], row[2], row[3]
        # A send cut off by the crash may or may not have arrived: never risk sending it twice.
        await self._db.conn.execute(
            "UPDATE broadcast_recipients SET state = 'unconfirmed' WHERE broadcast_id = ? AND state = 'sending'",
            (broadcast_id,),
        )
        await self._db.conn.commit()
        async with self._db.conn.execute(
            "SELECT user_id FROM broadcast_recipients WHERE broadcast_id = ? AND state = 'pending' ORDER BY rowid",
            (broadcast_id,),
        ) as cur:
            pending = [r[0] for r in await cur.fetchall()]
        total = (await self.counts(broadcast_id)).total
        interval = 1.0 / max(self._rate(platform), 0.001)
        milestones = {total * q // 4 for q in (1, 2, 3)}
        last = float("-inf")
        for user_id in pending:
            await self._pause_until(last + interval)
            await self._mark(broadcast_id, user_id, "sending")
            # Spaced from the previous send itself, never catching up after a slow one, so no burst ever
            # exceeds the platform's rate; the first pause keeps the `sending` window (a crash's risk) short.
            await self._pause_until(last + interval)
            last = time.monotonic()
            outcome = await self._send(delivery, user_id, text)
            await self._mark(broadcast_id, user_id, outcome.value)
            counts = await self.counts(broadcast_id)
            done = counts.total - counts.pending
            if done in milestones:
                await self._report(delivery, chat_id, t("admin_broadcast_progress", language, id=broadcast_id,
                                                         done=done, total=total))
        await self._db.conn.execute(
            "UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ?", (time.time(), broadcast_id)
        )
        await self._db.conn.commit()
        counts = await self.counts(broadcast_id)
        log.info("broadcast %s done: %s delivered, %s failed, %s opted out", broadcast_id, counts.delivered,
                 counts.failed, counts.opted_out)
        await self._report(delivery, chat_id, t("admin_broadcast_done", language, id=broadcast_id,
                                                 delivered=counts.delivered, failed=counts.failed,
                                                 opted_out=counts.opted_out))
        return counts

    async def _pause_until(self, moment: float) -> None:
        delay = moment - time.monotonic()
        if delay > 0:
            await self._sleep(delay)

    async def _send(self, delivery: Delivery, user_id: str, text: str) -> Outcome:
        for _ in range(self._retries):
            try:
                return await delivery.to_user(user_id, text)
            except SlowDown as slow:
                await self._sleep(slow.seconds)
            except Exception:  # one unreachable user must not stop the broadcast; we never retry blind
                log.warning("broadcast delivery to one user failed", exc_info=True)
                return Outcome.FAILED
        return Outcome.FAILED

    async def _report(self, delivery: Delivery, chat_id: str, text: str) -> None:
        try:
            await delivery.to_chat(chat_id, text)
        except Exception:  # a lost progress line must not stop the broadcast itself
            log.warning("could not report broadcast progress", exc_info=True)
