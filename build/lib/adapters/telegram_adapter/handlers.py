"""Wiring the adapter into a python-telegram-bot `Application`: which handler gets which update."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from adapters.telegram_adapter.admin import ADMIN_COMMANDS, AdminCommands
from adapters.telegram_adapter.commands import COMMANDS, FORGET, Commands
from adapters.telegram_adapter.messages import Messages
from adapters.telegram_adapter.runtime import AdapterConfig, Runtime
from core.admin.service import Admin
from core.engine import Engine

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The exception's text is logged through the redacting handler (bots/logs.py); the token never shows.
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("handling update %s failed", update_id, exc_info=context.error)


def install(app: Application, engine: Engine, config: AdapterConfig, admin: Admin) -> Runtime:  # type: ignore[type-arg]
    """Add Minato's handlers. Known commands first; every other message (text, voice, photos…) after."""
    runtime = Runtime(engine, config)
    commands = Commands(runtime)
    admin_commands = AdminCommands(runtime, admin)
    admin_commands.install(app)
    chats = filters.ChatType.PRIVATE | filters.ChatType.GROUPS
    app.add_handler(CommandHandler(list(COMMANDS), commands.on_command, filters=chats))
    app.add_handler(CommandHandler(list(ADMIN_COMMANDS), admin_commands.on_command, filters=chats))
    app.add_handler(CallbackQueryHandler(commands.on_forget_answer, pattern=rf"^{FORGET}:(yes|no):\d+$"))
    app.add_handler(MessageHandler(filters.UpdateType.MESSAGE & chats, Messages(runtime).on_message))
    app.add_error_handler(_on_error)
    return runtime
