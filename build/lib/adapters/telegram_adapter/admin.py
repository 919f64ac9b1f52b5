"""Telegram mapping of the admin and privacy commands (`/admin <op> …`, `/key`, `/export`, `/quiet`), and the
broadcast delivery port. What each command does is core.admin's business; this only parses and delivers.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Bot, Message, Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from adapters.telegram_adapter.runtime import Runtime, target_of
from adapters.telegram_adapter.sender import Sender, Target
from adapters.telegram_adapter.turns import PLATFORM
from core.admin.broadcast import Outcome
from core.admin.own_key import OwnKey
from core.admin.privacy import Privacy
from core.admin.service import Admin, Caller
from core.i18n import t

log = logging.getLogger(__name__)

ADMIN_COMMANDS = ("admin", "key", "export", "quiet")
_BOT_DATA_KEY = "minato_admin"  # where serve() finds the admin commands to attach broadcasts


def attached(app: Application) -> AdminCommands:  # type: ignore[type-arg]
    """The admin commands `install` put on this Application."""
    found = app.bot_data[_BOT_DATA_KEY]
    assert isinstance(found, AdminCommands)
    return found


def argument_of(message: Message) -> str:
    """Everything after the command, as typed (a broadcast keeps its line breaks)."""
    text = message.text or ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


class TelegramDelivery:
    """core.admin.broadcast.Delivery over the Bot API, sharing the adapter's flood pacing with conversations."""

    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    async def to_user(self, user_id: str, text: str) -> Outcome:
        try:
            sent = await self.sender.text(Target(int(user_id), private=True), text, reply=False)
        except (Forbidden, BadRequest) as exc:  # blocked the bot, deleted account, never started a chat
            log.info("broadcast not delivered to one user: %s", type(exc).__name__)
            return Outcome.FAILED
        return Outcome.DELIVERED if sent is not None else Outcome.FAILED

    async def to_chat(self, chat_id: str, text: str) -> None:
        await self.sender.text(Target(int(chat_id), private=int(chat_id) > 0), text, reply=False)


class AdminCommands:
    def __init__(self, runtime: Runtime, admin: Admin) -> None:
        self.runtime = runtime
        self.admin = admin
        self.keys = OwnKey(runtime.engine)
        self.privacy = Privacy(runtime.engine)

    def install(self, app: Application) -> None:  # type: ignore[type-arg]
        app.bot_data[_BOT_DATA_KEY] = self

    async def attach(self, bot: Bot) -> None:
        """Offer broadcasts on Telegram; those a restart interrupted continue now."""
        await self.admin.attach(PLATFORM, TelegramDelivery(self.runtime.sender(bot)))

    async def detach(self) -> None:
        """Stopping: a broadcast pauses between two sends and continues at the next start."""
        await self.admin.shutdown()

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.from_user is None or not message.text:
            return
        rt = self.runtime
        if not await rt.first_time(update, context.bot):
            return
        command = message.text.split()[0][1:].split("@")[0].lower()
        argument = argument_of(message)
        target = target_of(message)
        sender = rt.sender(context.bot)
        if command == "key":
            # Whatever it holds, the message goes first: a key must not stay in the chat history.
            with contextlib.suppress(TelegramError):
                await context.bot.delete_message(message.chat_id, message.message_id)
            target = Target(target.chat_id, target.private, None, target.thread_id)
        async with rt.lock(message.chat_id):
            person = await rt.person(message.from_user, message.chat_id)
            if command == "admin":
                caller = Caller(PLATFORM, person.user_id, str(message.chat_id), person.language)
                await sender.text(target, await self.admin.run(caller, argument), reply=not target.private)
            elif command == "key":
                await sender.plain(target, await self.keys.command(person, argument, private=target.private))
            elif command == "export":
                if not target.private:
                    await sender.plain(target, t("export_private_only", person.language))
                    return
                data = await self.privacy.export(person)
                await sender.document(target, data, "minato-export.json", self.privacy.export_caption(person))
            elif command == "quiet":
                on = argument.lower() != "off"
                await sender.plain(target, await self.privacy.quiet(person, on), reply=not target.private)
