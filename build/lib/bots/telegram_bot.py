"""Running Minato on Telegram: build the python-telegram-bot Application, poll or serve a webhook, stop cleanly."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from telegram.error import InvalidToken
from telegram.ext import Application

from adapters.telegram_adapter.admin import attached
from adapters.telegram_adapter.commands import register_commands
from adapters.telegram_adapter.handlers import ALLOWED_UPDATES, install
from adapters.telegram_adapter.pacing import Limits
from adapters.telegram_adapter.reminders import TelegramReminders
from adapters.telegram_adapter.runtime import AdapterConfig
from bots.platforms import PlatformStartError
from bots.settings import Settings, TelegramSettings
from core.admin.config import AdminConfig
from core.admin.service import Admin
from core.engine import Engine

log = logging.getLogger(__name__)

# Where build() leaves the reminder port for serve() (bot_data is the Application's own dict for such things).
REMINDERS = "minato.reminders"


def adapter_config(tg: TelegramSettings) -> AdapterConfig:
    return AdapterConfig(
        stream_interval=tg.stream_interval,
        limits=Limits(chat_interval=tg.stream_interval),
        download_limit=None if tg.downloads_unlimited else AdapterConfig().download_limit,
    )


def build(settings: Settings, engine: Engine) -> Application:  # type: ignore[type-arg]
    """The Application, talking to TELEGRAM_API_URL, handling chats concurrently (each chat stays in order)."""
    tg = settings.telegram
    assert tg.bot_token is not None, "the runner starts only when TELEGRAM_BOT_TOKEN is set"
    app = (
        Application.builder()
        .token(tg.bot_token.get_secret_value())
        .base_url(f"{tg.api_url}/bot")
        .base_file_url(f"{tg.api_url}/file/bot")
        .concurrent_updates(True)
        .build()
    )
    runtime = install(app, engine, adapter_config(tg), Admin(engine, AdminConfig(admins={"telegram": tg.admin_ids})))
    app.bot_data[REMINDERS] = TelegramReminders(app.bot, runtime)
    return app


async def serve(app: Application, tg: TelegramSettings, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Run until `stop`; then stop fetching, let in-flight replies finish, and shut down."""
    async with app:  # initialize() … shutdown()
        await register_commands(app.bot)
        admin = attached(app)
        await admin.attach(app.bot)  # broadcasts a restart interrupted continue now
        assert app.updater is not None
        if tg.webhook_url:
            await app.updater.start_webhook(
                listen=tg.webhook_listen,
                port=tg.webhook_port,
                url_path=urlsplit(tg.webhook_url).path.lstrip("/"),
                webhook_url=tg.webhook_url,
                secret_token=tg.webhook_secret.get_secret_value() if tg.webhook_secret else None,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("Telegram: receiving updates by webhook on port %d", tg.webhook_port)
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            log.info("Telegram: long polling as @%s", app.bot.username)
        await app.start()
        reminders: TelegramReminders | None = app.bot_data.get(REMINDERS)
        if reminders is not None:
            reminders.attach()  # only now can the bot send: due reminders start flowing
        await stop.wait()
        log.info("Telegram: stopping; replies in progress are finished first")
        if reminders is not None:
            reminders.detach()
        await app.updater.stop()
        await admin.detach()
        await app.stop()  # waits for the handlers still running


async def run(settings: Settings, engine: Engine, stop: asyncio.Event) -> None:
    try:
        await serve(build(settings, engine), settings.telegram, stop)
    except InvalidToken as exc:
        raise PlatformStartError(
            "Telegram refused the bot token: check TELEGRAM_BOT_TOKEN (from @BotFather) and TELEGRAM_API_URL"
        ) from exc
