"""Every write to a chat, paced under the flood limits, with Telegram's refusals turned into the right retry.

Two kinds of write: *must* writes (a final reply, a notice, a voice note) wait for their slot, honour
`RetryAfter` by waiting and retry, so no text is ever lost; *optional* writes (stream drafts and edits) go
only when a slot is free now and are simply skipped when Telegram pushes back — the final write carries
the same text. Markdown goes out as Telegram HTML; when Telegram cannot parse the entities, the same text
is sent again as plain text.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.warnings import PTBDeprecationWarning

from adapters.telegram_adapter.markup import to_html
from adapters.telegram_adapter.pacing import Pacing

log = logging.getLogger(__name__)

T = TypeVar("T")
# Group slots kept free by optional writes, so the final message of a streamed reply is never the one to wait.
_RESERVE = 3
_NETWORK_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Target:
    """Where a reply goes: the chat, the forum topic if any, and the user's message to reply to."""

    chat_id: int
    private: bool
    message_id: int | None = None
    thread_id: int | None = None

    def reply(self) -> ReplyParameters | None:
        if self.message_id is None:
            return None
        # The user may have deleted their message meanwhile; the answer still matters.
        return ReplyParameters(self.message_id, allow_sending_without_reply=True)


def _seconds(exc: RetryAfter) -> float:
    # PTB 22 warns that `retry_after` will become a timedelta; accept both, without the noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _bad_entities(exc: BadRequest) -> bool:
    return "can't parse entities" in exc.message.lower()


class Sender:
    def __init__(self, bot: Bot, pacing: Pacing) -> None:
        self.bot = bot
        self.pacing = pacing

    async def _call(
        self, chat_id: int, op: Callable[[], Awaitable[T]], must: bool, *, draft: bool = False
    ) -> T | None:
        """Run one write in its slot. None when an optional write was skipped (or a must write kept failing)."""
        failures = 0
        while True:
            if must:
                await self.pacing.wait(chat_id)
            elif self.pacing.ready(chat_id, _RESERVE, draft=draft):
                self.pacing.take(chat_id, draft=draft)
            else:
                return None
            try:
                return await op()
            except RetryAfter as exc:
                seconds = _seconds(exc)
                log.info("Telegram flood control: waiting %.1f s before writing to chat %s", seconds, chat_id)
                self.pacing.hold(chat_id, seconds)
                if not must:
                    return None
            except BadRequest:
                raise
            except NetworkError as exc:  # timeouts and connection trouble; BadRequest is handled above
                failures += 1
                log.warning("writing to chat %s failed (%s), attempt %d", chat_id, type(exc).__name__, failures)
                if not must or failures >= _NETWORK_ATTEMPTS:
                    return None
                await asyncio.sleep(failures)

    async def _formatted(
        self, chat_id: int, markdown: str, send: Callable[[str, str | None], Awaitable[T]], must: bool,
        *, draft: bool = False,
    ) -> T | None:
        """HTML first; plain text when Telegram rejects the entities."""
        try:
            return await self._call(chat_id, lambda: send(to_html(markdown), ParseMode.HTML), must, draft=draft)
        except BadRequest as exc:
            if not _bad_entities(exc):
                raise
            log.warning("Telegram could not parse our HTML (%s); sending plain text", exc.message)
            return await self._call(chat_id, lambda: send(markdown, None), must, draft=draft)

    async def text(self, target: Target, markdown: str, *, must: bool = True, reply: bool = True) -> Message | None:
        """Send Markdown as a new message (replying to the user's message when `reply`)."""

        def send(text: str, mode: str | None) -> Awaitable[Message]:
            return self.bot.send_message(
                target.chat_id, text, parse_mode=mode, message_thread_id=target.thread_id,
                reply_parameters=target.reply() if reply else None,
            )

        return await self._formatted(target.chat_id, markdown, send, must)

    async def plain(
        self, target: Target, text: str, *, reply: bool = True, markup: InlineKeyboardMarkup | None = None
    ) -> Message | None:
        """A message shown exactly as written (notices and command answers: no Markdown to render)."""
        return await self._call(
            target.chat_id,
            lambda: self.bot.send_message(
                target.chat_id, text, message_thread_id=target.thread_id,
                reply_parameters=target.reply() if reply else None, reply_markup=markup,
            ),
            must=True,
        )

    async def edit(self, chat_id: int, message_id: int, markdown: str, *, must: bool) -> bool:
        """Replace a message's text. False when the write was skipped or the message is gone."""

        async def send(text: str, mode: str | None) -> bool:
            try:
                await self.bot.edit_message_text(text, chat_id, message_id, parse_mode=mode)
            except BadRequest as exc:
                if "not modified" in exc.message.lower():
                    return True  # already showing exactly this: nothing is lost
                if "not found" in exc.message.lower():
                    return False
                raise
            return True

        return bool(await self._formatted(chat_id, markdown, send, must))

    async def edit_plain(self, chat_id: int, message_id: int, text: str) -> None:
        """Replace a message's text and drop its buttons (e.g. a confirmation once answered)."""
        try:
            await self._call(chat_id, lambda: self.bot.edit_message_text(text, chat_id, message_id), must=True)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise

    async def draft(self, target: Target, draft_id: int, markdown: str) -> bool:
        """Show a streamed preview in a private chat (optional write)."""

        def send(text: str, mode: str | None) -> Awaitable[bool]:
            return self.bot.send_message_draft(
                target.chat_id, draft_id, text, message_thread_id=target.thread_id, parse_mode=mode
            )

        return bool(await self._formatted(target.chat_id, markdown, send, must=False, draft=True))

    async def voice(self, target: Target, ogg: bytes, duration: float) -> Message | None:
        return await self._call(
            target.chat_id,
            lambda: self.bot.send_voice(
                target.chat_id, ogg, duration=max(1, round(duration)), filename="minato.ogg",
                message_thread_id=target.thread_id, reply_parameters=target.reply(),
            ),
            must=True,
        )

    async def document(self, target: Target, data: bytes, filename: str, caption: str) -> Message | None:
        def send(text: str, mode: str | None) -> Awaitable[Message]:
            return self.bot.send_document(
                target.chat_id, data, filename=filename, caption=text or None, parse_mode=mode,
                message_thread_id=target.thread_id, reply_parameters=target.reply(),
            )

        return await self._formatted(target.chat_id, caption, send, must=True)

    async def action(self, target: Target, action: str) -> None:
        """A chat action (typing…). Not paced: it is not a message, and losing one costs nothing."""
        try:
            await self.bot.send_chat_action(target.chat_id, action, message_thread_id=target.thread_id)
        except (NetworkError, RetryAfter) as exc:
            log.debug("chat action in %s skipped: %s", target.chat_id, type(exc).__name__)
