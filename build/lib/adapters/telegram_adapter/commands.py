"""Telegram commands mapped onto core.account, their menu (`setMyCommands`, localized), and /forget's buttons.

The adapter only parses arguments and shows the answer; what each command does is core.account's business.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.telegram_adapter.runtime import Runtime, target_of
from adapters.telegram_adapter.turns import PLATFORM
from core.i18n import FALLBACK, available, t
from core.language import normalize

log = logging.getLogger(__name__)

COMMANDS = ("start", "help", "reset", "voice", "name", "language", "timezone", "memory", "forget")
# Handled in admin.py, shown in the menu so users find them; /admin itself stays out of everyone's menu.
PRIVACY_COMMANDS = ("quiet", "export", "key")
FORGET = "forget"


def menu(language: str) -> list[BotCommand]:
    return [BotCommand(name, t(f"tg_cmd_{name}", language)) for name in (*COMMANDS, *PRIVACY_COMMANDS)]


async def register_commands(bot: Bot) -> None:
    """The command menu in every language Minato speaks; English for everyone else.

    A menu is a convenience: if Telegram refuses (e.g. flood control after many restarts), the commands
    still work when typed, so the bot starts anyway.
    """
    try:
        await bot.set_my_commands(menu(FALLBACK))
        for language in available():
            await bot.set_my_commands(menu(language), language_code=language)
    except TelegramError as exc:
        log.warning("could not register the command menu (%s); commands still work", type(exc).__name__)


class Commands:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.from_user is None or not message.text:
            return
        rt = self.runtime
        command = message.text.split()[0][1:].split("@")[0].lower()
        argument = " ".join(context.args or [])
        target = target_of(message)
        sender = rt.sender(context.bot)
        account = rt.engine.account
        async with rt.lock(message.chat_id):  # before any await, to keep the chat's order (see messages.py)
            if not await rt.first_time(update, context.bot):
                return
            person = await rt.person(message.from_user, message.chat_id)
            chat = str(message.chat_id)
            if command == FORGET:
                question, yes, no = account.forget_prompt(person)
                owner = message.from_user.id
                buttons = InlineKeyboardMarkup([[
                    InlineKeyboardButton(yes, callback_data=f"{FORGET}:yes:{owner}"),
                    InlineKeyboardButton(no, callback_data=f"{FORGET}:no:{owner}"),
                ]])
                await sender.plain(target, question, reply=not target.private, markup=buttons)
                return
            answers = {
                "start": lambda: account.start(person),
                "help": lambda: account.help(person),
                "reset": lambda: account.reset(person, chat),
                "voice": lambda: account.set_reply_mode(person, argument),
                "name": lambda: account.set_name(person, argument),
                "language": lambda: account.set_language(person, argument),
                "timezone": lambda: account.set_timezone(person, argument),
                "memory": lambda: account.memory(person, chat),
            }
            text = await answers[command]()
            await sender.plain(target, text, reply=not target.private)

    async def on_forget_answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None or query.message is None:
            return
        _, answer, owner = query.data.split(":")
        rt = self.runtime
        user = query.from_user
        chat_id = query.message.chat.id
        if str(user.id) != owner:
            # In a group anyone sees the buttons; only the person who asked may answer.
            person = await rt.engine.users.get(PLATFORM, str(user.id))
            language = person.language if person else normalize(user.language_code)
            await query.answer(t("tg_not_yours", language), show_alert=True)
            return
        async with rt.lock(chat_id):
            if not await rt.first_time(update, context.bot):
                await query.answer()
                return
            person = await rt.person(user, chat_id)
            account = rt.engine.account
            text = await account.forget(person) if answer == "yes" else account.keep(person)
            await query.answer()
            await rt.sender(context.bot).edit_plain(chat_id, query.message.message_id, text)
            log.info("forget in chat %s answered %s", chat_id, answer)
