"""Telegram tests that read like conversations: `heard = await tg.user("Amélie").says("Bonjour")`.

The real bot (bots/telegram_bot.build + serve: python-telegram-bot's Application, long polling) runs against
the fake Bot API server, with the real engine behind it. A user's message is pushed as an update; `says`
returns once the bot has finished handling it, with every Bot API call the bot made to that chat meanwhile.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bots.settings import Settings, TelegramSettings
from bots.telegram_bot import build, serve
from core.engine import Engine
from tests.fakes.telegram_objects import Call, FakeChat, FakeUser, Sent
from tests.fakes.telegram_server import FakeTelegram

_user_ids = itertools.count(5001)
_group_ids = itertools.count(1)
_query_ids = itertools.count(1)
WEBHOOK_SECRET = "webhook-secret-0123456789"


@dataclass
class Delivered:
    """What the bot did in one chat while handling one message."""

    fake: FakeTelegram
    chat_id: int
    message_id: int
    calls: list[Call]
    update: dict[str, Any]

    def _of(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods and c.status == 200]

    @property
    def drafts(self) -> list[str]:
        return [c.params.get("text", "") for c in self._of("sendMessageDraft")]

    @property
    def messages(self) -> list[Sent]:
        """The bot's new messages, as they stand now (after edits)."""
        ids = [c.result["message_id"] for c in self._of("sendMessage", "sendVoice", "sendDocument")]
        return [self.fake.sent[(self.chat_id, i)] for i in ids if (self.chat_id, i) in self.fake.sent]

    @property
    def texts(self) -> list[str]:
        return [m.text for m in self.messages if m.kind == "text"]

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)

    @property
    def replies(self) -> list[Sent]:
        """Messages that reply to the user's message."""
        return [m for m in self.messages if m.reply_to == self.message_id]

    @property
    def voices(self) -> list[Sent]:
        return [m for m in self.messages if m.kind == "voice"]

    @property
    def documents(self) -> list[Sent]:
        return [m for m in self.messages if m.kind == "document"]

    @property
    def actions(self) -> list[str]:
        return [c.params["action"] for c in self._of("sendChatAction")]

    @property
    def nothing(self) -> bool:
        return not self.calls


@dataclass
class TgUser:
    chat: TelegramChat
    user: FakeUser
    private: FakeChat = field(init=False)

    def __post_init__(self) -> None:
        self.private = FakeChat(self.user.id, "private", first_name=self.user.first_name)

    async def says(self, text: str, *, chat: FakeChat | None = None, reply_to: Sent | None = None,
                   thread_id: int | None = None) -> Delivered:
        fake = self.chat.fake
        reply = fake.sent_as_message(reply_to) if reply_to else None
        update = fake.message(chat or self.private, self.user, text=text, reply_to=reply, thread_id=thread_id)
        return await self.chat.deliver(update)

    async def sends(self, chat: FakeChat | None = None, caption: str | None = None, **media: Any) -> Delivered:
        """A message with media, e.g. `voice={...}` built with `file()`."""
        update = self.chat.fake.message(chat or self.private, self.user, caption=caption, **media)
        return await self.chat.deliver(update)

    def file(self, data: bytes, path: str, **fields: Any) -> dict[str, Any]:
        file_id = self.chat.fake.add_file(data, path)
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data), **fields}

    async def presses(self, message: Sent, button: int) -> Delivered:
        """Press one of the inline buttons under one of the bot's messages."""
        fake = self.chat.fake
        assert message.reply_markup is not None, "that message has no buttons"
        data = message.reply_markup["inline_keyboard"][0][button]["callback_data"]
        update = fake.new_update(callback_query={
            "id": f"cq{next(_query_ids)}", "from": self.user.as_dict(), "chat_instance": "ci",
            "data": data, "message": fake.sent_as_message(message),
        })
        return await self.chat.deliver(update, chat_id=message.chat_id, message_id=message.message_id)


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `condition()` holds, for things no event announces (e.g. a request reaching a fake)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():  # the state of a fake changes without any event to wait on
        assert asyncio.get_running_loop().time() < deadline, "condition never became true"
        await asyncio.sleep(0.01)


class TelegramChat:
    """The harness: the fake Bot API, the real bot running over it, and people to talk with."""

    def __init__(self, fake: FakeTelegram, engine: Engine, *, stream_interval: float = 0.05,
                 webhook_port: int | None = None, admin_ids: frozenset[str] = frozenset()) -> None:
        self.fake = fake
        self.engine = engine
        webhook = {}
        if webhook_port is not None:
            webhook = {"webhook_url": f"http://127.0.0.1:{webhook_port}/telegram-hook", "webhook_port": webhook_port,
                       "webhook_listen": "127.0.0.1", "webhook_secret": WEBHOOK_SECRET}
        self.settings = Settings(telegram=TelegramSettings(
            bot_token=fake.token, api_url=fake.root, stream_interval=stream_interval,
            self_hosted=False,  # the fake plays api.telegram.org, 20 MB download limit included
            admin_ids=admin_ids,
            **webhook,
        ))
        self.app: Application | None = None  # type: ignore[type-arg]
        self._handled: Counter[int] = Counter()
        self._progress = asyncio.Condition()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def _mark(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Runs after every handler of the bot for this update (highest group): the update is fully handled.
        assert isinstance(update, Update)
        async with self._progress:
            self._handled[update.update_id] += 1
            self._progress.notify_all()

    async def start(self, engine: Engine | None = None) -> None:
        self.engine = engine or self.engine
        self.app = build(self.settings, self.engine)
        self.app.add_handler(TypeHandler(Update, self._mark), group=99)
        self._stop = asyncio.Event()
        self.fake.polling.clear()
        self.fake.webhook_url = None
        self._task = asyncio.create_task(serve(self.app, self.settings.telegram, self._stop))
        task, app = self._task, self.app

        def listening() -> bool:
            if task.done():
                task.result()  # the bot died on startup: show why
            return app.running and (self.fake.polling.is_set() or self.fake.webhook_url is not None)

        await eventually(listening)

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, 15)
            self._task = None

    def user(self, first_name: str, *, last_name: str | None = None, language: str | None = "fr",
             user_id: int | None = None, username: str | None = None) -> TgUser:
        user = FakeUser(user_id or next(_user_ids), first_name, last_name, username, language)
        return TgUser(self, user)

    def group(self, title: str = "Les copains", *, forum: bool = False) -> FakeChat:
        return FakeChat(-1_000_000_000 - next(_group_ids), "supergroup", title=title, is_forum=forum)

    @property
    def mention(self) -> str:
        return f"@{self.fake.bot.username}"

    async def deliver(self, update: dict[str, Any], *, chat_id: int | None = None,
                      message_id: int | None = None) -> Delivered:
        """Push one update and wait until the bot has handled it; what did it do in that chat?"""
        body = update.get("message") or {}
        chat_id = chat_id if chat_id is not None else body["chat"]["id"]
        message_id = message_id if message_id is not None else body["message_id"]
        update_id = update["update_id"]
        since = len(self.fake.calls)
        async with self._progress:
            before = self._handled[update_id]
            if self.fake.webhook_url is not None:
                await self.post_to_webhook(update)
            else:
                self.fake.push(update)
            await asyncio.wait_for(self._progress.wait_for(lambda: self._handled[update_id] > before), 20)
        assert chat_id is not None and message_id is not None
        return Delivered(self.fake, chat_id, message_id, self.fake.calls_to(chat_id, since), update)

    async def post_to_webhook(self, update: dict[str, Any], secret: str = WEBHOOK_SECRET) -> int:
        """What Telegram does in webhook mode: POST the update to the bot's public URL."""
        assert self.fake.webhook_url is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with aiohttp.ClientSession() as session, session.post(
            self.fake.webhook_url, json=update, headers=headers
        ) as response:
            return response.status

    async def redeliver(self, earlier: Delivered) -> Delivered:
        """Telegram sends the very same update again (at-least-once delivery)."""
        return await self.deliver(earlier.update, chat_id=earlier.chat_id, message_id=earlier.message_id)
