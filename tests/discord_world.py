"""Discord tests that read like conversations, over the fake Discord and the real discord.py client:

    kenji = dc.member("Kenji", nick="Ken")
    heard = await kenji.says("<@bot> こんにちは")       # `<@bot>` becomes a real mention of Minato
    assert "Ken" in heard.text

`says` sends a real MESSAGE_CREATE through the gateway and returns once the bot has finished with it,
with every REST call the bot made meanwhile. `uses("name", name="Ken-chan")` runs a slash command.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket
from pydantic import SecretStr

from bots.discord_bot import HANDLED_EVENT, MinatoDiscord, point_at, serve
from bots.settings import DiscordSettings
from core.engine import Engine
from tests.fakes.discord_payloads import now_iso, user_payload
from tests.fakes.discord_server import VOICE_FLAG, Call, FakeDiscord

WAIT = 10.0
TOKEN = "discord-test-token-0123456789"


@dataclass
class Heard:
    """What the bot did in answer to one message or command."""

    calls: list[Call]
    channel_messages: list[dict[str, Any]]

    @property
    def posts(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST" and c.path.endswith("/messages") and c.status == 200]

    @property
    def edits(self) -> list[Call]:
        return [c for c in self.calls if c.method == "PATCH" and c.status == 200]

    @property
    def messages(self) -> list[str]:
        """The final text of each message the bot posted, in order (after every edit)."""
        return [m["content"] for m in self.channel_messages if m["content"]]

    @property
    def text(self) -> str:
        return "\n".join(self.messages)

    @property
    def voice_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.channel_messages if m["flags"] & VOICE_FLAG]

    @property
    def typed(self) -> bool:
        return any(c.path.endswith("/typing") for c in self.calls)


@dataclass
class Speaker:
    world: DiscordWorld
    user: dict[str, Any]
    member: dict[str, Any] | None = None
    guild: dict[str, Any] | None = None
    dm_channel: str = ""

    async def says(self, text: str = "", *, channel: dict[str, Any] | None = None,
                   attachments: tuple[dict[str, Any], ...] = (), reply_to: dict[str, Any] | None = None,
                   flags: int = 0, message_id: str | None = None) -> Heard:
        return await self.world.send(self, text, channel=channel, attachments=attachments, reply_to=reply_to,
                                     flags=flags, message_id=message_id)

    async def uses(self, command: str, *, channel: dict[str, Any] | None = None, locale: str = "en-US",
                   **options: Any) -> Heard:
        return await self.world.command(self, command, options, channel=channel, locale=locale)


@dataclass
class DiscordWorld:
    fake: FakeDiscord
    bot: MinatoDiscord
    guild: dict[str, Any]

    @property
    def general(self) -> dict[str, Any]:
        return self.guild["channels"][0]

    def channel(self) -> discord.TextChannel:
        """#general as the bot's discord.py sees it, for tests that deliver to it directly."""
        channel = self.bot.get_channel(int(self.general["id"]))
        assert isinstance(channel, discord.TextChannel)
        return channel

    def _user(self, name: str, global_name: str | None) -> dict[str, Any]:
        return user_payload(str(self.fake.new_id()), name.lower(), global_name)

    def dm_user(self, name: str, *, global_name: str | None = None) -> Speaker:
        return Speaker(self, self._user(name, global_name), dm_channel=str(self.fake.new_id()))

    def member(self, name: str, *, nick: str | None = None, global_name: str | None = None) -> Speaker:
        member = {"nick": nick, "roles": [], "joined_at": now_iso(), "deaf": False, "mute": False, "flags": 0}
        return Speaker(self, self._user(name, global_name), member=member, guild=self.guild)

    def voice_attachment(self, ogg: bytes, duration: float, waveform: bytes) -> dict[str, Any]:
        url = self.fake.host_file("voice-message.ogg", ogg)
        return {"id": str(self.fake.new_id()), "filename": "voice-message.ogg", "size": len(ogg), "url": url,
                "proxy_url": url, "content_type": "audio/ogg", "duration_secs": duration,
                "waveform": base64.b64encode(waveform).decode()}

    def file_attachment(self, filename: str, data: bytes, content_type: str, size: int | None = None) -> dict[str, Any]:
        url = self.fake.host_file(filename, data)
        return {"id": str(self.fake.new_id()), "filename": filename, "size": size or len(data), "url": url,
                "proxy_url": url, "content_type": content_type}

    def bot_message(self, heard: Heard) -> dict[str, Any]:
        """The bot's last posted message in `heard`, as a raw payload (to reply to it)."""
        return heard.channel_messages[-1]

    def _mentions(self, text: str) -> tuple[str, list[dict[str, Any]]]:
        if "<@bot>" in text:
            return text.replace("<@bot>", f"<@{self.fake.app_id}>"), [self.fake.bot_user]
        return text, []

    async def send(self, speaker: Speaker, text: str, *, channel: dict[str, Any] | None,
                   attachments: tuple[dict[str, Any], ...], reply_to: dict[str, Any] | None, flags: int,
                   message_id: str | None) -> Heard:
        content, mentions = self._mentions(text)
        channel_id = (channel or self.general)["id"] if speaker.guild else speaker.dm_channel
        payload: dict[str, Any] = {
            "id": message_id or str(self.fake.new_id()), "channel_id": channel_id, "author": speaker.user,
            "content": content, "timestamp": now_iso(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": mentions, "mention_roles": [],
            "attachments": list(attachments), "embeds": [], "pinned": False, "type": 0, "flags": flags,
        }
        if speaker.guild:
            payload["guild_id"] = speaker.guild["id"]
            payload["member"] = speaker.member
        if reply_to is not None:
            payload["type"] = 19
            payload["message_reference"] = {"message_id": reply_to["id"], "channel_id": reply_to["channel_id"]}
            payload["referenced_message"] = reply_to
            if "guild_id" in payload:
                payload["message_reference"]["guild_id"] = payload["guild_id"]
            # A reply pings its author by default, which is what makes it a mention for Discord.
            payload["mentions"] = [*mentions, reply_to["author"]]
        mark = len(self.fake.calls)
        before = len(self.fake.messages.get(channel_id, []))
        done = asyncio.ensure_future(
            self.bot.wait_for(HANDLED_EVENT, check=lambda mid: mid == int(payload["id"]), timeout=WAIT)
        )
        await self.fake.dispatch("MESSAGE_CREATE", self.fake.visible(payload))
        await done
        return Heard(self.fake.calls[mark:], self.fake.messages.get(channel_id, [])[before:])

    async def command(self, speaker: Speaker, name: str, options: dict[str, Any], *,
                      channel: dict[str, Any] | None, locale: str) -> Heard:
        interaction_id = str(self.fake.new_id())
        token = f"token-{interaction_id}"
        data: dict[str, Any] = {
            "id": str(self.fake.new_id()), "name": name, "type": 1,
            "options": [{"name": k, "type": 3, "value": v} for k, v in options.items()],
        }
        payload: dict[str, Any] = {
            "id": interaction_id, "application_id": self.fake.app_id, "type": 2, "token": token, "version": 1,
            "data": data, "locale": locale, "app_permissions": "2251799813685247",
            "attachment_size_limit": 26214400, "entitlements": [], "authorizing_integration_owners": {},
        }
        if speaker.guild:
            chan = channel or self.general
            payload |= {"guild_id": speaker.guild["id"], "channel_id": chan["id"], "channel": chan,
                        "member": {"permissions": "0", **(speaker.member or {}), "user": speaker.user},
                        "guild_locale": "en-US", "context": 0}
        else:
            payload |= {"channel_id": speaker.dm_channel, "user": speaker.user, "context": 1,
                        "channel": {"id": speaker.dm_channel, "type": 1, "recipients": [speaker.user]}}
        return await self._interact(payload, token, "app_command_completion")

    async def press(self, speaker: Speaker, heard: Heard, custom_id: str) -> Heard:
        """Press a button on the message a command answered with."""
        message = heard.channel_messages[-1]
        interaction_id = str(self.fake.new_id())
        token = f"token-{interaction_id}"
        payload: dict[str, Any] = {
            "id": interaction_id, "application_id": self.fake.app_id, "type": 3, "token": token, "version": 1,
            "data": {"custom_id": custom_id, "component_type": 2}, "locale": "en-US",
            "message": {**message, "channel_id": speaker.dm_channel or self.general["id"]},
            "attachment_size_limit": 26214400, "entitlements": [], "authorizing_integration_owners": {},
            "channel_id": speaker.dm_channel, "user": speaker.user, "context": 1,
            "channel": {"id": speaker.dm_channel, "type": 1, "recipients": [speaker.user]},
        }
        return await self._interact(payload, token, None)

    async def _interact(self, payload: dict[str, Any], token: str, event: str | None) -> Heard:
        mark = len(self.fake.calls)
        channel = self.fake.interaction_channel(token)
        if event is None:
            await self.fake.dispatch("INTERACTION_CREATE", payload)
            await self.fake.wait_for_call("POST", f"/interactions/{payload['id']}/")
        else:
            done = asyncio.ensure_future(self.bot.wait_for(
                event, check=lambda i, _c: i.id == int(payload["id"]), timeout=WAIT))
            await self.fake.dispatch("INTERACTION_CREATE", payload)
            await done
        return Heard(self.fake.calls[mark:], self.fake.messages.get(channel, []))


@asynccontextmanager
async def discord_world(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, **settings: Any
) -> AsyncIterator[DiscordWorld]:
    """A fake Discord with one server ("Tea House": #general, #random) and Minato connected to it."""
    fake = FakeDiscord()
    await fake.start()
    guild = fake.add_guild("Tea House", ("general", "random"))
    # point_at() sets discord.py class attributes; monkeypatch puts the originals back after the test.
    monkeypatch.setattr(discord.http.Route, "BASE", discord.http.Route.BASE)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", DiscordWebSocket.DEFAULT_GATEWAY)
    config = DiscordSettings(bot_token=SecretStr(TOKEN), api_url=fake.api_url, gateway_url=fake.gateway_url,
                             **{"edit_interval": 0.05, **settings})
    point_at(config)
    bot = MinatoDiscord(engine, config)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(bot, TOKEN, stop))
    try:
        await asyncio.wait_for(fake.connected.wait(), WAIT)
        yield DiscordWorld(fake, bot, guild)
    finally:
        stop.set()
        await asyncio.wait_for(running, WAIT)
        await fake.close()
