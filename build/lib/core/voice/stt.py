"""Speech to text: a voice note in any format users send → one transcript, long notes in concurrent pieces."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

import openai
from openai import AsyncOpenAI, omit

from core.config import VoiceConfig
from core.voice.problems import VoiceError, VoiceProblem
from core.voice.uploads import Upload, prepare

log = logging.getLogger(__name__)

# Japanese and Chinese write no spaces between words (Korean does, so it is not listed).
_CJK_EDGE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff。、！？]")


def problem_of(exc: openai.OpenAIError) -> VoiceProblem:
    """BUSY for rate limits, CORRUPT when the provider refused the file (400), else UNAVAILABLE."""
    if isinstance(exc, openai.RateLimitError):
        problem = VoiceProblem.BUSY
    elif isinstance(exc, openai.BadRequestError):
        problem = VoiceProblem.CORRUPT
    else:
        problem = VoiceProblem.UNAVAILABLE
    status = exc.status_code if isinstance(exc, openai.APIStatusError) else None
    log.warning("transcription failed: %s (status %s)", type(exc).__name__, status)
    return problem


@dataclass(frozen=True, slots=True)
class Heard:
    text: str
    seconds: float


def join_pieces(texts: list[str]) -> str:
    """Transcripts of consecutive pieces as one text; Chinese and Japanese need no space between them."""
    joined = ""
    for text in (t.strip() for t in texts):
        if not text:
            continue
        if joined and not (_CJK_EDGE.match(joined[-1]) and _CJK_EDGE.match(text[0])):
            joined += " "
        joined += text
    return joined


class Transcriber:
    def __init__(self, client: Callable[[str | None], AsyncOpenAI], model: str, config: VoiceConfig) -> None:
        self._client = client  # api key (None: the shared one) → client
        self._model = model
        self._config = config

    async def transcribe(self, data: bytes, hint: str | None = None, *, api_key: str | None = None) -> Heard:
        """The words in `data`. `hint` is a language code, given only when it is known to be right;
        `api_key` is the user's own key when they brought one.

        Raises VoiceError for recordings that cannot be transcribed and for provider failures.
        """
        prepared = await asyncio.to_thread(prepare, data, self._config)
        gate = asyncio.Semaphore(self._config.stt_concurrency)

        async def one(upload: Upload) -> str:
            async with gate:
                return await self._send(upload, hint, api_key)

        # gather keeps the pieces' order whatever order they finish in.
        texts = await asyncio.gather(*(one(u) for u in prepared.uploads))
        text = join_pieces(list(texts))
        if len(prepared.uploads) > 1:
            log.info("voice note of %.0f s transcribed in %d pieces", prepared.seconds, len(prepared.uploads))
        if not text:
            raise VoiceError(VoiceProblem.SILENT)
        return Heard(text, prepared.seconds)

    async def _send(self, upload: Upload, hint: str | None, api_key: str | None) -> str:
        try:
            result = await self._client(api_key).audio.transcriptions.create(
                model=self._model,
                file=(upload.filename, upload.data, upload.mime),
                response_format="json",
                language=hint or omit,
            )
        except openai.OpenAIError as exc:
            raise VoiceError(problem_of(exc)) from exc
        return result.text
