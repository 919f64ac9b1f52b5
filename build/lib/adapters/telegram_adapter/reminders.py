"""Due reminders on Telegram: the engine's delivery port, sending in the chat where each was set.

The reminder goes through the same delivery as a reply (Markdown as Telegram HTML, voice bubbles, flood
pacing), under the chat's lock so it never lands in the middle of a reply being streamed there.
"""

from __future__ import annotations

from telegram import Bot

from adapters.telegram_adapter.delivery import Delivery
from adapters.telegram_adapter.runtime import Runtime
from adapters.telegram_adapter.sender import Target
from adapters.telegram_adapter.turns import PLATFORM


class TelegramReminders:
    def __init__(self, bot: Bot, runtime: Runtime) -> None:
        self._bot = bot
        self._runtime = runtime

    def attach(self) -> None:
        """Start taking reminders (once the bot is initialised and running)."""
        self._runtime.engine.deliveries.register(PLATFORM, self)

    def detach(self) -> None:
        """Stop taking them: reminders that fall due meanwhile wait in the database for the next start."""
        self._runtime.engine.deliveries.unregister(PLATFORM)

    async def deliver(
        self, platform: str, chat_id: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> None:
        chat = int(chat_id)
        # Private chats have the user's (positive) id; groups and channels have negative ids.
        target = Target(chat_id=chat, private=chat > 0)
        rt = self._runtime
        async with rt.lock(chat):
            delivery = Delivery(rt.sender(self._bot), target, rt.config.stream_interval)
            await delivery.run(rt.engine.announce(platform, user_id, text, language, as_voice))
