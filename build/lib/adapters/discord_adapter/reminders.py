"""Due reminders on Discord: the engine's delivery port, posting in the channel or DM where each was set."""

from __future__ import annotations

import discord

from adapters.discord_adapter.outgoing import ChannelSink, deliver
from core.engine import Engine


class DiscordReminders:
    def __init__(self, client: discord.Client, engine: Engine) -> None:
        self._client = client
        self._engine = engine

    async def deliver(
        self, platform: str, chat_id: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> None:
        # After a restart the channel (a DM above all) is not cached; posting to it by id needs no lookup.
        channel = self._client.get_channel(int(chat_id)) or self._client.get_partial_messageable(int(chat_id))
        if not isinstance(channel, discord.abc.Messageable):
            raise LookupError(f"channel {chat_id} cannot receive messages")  # the scheduler retries, then gives up
        await deliver(self._engine.announce(platform, user_id, text, language, as_voice), ChannelSink(channel))
