"""Delivering due reminders: a core scheduler that hands them to whichever adapter runs their platform.

Reminders live in SQLite, so the schedule survives restarts: on start, anything overdue is delivered at once.
A platform that is not running keeps its reminders pending until its adapter registers a delivery port.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

from core.i18n import t
from core.store.reminders import Reminder, Reminders
from core.store.users import ReplyMode, User, Users
from core.turn import ChatKind

log = logging.getLogger(__name__)


class DeliveryPort(Protocol):
    """What an adapter implements to send a message nobody asked for just now (a due reminder)."""

    async def deliver(
        self, platform: str, chat_id: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> None: ...


class Deliveries:
    """The delivery ports of the running platforms; itself a DeliveryPort that routes by platform."""

    def __init__(self, wake: asyncio.Event) -> None:
        self._ports: dict[str, DeliveryPort] = {}
        self._wake = wake

    def register(self, platform: str, port: DeliveryPort) -> None:
        self._ports[platform] = port
        self._wake.set()  # reminders that waited for this platform are now deliverable

    def unregister(self, platform: str) -> None:
        self._ports.pop(platform, None)

    @property
    def platforms(self) -> frozenset[str]:
        return frozenset(self._ports)

    async def deliver(
        self, platform: str, chat_id: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> None:
        await self._ports[platform].deliver(platform, chat_id, user_id, text, language, as_voice)


def reminder_text(reminder: Reminder, user: User | None, language: str) -> str:
    """What the reminder says. In a group others read it too, so it names whom it is for."""
    if reminder.chat_kind == ChatKind.PRIVATE.value or user is None:
        return t("reminder_due", language, text=reminder.text)
    return t("reminder_due_for", language, name=user.name, text=reminder.text)


class ReminderScheduler:
    def __init__(
        self,
        reminders: Reminders,
        users: Users,
        deliveries: Deliveries,
        *,
        clock: Callable[[], float] = time.time,
        max_sleep: float = 30.0,
        retry_after: float = 60.0,
        delivery_timeout: float = 60.0,
    ) -> None:
        self._reminders = reminders
        self._users = users
        self._deliveries = deliveries
        self._clock = clock
        self._max_sleep = max_sleep
        self._retry_after = retry_after
        self._delivery_timeout = delivery_timeout
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="reminders")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            self._reminders.changed.clear()
            try:
                await self.deliver_due()
                wait = await self._until_next()
            except Exception:
                # A database hiccup must not stop every future reminder; try again shortly.
                log.exception("reminder scheduler pass failed")
                wait = self._max_sleep
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._reminders.changed.wait()

    async def _until_next(self) -> float:
        next_due = await self._reminders.next_due(self._deliveries.platforms)
        if next_due is None:
            return self._max_sleep
        return min(max(next_due - self._clock(), 0.0), self._max_sleep)

    async def deliver_due(self) -> int:
        """Deliver every reminder due now; returns how many reached their adapter."""
        sent = 0
        for reminder in await self._reminders.due(self._clock(), self._deliveries.platforms):
            if await self._deliver(reminder):
                sent += 1
        return sent

    async def _deliver(self, reminder: Reminder) -> bool:
        user = await self._users.get(reminder.platform, reminder.user_id)
        language = (user.language if user else None) or "en"
        as_voice = user is not None and user.reply_mode in (ReplyMode.VOICE, ReplyMode.BOTH)
        text = reminder_text(reminder, user, language)
        try:
            async with asyncio.timeout(self._delivery_timeout):
                await self._deliveries.deliver(
                    reminder.platform, reminder.chat_id, reminder.user_id, text, language, as_voice
                )
        except Exception:
            log.warning("reminder %d not delivered (attempt %d); will retry", reminder.id, reminder.attempts + 1,
                        exc_info=True)
            await self._reminders.failed_once(reminder, self._clock() + self._retry_after * (reminder.attempts + 1))
            return False
        await self._reminders.delivered(reminder.id)
        log.info("reminder %d delivered on %s", reminder.id, reminder.platform)
        return True
