"""What every Telegram handler shares: the engine, flood pacing, one lock per chat, and update idempotency."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field

from telegram import Bot, Message, Update, User

from adapters.telegram_adapter.media import BOT_API_DOWNLOAD_LIMIT
from adapters.telegram_adapter.pacing import Limits, Pacing
from adapters.telegram_adapter.sender import Sender, Target
from adapters.telegram_adapter.turns import PLATFORM, display_name
from core.engine import Engine
from core.language import normalize
from core.store.events import HandledEvents
from core.store.users import User as Person


@dataclass(frozen=True, slots=True)
class AdapterConfig:
    """How the adapter paces itself; built by bots/ from settings."""

    stream_interval: float = 1.0  # seconds between draft/edit updates of a streamed reply
    limits: Limits = field(default_factory=Limits)
    download_limit: int | None = BOT_API_DOWNLOAD_LIMIT  # None behind a self-hosted Bot API server


def target_of(message: Message) -> Target:
    """Reply where the user wrote: same chat, same forum topic, replying to their message."""
    return Target(
        chat_id=message.chat_id,
        private=message.chat.type == "private",
        message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


class Runtime:
    def __init__(self, engine: Engine, config: AdapterConfig) -> None:
        self.engine = engine
        self.config = config
        self.pacing = Pacing(config.limits)
        self.handled = HandledEvents(engine.db)
        # concurrent_updates(True) runs chats in parallel; this keeps each chat's updates in arrival order.
        # Weak values: a chat's lock lives as long as someone holds or waits for it.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._namesakes: dict[int, dict[str, set[int]]] = {}

    def lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def first_time(self, update: Update, bot: Bot) -> bool:
        """False when Telegram re-delivers an update already handled, even before a restart."""
        return await self.handled.claim(PLATFORM, f"{bot.id}:{update.update_id}")

    def sender(self, bot: Bot) -> Sender:
        return Sender(bot, self.pacing)

    def name_of(self, user: User, chat_id: int) -> str:
        """The display name (see turns.display_name), learning who spoke to Minato in this chat."""
        seen = self._namesakes.setdefault(chat_id, {})
        first = (user.first_name or "").strip().casefold()
        if first:
            seen.setdefault(first, set()).add(user.id)
        return display_name(user, seen)

    async def person(self, user: User, chat_id: int) -> Person:
        """The engine's record of this user (created on first contact)."""
        return await self.engine.account.user(
            PLATFORM, str(user.id), self.name_of(user, chat_id), normalize(user.language_code)
        )
