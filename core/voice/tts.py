"""Text to speech, pipelined: sentence chunks are synthesised while the reply still streams, concurrently
(bounded), and each is decoded and encoded into the one OGG/Opus voice note, in reply order, as soon as it
and the chunks before it are back — so when the reply ends only its last sentences are left to make.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import openai
from openai import AsyncOpenAI

from core.config import VoiceConfig
from core.voice.audio import OPUS_RATE, AudioError, NoteWriter, VoiceNote, decode
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
    """One voice reply being made. Feed it the reply as it streams; `finish` gives the voice note."""

    def __init__(self, speaker: Speaker, voice: str, language: str, user_text: str, api_key: str | None) -> None:
        self._speaker = speaker
        self._api_key = api_key
        self._voice = voice
        self._language = language
        self._user_text = user_text
        self._chunker = SentenceChunker()
        self._gate = asyncio.Semaphore(speaker.config.tts_concurrency)
        self._note = NoteWriter()
        self._tasks: list[asyncio.Task[None]] = []

    def feed(self, delta: str) -> None:
        for chunk in self._chunker.feed(delta):
            self._add(chunk)

    def flush(self) -> None:
        """The model stopped writing (the reply ended, or it calls a tool): synthesise what is left right away."""
        for chunk in self._chunker.flush():
            self._add(chunk)

    def _add(self, markdown: str) -> None:
        for text in speech_chunks(markdown):
            # Each chunk's own feeling refines the voice, but the user's mood leads (see direction.moment_of).
            instructions = voice_instructions(self._language, self._user_text, text)
            before = self._tasks[-1] if self._tasks else None
            self._tasks.append(asyncio.create_task(self._one(text, instructions, before)))

    async def _one(self, text: str, instructions: str, before: asyncio.Task[None] | None) -> None:
        async with self._gate:
            audio = await self._speaker.say(text, voice=self._voice, instructions=instructions, api_key=self._api_key)
        try:
            samples = await asyncio.to_thread(decode, audio, OPUS_RATE)
        except AudioError as exc:
            log.warning("speech audio did not decode: %s", exc.problem.value)
            raise VoiceError(VoiceProblem.REPLY_FAILED) from exc
        if before is not None:
            await before  # the note is written in reply order, whatever order the chunks came back in
        await asyncio.to_thread(self._note.add, samples)

    async def finish(self) -> VoiceNote | None:
        """The whole reply as one voice note; None when nothing in it can be spoken (e.g. only code).

        Raises VoiceError if any chunk fails.
        """
        self.flush()
        if not self._tasks:
            return None
        # In reply order, so the error raised is the first chunk's that failed.
        for result in await asyncio.gather(*self._tasks, return_exceptions=True):
            if isinstance(result, BaseException):
                raise result
        log.debug("voice reply made of %d chunks", len(self._tasks))
        return await asyncio.to_thread(self._note.finish)

    def cancel(self) -> None:
        for task in self._tasks:
            task.cancel()
