"""Work a turn leaves behind, done after the reply without holding up the user's next message.

A turn holds its conversation's lock until its event stream ends, so slow follow-up work (a Structured Outputs
call to learn facts from a fold) runs here instead. Each chore's failure is logged and goes no further; at
shutdown, running chores get a moment to finish and the rest are cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Chores:
    def __init__(self) -> None:
        # Strong references: the event loop keeps only weak ones to running tasks.
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, object], name: str) -> None:
        task = asyncio.create_task(self._guarded(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guarded(work: Coroutine[Any, Any, object], name: str) -> None:
        try:
            await work
        except Exception:
            log.exception("chore %s failed", name)

    async def idle(self) -> None:
        """Return once no chore is running (including chores started while waiting)."""
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def close(self, timeout: float = 10.0) -> None:
        """Let running chores finish within `timeout` seconds, then cancel what is left."""
        try:
            async with asyncio.timeout(timeout):
                await self.idle()  # a timeout ends the waiting, not the chores
        except TimeoutError:
            pending = set(self._tasks)
            if not pending:  # the last one ended just as time ran out
                return
            log.warning("cancelling %d unfinished chore(s) at shutdown", len(pending))
            for task in pending:
                task.cancel()
            await asyncio.wait(pending)
