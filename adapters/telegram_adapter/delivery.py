"""Delivering the engine's reply events to one Telegram chat: activity, streamed text, voice notes, notices.

- Activity → a chat action (typing / record_voice / upload_voice), repeated until the reply is delivered,
  since Telegram shows an action for only about five seconds.
- TextDelta / FinalText → streaming.TextStream.
- VoiceReply → `sendVoice` replying to the user's message. When the user's privacy settings forbid voice
  messages (400 VOICE_MESSAGES_FORBIDDEN) the audio goes as a document, with the reply's text as caption
  when the text was not already sent (captions hold 1024 characters; the rest follows as messages).
- Notice → a plain message (already in the user's language).
- Transcript → nothing: the user knows what they said, and the reply shows what Minato understood.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from telegram.constants import ChatAction
from telegram.error import BadRequest, TelegramError

from adapters.telegram_adapter.sender import Sender, Target
from adapters.telegram_adapter.streaming import TextStream
from core.events import Activity, ActivityKind, FinalText, Notice, ReplyEvent, TextDelta, VoiceReply
from core.text import split_message

log = logging.getLogger(__name__)

CAPTION_LIMIT = 1024
# Telegram clears a chat action after ~5 s or when a message arrives; refresh it a little sooner.
ACTION_REFRESH = 4.0
_ACTIONS = {
    ActivityKind.TYPING: ChatAction.TYPING,
    ActivityKind.RECORDING: ChatAction.RECORD_VOICE,
    ActivityKind.UPLOADING: ChatAction.UPLOAD_VOICE,
}


class _Indicator:
    """Keeps one chat action alive until replaced or stopped, without making the turn wait for Telegram."""

    def __init__(self, sender: Sender, target: Target) -> None:
        self.sender = sender
        self.target = target
        self._task: asyncio.Task[None] | None = None
        self._sending: set[asyncio.Task[None]] = set()
        self._action: str | None = None

    def show(self, action: str) -> None:
        if action == self._action:
            return
        self.stop()
        self._action = action
        self._send(action)
        self._task = asyncio.create_task(self._refresh(action))

    def _send(self, action: str) -> None:
        # A task of its own: stopping the indicator must not cut a request in half (see `landed`). Each send
        # follows the one before, so "recording…" never lands after the "sending voice…" that replaced it.
        task = asyncio.create_task(self._after(set(self._sending), action))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _after(self, earlier: set[asyncio.Task[None]], action: str) -> None:
        if earlier:
            await asyncio.wait(earlier)
        await self.sender.action(self.target, action)

    async def _refresh(self, action: str) -> None:
        while True:
            await asyncio.sleep(ACTION_REFRESH)
            self._send(action)

    async def landed(self) -> None:
        """Wait for actions still on their way: one arriving after the reply would show "typing…" under it."""
        if self._sending:
            await asyncio.wait(set(self._sending))

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        self._task, self._action = None, None


class Delivery:
    """Turns one stream of reply events into Bot API calls for one chat."""

    def __init__(self, sender: Sender, target: Target, interval: float) -> None:
        self.sender = sender
        self.target = target
        self.text = TextStream(sender, target, interval)
        self.indicator = _Indicator(sender, target)
        self.so_far = ""
        self.text_sent = False

    async def run(self, events: AsyncGenerator[ReplyEvent, None]) -> None:
        try:
            # aclosing: if delivery is cancelled midway, the engine's turn is closed now, not by the GC.
            async with contextlib.aclosing(events) as stream:
                async for event in stream:
                    try:
                        await self.on(event)
                    except TelegramError as exc:
                        # Blocked by the user, chat gone or migrated…: keep consuming, so the engine finishes the
                        # turn and stores the reply either way.
                        log.error("Telegram refused part of a reply in chat %s: %s", self.target.chat_id,
                                  exc.message)
        finally:
            self.indicator.stop()

    async def on(self, event: ReplyEvent) -> None:
        if isinstance(event, Activity):
            self.indicator.show(_ACTIONS[event.kind])
        elif isinstance(event, TextDelta):
            self.so_far += event.text
            await self.text.update(self.so_far)
        elif isinstance(event, FinalText):
            await self.indicator.landed()
            await self.text.finish(event.text)
            self.text_sent = True
            self.indicator.stop()  # delivered; the engine may still tidy up (e.g. summarise) without a "typing…"
        elif isinstance(event, VoiceReply):
            self.indicator.show(ChatAction.UPLOAD_VOICE)
            await self.indicator.landed()
            await self.voice(event)
            self.indicator.stop()
        elif isinstance(event, Notice):
            await self.indicator.landed()
            await self.sender.plain(self.target, event.text, reply=not self.target.private)

    async def voice(self, reply: VoiceReply) -> None:
        try:
            await self.sender.voice(self.target, reply.ogg, reply.duration)
            return
        except BadRequest as exc:
            if "VOICE_MESSAGES_FORBIDDEN" not in exc.message.upper():
                raise
            log.info("voice messages are forbidden in chat %s; sending the audio as a document", self.target.chat_id)
        caption, rest = "", ""
        if not self.text_sent and reply.text.strip():
            pieces = split_message(reply.text, CAPTION_LIMIT)
            caption, rest = pieces[0], "\n\n".join(pieces[1:])
        await self.sender.document(self.target, reply.ogg, "minato.ogg", caption)
        if rest:
            await self.text.finish(rest)
        self.text_sent = self.text_sent or bool(caption)

