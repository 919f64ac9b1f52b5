"""Delivering reply events on Discord: one streamed message edited as text arrives (about one edit a second),
split at 2000 characters, notices as their own messages, voice replies as native voice messages.

Where the messages go is a `Sink`: a channel (messages and DMs) or an interaction (slash commands).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import AsyncGenerator
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from typing import Any, Protocol

import discord

from adapters.discord_adapter.voice_message import send_voice_message
from core.events import FinalText, Notice, ReplyEvent, TextDelta, VoiceReply
from core.text import split_message
from core.throttle import UpdateThrottle

log = logging.getLogger(__name__)

LIMIT = 2000
AUDIO_FILENAME = "minato.ogg"
# Model text must never ping @everyone, roles or users.
NO_PINGS = discord.AllowedMentions.none()


class Sink(Protocol):
    async def send(self, text: str) -> Any: ...
    async def edit(self, posted: Any, text: str) -> None: ...
    async def delete(self, posted: Any) -> None: ...
    async def send_voice(self, reply: VoiceReply) -> bool:
        """Post a native voice message; False when that is refused or impossible here."""
        ...

    async def send_audio(self, reply: VoiceReply, text: str) -> None: ...
    def typing(self) -> AbstractAsyncContextManager[Any]: ...


def _audio_file(reply: VoiceReply) -> discord.File:
    return discord.File(io.BytesIO(reply.ogg), filename=AUDIO_FILENAME)


class ChannelSink:
    """Messages in a channel or DM; in servers the first one replies to the user's message."""

    def __init__(self, channel: discord.abc.Messageable, reply_to: discord.Message | None = None) -> None:
        self.channel = channel
        self._reference = reply_to.to_reference(fail_if_not_exists=False) if reply_to is not None else None

    def _take_reference(self) -> discord.MessageReference | None:
        reference, self._reference = self._reference, None
        return reference

    async def send(self, text: str) -> discord.Message:
        reference = self._take_reference()
        if reference is None:
            return await self.channel.send(text, allowed_mentions=NO_PINGS)
        return await self.channel.send(text, reference=reference, mention_author=False, allowed_mentions=NO_PINGS)

    async def edit(self, posted: discord.Message, text: str) -> None:
        await posted.edit(content=text, allowed_mentions=NO_PINGS)

    async def delete(self, posted: discord.Message) -> None:
        await posted.delete()

    async def send_voice(self, reply: VoiceReply) -> bool:
        try:
            await send_voice_message(self.channel, reply.ogg, reply.duration, reply.waveform)
        except discord.HTTPException as exc:
            log.info("voice message refused (HTTP %s); sending an audio file instead", exc.status)
            return False
        return True

    async def send_audio(self, reply: VoiceReply, text: str) -> None:
        await self.channel.send(text or None, file=_audio_file(reply), allowed_mentions=NO_PINGS)

    def typing(self) -> AbstractAsyncContextManager[Any]:
        return self.channel.typing()


class InteractionSink:
    """A deferred slash command: the first message replaces "thinking…", the rest are followups.

    Webhook followups cannot carry the voice-message flag, so voice arrives as an audio file."""

    def __init__(self, interaction: discord.Interaction) -> None:
        self.interaction = interaction
        self._original_used = False

    async def send(self, text: str) -> Any:
        if not self._original_used:
            self._original_used = True
            return await self.interaction.edit_original_response(content=text, allowed_mentions=NO_PINGS)
        return await self.interaction.followup.send(text, wait=True, allowed_mentions=NO_PINGS)

    async def edit(self, posted: Any, text: str) -> None:
        await posted.edit(content=text, allowed_mentions=NO_PINGS)

    async def delete(self, posted: Any) -> None:
        await posted.delete()

    async def send_voice(self, reply: VoiceReply) -> bool:
        return False

    async def send_audio(self, reply: VoiceReply, text: str) -> None:
        if not self._original_used:
            self._original_used = True
            await self.interaction.edit_original_response(content=text or None, attachments=[_audio_file(reply)])
            return
        await self.interaction.followup.send(text or discord.utils.MISSING, file=_audio_file(reply), wait=True)

    def typing(self) -> AbstractAsyncContextManager[Any]:
        return contextlib.nullcontext()  # the deferred response already shows "Minato is thinking…"


class Delivery:
    """One reply in progress: the messages posted so far and what each shows."""

    def __init__(self, sink: Sink, interval: float) -> None:
        self.sink = sink
        self.throttle = UpdateThrottle(interval)
        self.posted: list[tuple[Any, str]] = []
        self.streamed = ""
        self.text_shown = False
        self._typing = AsyncExitStack()

    async def start_typing(self) -> None:
        try:
            await self._typing.enter_async_context(self.sink.typing())
        except discord.HTTPException as exc:  # no permission to type is no reason not to answer
            log.info("typing indicator refused: %s", exc.status)

    async def stop_typing(self) -> None:
        await self._typing.aclose()

    async def show(self, text: str) -> None:
        """Make the posted messages show `text`: edit what changed, post what is new, drop what is left over."""
        chunks = split_message(text, LIMIT)
        if not chunks:
            return
        await self.stop_typing()
        for index, chunk in enumerate(chunks):
            if index < len(self.posted):
                posted, shown = self.posted[index]
                if shown != chunk:
                    await self.sink.edit(posted, chunk)
                    self.posted[index] = (posted, chunk)
            else:
                self.posted.append((await self.sink.send(chunk), chunk))
        for posted, _ in self.posted[len(chunks):]:
            await self.sink.delete(posted)
        del self.posted[len(chunks):]
        self.throttle.sent(text)
        self.text_shown = True

    async def notice(self, text: str) -> None:
        if self.streamed and self.throttle.last_text != self.streamed:
            await self.show(self.streamed)  # what arrived before the trouble stays visible
        await self.stop_typing()
        await self.sink.send(text)

    async def voice(self, reply: VoiceReply) -> None:
        await self.stop_typing()
        if await self.sink.send_voice(reply):
            return
        # The text travels with the audio unless it was already shown as text.
        chunks = [] if self.text_shown else split_message(reply.text, LIMIT)
        await self.sink.send_audio(reply, chunks[0] if chunks else "")
        for chunk in chunks[1:]:
            await self.sink.send(chunk)


async def deliver(events: AsyncGenerator[ReplyEvent, None], sink: Sink, *, interval: float = 1.0) -> None:
    """Show a reply stream on Discord. Activity and transcript events only keep the typing indicator going."""
    delivery = Delivery(sink, interval)
    await delivery.start_typing()
    try:
        async with contextlib.aclosing(events) as stream:
            async for event in stream:
                if isinstance(event, TextDelta):
                    delivery.streamed += event.text
                    if delivery.throttle.due(delivery.streamed):
                        await delivery.show(delivery.streamed)
                elif isinstance(event, FinalText):
                    await delivery.show(event.text)
                elif isinstance(event, Notice):
                    await delivery.notice(event.text)
                elif isinstance(event, VoiceReply):
                    await delivery.voice(event)
    finally:
        await delivery.stop_typing()
