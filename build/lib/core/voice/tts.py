"""Text to speech, pipelined: sentence chunks are synthesised while the reply still streams, concurrently
(bounded), and joined in order into one OGG/Opus voice note however the chunks finish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import openai
from openai import AsyncOpenAI

from core.config import VoiceConfig
from core.voice.audio import AudioError, VoiceNote, join_ogg
from core.voice.direction import voice_instructions
from core.voice.problems import VoiceError, VoiceProblem
from core.voice.spoken import SentenceChunker, speech_chunks

log = logging.getLogger(__name__)


class Speaker:
    """Makes voice replies with `audio.speech` (one per user turn, see `start`)."""

    def __init__(self, client: Callable[[str | None], AsyncOpenAI], model: str, config: VoiceConfig) -> None:
        self._client = client  # api key (None: the shared one) → client
        self.model = model
        self.config = config

    def start(self, *, voice: str | None, language: str, user_text: str, api_key: str | None = None) -> Synthesis:
        """A new voice reply in `language`, answering `user_text` (whose mood colours the voice), paid with
        `api_key` when the user brought their own."""
        return Synthesis(self, voice or self.config.default_voice, language, user_text, api_key)

    async def say(self, text: str, *, voice: str, instructions: str, api_key: str | None = None) -> bytes:
        """One chunk (≤ 4096 characters of spoken text) as OGG/Opus. Raises VoiceError(REPLY_FAILED)."""
        try:
            response = await self._client(api_key).audio.speech.create(
                model=self.model,
                voice=voice,
                input=text,
                instructions=instructions,
                response_format="opus",
            )
        except openai.OpenAIError as exc:
            # Whatever the cause, the user's remedy is the same: the reply comes as text.
            status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
            log.warning("speech failed: %s (status %s)", type(exc).__name__, status)
            raise VoiceError(VoiceProblem.REPLY_FAILED) from exc
        return response.content


class Synthesis:
    """One voice reply being made. Feed it the reply as it streams; `finish` gives the joined voice note."""

    def __init__(self, speaker: Speaker, voice: str, language: str, user_text: str, api_key: str | None) -> None:
        self._speaker = speaker
        self._api_key = api_key
        self._voice = voice
        self._language = language
        self._user_text = user_text
        self._chunker = SentenceChunker()
        self._gate = asyncio.Semaphore(speaker.config.tts_concurrency)
        self._tasks: list[asyncio.Task[bytes]] = []

    def feed(self, delta: str) -> None:
        for chunk in self._chunker.feed(delta):
            self._add(chunk)

    def _add(self, markdown: str) -> None:
        for text in speech_chunks(markdown):
            # Each chunk's own feeling refines the voice, but the user's mood leads (see direction.moment_of).
            instructions = voice_instructions(self._language, self._user_text, text)
            self._tasks.append(asyncio.create_task(self._one(text, instructions)))

    async def _one(self, text: str, instructions: str) -> bytes:
        async with self._gate:
            return await self._speaker.say(text, voice=self._voice, instructions=instructions, api_key=self._api_key)

    async def finish(self) -> VoiceNote | None:
        """The whole reply as one voice note; None when nothing in it can be spoken (e.g. only code).

        Raises VoiceError if any chunk fails.
        """
        for chunk in self._chunker.flush():
            self._add(chunk)
        if not self._tasks:
            return None
        # The task list is in reply order, so gather returns the audio in order whatever finished first.
        results = await asyncio.gather(*self._tasks, return_exceptions=True)
        parts: list[bytes] = []
        for result in results:
            if isinstance(result, BaseException):
                raise result
            parts.append(result)
        log.debug("voice reply joined from %d chunks", len(parts))
        try:
            return await asyncio.to_thread(join_ogg, parts)
        except AudioError as exc:
            log.warning("speech audio did not decode: %s", exc.problem.value)
            raise VoiceError(VoiceProblem.REPLY_FAILED) from exc

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
