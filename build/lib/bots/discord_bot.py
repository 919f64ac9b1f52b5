"""The Discord runner: a discord.py client that holds the engine, answers messages and slash commands.

`run(settings, engine, stop)` points discord.py at `DISCORD_API_URL` / `DISCORD_GATEWAY_URL`, logs in,
syncs the slash commands, and runs until `stop` is set. discord.py itself handles rate limits (it waits out
each 429), heartbeats, and reconnects (resuming the session when it can).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import discord
import yarl
from discord import app_commands
from discord.gateway import DiscordWebSocket

from adapters.discord_adapter import admin_commands, commands
from adapters.discord_adapter.incoming import (
    MAX_DOWNLOAD_BYTES,
    PLATFORM,
    fetch_media,
    free_channel_key,
    is_addressed,
    to_turn,
)
from adapters.discord_adapter.outgoing import ChannelSink, deliver
from adapters.discord_adapter.reminders import DiscordReminders
from bots.platforms import PlatformStartError
from bots.settings import DiscordSettings, Settings
from core.admin.config import AdminConfig
from core.admin.service import Admin
from core.engine import Engine
from core.i18n import t
from core.store.events import HandledEvents
from core.store.free_channels import FreeChannels

log = logging.getLogger(__name__)

CONVERSATION = (discord.MessageType.default, discord.MessageType.reply)
HANDLED_EVENT = "minato_handled"  # dispatched after each message, whether answered or not
# On stop, replies already streaming get this long to finish before the connection closes
# (container runtimes usually allow 10 s between SIGTERM and SIGKILL).
DRAIN_SECONDS = 8.0


def intents_for(settings: DiscordSettings) -> discord.Intents:
    """DMs and guild messages; message content only when the operator enabled the privileged intent."""
    intents = discord.Intents.default()
    intents.message_content = settings.message_content
    return intents


class TrackedTree(app_commands.CommandTree[discord.Client]):
    """The slash command tree; each command that starts counts as work in progress (see `MinatoDiscord.drain`)."""

    def __init__(self, client: MinatoDiscord) -> None:
        super().__init__(client)
        self.bot = client

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return self.bot.track()


class MinatoDiscord(discord.Client):
    """Holds the engine (never inherits it); translates with adapters.discord_adapter."""

    def __init__(self, engine: Engine, settings: DiscordSettings) -> None:
        super().__init__(intents=intents_for(settings), allowed_mentions=discord.AllowedMentions.none())
        self.engine = engine
        self.settings = settings
        self.free_channels = FreeChannels(engine.db)
        self.handled = HandledEvents(engine.db)
        self.tree = TrackedTree(self)
        commands.install(self.tree, engine, edit_interval=settings.edit_interval)
        self.admin = Admin(engine, AdminConfig(admins={PLATFORM: settings.admin_ids}))
        admin_commands.install(self.tree, engine, self.admin)
        self._busy: set[asyncio.Task[object]] = set()
        self._draining = False

    def track(self) -> bool:
        """Count the running event handler as work in progress; False once shutting down (take no new work)."""
        if self._draining:
            return False
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)
            task.add_done_callback(self._busy.discard)
        return True

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Stop taking messages and let the replies in progress finish (up to `timeout` seconds)."""
        self._draining = True
        busy = [task for task in self._busy if task is not asyncio.current_task()]
        if busy:
            log.info("waiting for %d reply(ies) in progress before closing", len(busy))
            _, late = await asyncio.wait(busy, timeout=timeout)
            if late:
                log.warning("%d reply(ies) still running after %.0f s; closing anyway", len(late), timeout)

    async def setup_hook(self) -> None:
        self.engine.deliveries.register(PLATFORM, DiscordReminders(self, self.engine))
        # Broadcasts a restart interrupted continue now (they pace themselves; DMs need no gateway).
        await self.admin.attach(PLATFORM, admin_commands.DiscordDelivery(self))
        await self.tree.set_translator(commands.CatalogTranslator())
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(id=self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands", len(synced))

    async def close(self) -> None:
        await self.admin.shutdown()  # a broadcast stops between two sends and resumes at the next start
        await super().close()

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s (%d servers)", self.user, len(self.guilds))

    async def on_message(self, message: discord.Message) -> None:
        if not self.track():
            return
        try:
            await self._handle(message)
        except Exception:
            log.exception("message %s in channel %s could not be answered", message.id, message.channel.id)
            await self._apologise(message)
        finally:
            self.dispatch(HANDLED_EVENT, message.id)

    async def _language(self, message: discord.Message) -> str | None:
        user = await self.engine.users.get(PLATFORM, str(message.author.id))
        return user.language if user else None

    async def _apologise(self, message: discord.Message) -> None:
        with contextlib.suppress(discord.HTTPException):
            await message.channel.send(t("discord_something_broke", await self._language(message)))

    async def _handle(self, message: discord.Message) -> None:
        me = self.user
        if me is None or message.type not in CONVERSATION or message.author.bot:
            return
        key = free_channel_key(message)
        free = key is not None and await self.free_channels.is_free(PLATFORM, *key)
        if not is_addressed(message, me, free_channel=free):
            return
        explicit = is_addressed(message, me, free_channel=False)
        if not explicit and not message.content and not message.attachments:
            return  # free channel without the content intent: Discord sent us nothing to answer
        if not await self.handled.claim(PLATFORM, f"message:{message.id}"):
            log.info("message %s was delivered again; already answered", message.id)
            return
        media = await fetch_media(message)
        turn = to_turn(message, me, media)
        sink = ChannelSink(message.channel, reply_to=None if turn.is_private else message)
        if media.too_large or media.failed:
            language = await self._language(message)
            if media.too_large:
                await sink.send(t("discord_attachment_too_large", language, limit=MAX_DOWNLOAD_BYTES // 2**20))
            if media.failed:
                await sink.send(t("discord_attachment_failed", language))
            if not (turn.text or turn.audio or turn.images):
                return
        await deliver(self.engine.respond(turn), sink, interval=self.settings.edit_interval)


def point_at(settings: DiscordSettings) -> None:
    """Aim discord.py at the configured REST base and gateway (a rate-limit proxy, or a fake in tests).

    discord.py reads both from class attributes, so they are set here, when the runner starts."""
    discord.http.Route.BASE = settings.api_url.rstrip("/")
    if settings.gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


async def serve(client: MinatoDiscord, token: str, stop: asyncio.Event) -> None:
    """Run `client` until `stop` is set or it fails to start (bad token, missing intent), then let the replies
    in progress finish and close it."""
    async with client:
        running = asyncio.create_task(client.start(token), name="discord-client")
        stopping = asyncio.create_task(stop.wait(), name="discord-stop")
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if running in done:
            running.result()  # re-raises LoginFailure / PrivilegedIntentsRequired
            return
        await client.drain()
        client.engine.deliveries.unregister(PLATFORM)  # reminders wait in the database for the next start
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    log.info("Discord client closed")


async def run(settings: Settings, engine: Engine, stop: asyncio.Event) -> None:
    discord_settings = settings.discord
    if discord_settings.bot_token is None:
        raise ValueError("DISCORD_BOT_TOKEN is not set")
    point_at(discord_settings)
    client = MinatoDiscord(engine, discord_settings)
    try:
        await serve(client, discord_settings.bot_token.get_secret_value(), stop)
    except discord.LoginFailure as exc:
        raise PlatformStartError("Discord refused the bot token: check DISCORD_BOT_TOKEN") from exc
    except discord.PrivilegedIntentsRequired as exc:
        raise PlatformStartError(
            "DISCORD_MESSAGE_CONTENT=true needs the Message Content intent enabled in the Developer Portal"
        ) from exc
