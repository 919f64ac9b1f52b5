"""Messages in: decide whether Minato answers, fetch the media, ask the engine, deliver its reply.

Private chats: every message is answered. Groups and supergroups: only messages addressed to Minato
(@mention, a reply to one of its messages, a command); everything else is ignored before anything is
stored or even remembered. Each chat is handled in order under its own lock; a re-delivered update is
dropped.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from adapters.telegram_adapter.delivery import Delivery
from adapters.telegram_adapter.media import MediaProblem, download
from adapters.telegram_adapter.runtime import Runtime, target_of
from adapters.telegram_adapter.turns import attachment_of, chat_kind, is_addressed, text_of, to_turn
from core.turn import ChatKind

log = logging.getLogger(__name__)


class Messages:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.from_user is None or message.from_user.is_bot:
            return
        kind = chat_kind(message)
        if kind is None:
            return
        bot = context.bot
        addressed = is_addressed(message, bot.id, bot.username)
        if kind is ChatKind.GROUP and not addressed:
            return  # others' chatter: not answered, not stored
        rt = self.runtime
        target = target_of(message)
        sender = rt.sender(bot)
        # The lock comes before any await: PTB starts update tasks in arrival order and asyncio locks are
        # first come, first served, so each chat's messages are answered in the order they were sent.
        async with rt.lock(message.chat_id):
            if not await rt.first_time(update, bot):
                log.info("update %s was already handled; ignoring the re-delivery", update.update_id)
                return
            name = rt.name_of(message.from_user, message.chat_id)
            attachment = attachment_of(message)
            data = b""
            if attachment is not None:
                person = await rt.person(message.from_user, message.chat_id)
                try:
                    data = await download(bot, attachment, person.language, rt.config.download_limit)
                except MediaProblem as problem:
                    log.info("attachment in chat %s not usable: %s", message.chat_id, problem.key)
                    await sender.plain(target, problem.text, reply=not target.private)
                    return
            turn = to_turn(message, kind=kind, name=name, addressed=addressed, text=text_of(message, bot.username),
                           attachment=attachment, data=data)
            delivery = Delivery(sender, target, rt.config.stream_interval)
            await delivery.run(rt.engine.respond(turn))
