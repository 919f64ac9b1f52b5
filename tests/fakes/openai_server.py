"""A fake OpenAI API on 127.0.0.1 for the real `AsyncOpenAI` client.

- `POST /v1/responses` streams real Responses SSE event sequences (text, function calls, mid-stream
  errors, HTTP errors before the stream), with configurable latencies.
- `POST /v1/audio/transcriptions` takes multipart audio, checks it decodes, answers JSON.
- `POST /v1/audio/speech` answers real OGG/Opus audio (a voiced tone whose length follows the text).

Tests script replies with `fake.script.append(Reply(...))` (a Reply with `model` set waits for a request to
that model); unscripted requests get `default_reply`, which answers like an obedient model: the user's name
from the Context line, in the Context language.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
import os
import re
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import av
import numpy as np
from aiohttp import web

from tests.fakes.loopback import serve

CONTEXT_LINE = re.compile(r"User: (?P<name>.+?) · language: .+? \((?P<lang>[\w-]+)\)")

# What an obedient model would say first, per language (the fake needs no more than a greeting).
PHRASES = {
    "en": "I'm here with you. How are you feeling today?",
    "fr": "je suis là avec toi. Comment te sens-tu aujourd'hui ?",
    "es": "estoy aquí contigo. ¿Cómo te sientes hoy?",
    "de": "ich bin für dich da. Wie fühlst du dich heute?",
    "it": "sono qui con te. Come ti senti oggi?",
    "pt": "estou aqui contigo. Como te sentes hoje?",
    "ja": "ここにいるよ。今日はどんな気分？",
    "ru": "я рядом. Как ты себя чувствуешь сегодня?",
    "zh": "我在这里陪着你。你今天感觉怎么样？",
}


def context_of(body: dict[str, Any]) -> tuple[str, str]:
    """(name, language code) from the request's Context line, as the real model would read them."""
    match = CONTEXT_LINE.search(body.get("instructions") or "")
    if not match:
        return "friend", "en"
    return match["name"], match["lang"]


def default_reply(body: dict[str, Any]) -> str:
    name, lang = context_of(body)
    return f"{name}, {PHRASES.get(lang, PHRASES['en'])}"


# A sentence ends at . ! ? … (maybe closed by a quote or bracket) before a space or the end of the text, or
# at a CJK full stop, exclamation or question mark (Japanese and Chinese put no space after them).
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|[。！？]+")


def sentences(text: str) -> int:
    """How many sentences `text` holds, for any of Minato's languages; trailing words without a stop count as one.

    Deliberately independent of core/voice/spoken.py, so that the cost the fake charges does not follow the code
    under test. Abbreviations ("e.g. this") count as an end: a fake only needs to be consistent.
    """
    ends = list(_SENTENCE_END.finditer(text))
    rest = text[ends[-1].end() :] if ends else text
    return len(ends) + (1 if rest.strip() else 0)


@dataclass
class Latency:
    """Fixed provider latencies, so benchmarks know the floor exactly."""

    first_token: float = 0.0
    tokens_per_second: float = 0.0  # 0 = all at once
    stt: float = 0.0
    tts: float = 0.0  # per speech request, whatever its length
    tts_per_char: float = 0.0  # speech takes longer to make the more there is to say
    tts_per_sentence: float = 0.0  # issue 8's model: "TTS 500 ms per sentence"

    def speech_seconds(self, text: str) -> float:
        """How long a speech request for `text` takes to answer."""
        return self.tts + len(text) * self.tts_per_char + sentences(text) * self.tts_per_sentence


@dataclass
class Reply:
    """One scripted answer to the next `/v1/responses` request."""

    text: str | None = None  # None: default_reply(request)
    function_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail_after: int | None = None  # send an `error` event after this many deltas
    failure_event: str = "error"  # "error" or "response.failed"
    status: int | None = None  # answer this HTTP status before any stream
    incomplete: str | None = None  # end with response.incomplete for this reason
    delay: float = 0.0  # extra wait before the first event
    # (title, url) pages the built-in web search found: a web_search_call item, then url_citation annotations
    citations: list[tuple[str, str]] = field(default_factory=list)
    # a reasoning item first; its encrypted content is sent only when the request includes it
    reasoning: str | None = None
    # only for a request to this model (None: the next request, whatever its model), so a test can script
    # calls that run concurrently, like a background fact extraction beside the next turn
    model: str | None = None
    linger: float = 0.0  # keep the stream open this long after its last event (a sloppy compatible server)


@dataclass
class AudioUpload:
    model: str
    filename: str
    content_type: str
    data: bytes
    fields: dict[str, str]


def tone_ogg(seconds: float, *, rate: int = 48000, pitch: float = 220.0, syllables: float = 4.0) -> bytes:
    """A voiced OGG/Opus tone whose loudness rises and falls like syllables (so a waveform has shape)."""
    t = np.arange(int(rate * seconds)) / rate
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * syllables * t)
    samples = (0.4 * np.sin(2 * np.pi * pitch * t) * envelope).astype(np.float32)
    buf = io.BytesIO()
    with av.open(buf, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=rate, layout="mono")
        for i in range(0, len(samples), 960):
            frame = av.AudioFrame.from_ndarray(samples[None, i : i + 960], format="flt", layout="mono")
            frame.sample_rate = rate
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buf.getvalue()


def audio_seconds(data: bytes) -> float:
    """Duration of any audio container PyAV reads; raises av.error.FFmpegError if it does not decode."""
    with av.open(io.BytesIO(data)) as container:
        stream = container.streams.audio[0]
        total = 0
        for frame in container.decode(stream):
            total += frame.samples
            rate = frame.sample_rate
        return total / rate if total else 0.0


class FakeOpenAI:
    SECONDS_PER_CHAR = 0.06  # roughly natural speech rate for the fake voice

    def __init__(self, latency: Latency | None = None) -> None:
        self.latency = latency or Latency()
        self.script: deque[Reply] = deque()
        self.replier: Callable[[dict[str, Any]], str] = default_reply
        self.requests: list[dict[str, Any]] = []
        self.keep_requests = True  # benchmarks at scale turn it off: bodies are then read and dropped
        self.connections: list[tuple[str, int]] = []  # the client's (host, port) of each Responses request
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        # The Authorization header of each audio request, as (endpoint, header), in arrival order.
        self.audio_auth: list[tuple[str, str]] = []
        self.transcriptions: list[AudioUpload] = []
        self.transcripts: deque[str] = deque()
        self.transcriber: Callable[[AudioUpload], str] | None = None
        # Extra wait per request, e.g. to make later chunks finish first.
        self.transcription_delay: Callable[[AudioUpload], float] | None = None
        self.speeches: list[dict[str, Any]] = []
        # Awaited before answering a speech request, e.g. to hold a chunk until another has been answered.
        self.speech_hook: Callable[[dict[str, Any]], Awaitable[None]] | None = None
        # The audio for a speech request (default: a tone as long as the text would take to say).
        self.speech_audio: Callable[[dict[str, Any]], bytes] | None = None
        self.transcription_status: deque[int] = deque()
        self.speech_status: deque[int] = deque()
        self.active_streams = 0
        self.max_active_streams = 0
        self._last_prompt: dict[str, str] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        # The same API under both roots: OpenAI-style `/v1` and Azure OpenAI v1 `/openai/v1`.
        for root in ("/v1", "/openai/v1"):
            app.router.add_post(f"{root}/responses", self._responses)
            app.router.add_post(f"{root}/audio/transcriptions", self._transcriptions)
            app.router.add_post(f"{root}/audio/speech", self._speech)
        self._runner, self.root = await serve(app)
        self.base_url = f"{self.root}/v1"
        return self.base_url

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    @property
    def last(self) -> dict[str, Any]:
        return self.requests[-1]

    # -- /v1/responses ---------------------------------------------------------------------------

    def _usage(self, body: dict[str, Any]) -> dict[str, Any]:
        prompt = (body.get("instructions") or "") + json.dumps(body.get("input"), ensure_ascii=False)
        key = body.get("prompt_cache_key") or ""
        previous = self._last_prompt.get(key, "") if key else ""
        common = len(os.path.commonprefix([previous, prompt]))  # noqa: RUF071 -- characters, like a cache
        if key:
            self._last_prompt[key] = prompt
        input_tokens = max(1, len(prompt) // 4)
        return {"input_tokens": input_tokens, "cached_tokens": min(common // 4, input_tokens)}

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        if self.keep_requests:
            self.requests.append(body)
        self.paths.append(request.path)
        self.headers.append(dict(request.headers))
        if request.transport is not None:
            self.connections.append(request.transport.get_extra_info("peername")[:2])
        reply = self._next_reply(body)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.status:
            headers = {"retry-after-ms": "10"} if reply.status == 429 else {}
            error = {"message": f"fake {reply.status}", "type": "fake_error", "code": None, "param": None}
            return web.json_response({"error": error}, status=reply.status, headers=headers)
        text = reply.text if reply.text is not None else ("" if reply.function_calls else self.replier(body))
        self.active_streams += 1
        self.max_active_streams = max(self.max_active_streams, self.active_streams)
        try:
            return await self._stream(request, body, reply, text)
        finally:
            self.active_streams -= 1

    def _next_reply(self, body: dict[str, Any]) -> Reply:
        for index, reply in enumerate(self.script):
            if reply.model is None or reply.model == body.get("model"):
                del self.script[index]
                return reply
        return Reply()

    async def _stream(self, request: web.Request, body: dict[str, Any], reply: Reply, text: str) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        seq = itertools.count()
        rid = f"resp_{next(self._ids)}"
        model = body.get("model", "")
        shell = {"id": rid, "object": "response", "created_at": int(time.time()), "model": model,
                 "output": [], "status": "in_progress", "parallel_tool_calls": True, "tool_choice": "auto",
                 "tools": body.get("tools", [])}

        async def send(kind: str, **data: Any) -> None:
            payload = {"type": kind, "sequence_number": next(seq), **data}
            await response.write(f"event: {kind}\ndata: {json.dumps(payload)}\n\n".encode())

        await send("response.created", response=shell)
        await send("response.in_progress", response=shell)
        if self.latency.first_token:
            await asyncio.sleep(self.latency.first_token)
        output: list[dict[str, Any]] = []
        for item in self._leading_items(body, reply, rid):
            await send("response.output_item.added", output_index=len(output), item=item)
            await send("response.output_item.done", output_index=len(output), item=item)
            output.append(item)
        for index, (name, args) in enumerate(reply.function_calls, start=len(output)):
            item = {"id": f"fc_{rid}_{index}", "type": "function_call", "status": "completed",
                    "call_id": f"call_{rid}_{index}", "name": name, "arguments": json.dumps(args)}
            await send("response.output_item.added", output_index=index, item={**item, "arguments": ""})
            await send("response.function_call_arguments.done", output_index=index, item_id=item["id"],
                       arguments=item["arguments"])
            await send("response.output_item.done", output_index=index, item=item)
            output.append(item)
        if text or not reply.function_calls:
            index = len(output)
            mid = f"msg_{rid}"
            await send("response.output_item.added", output_index=index,
                       item={"id": mid, "type": "message", "status": "in_progress", "role": "assistant",
                             "content": []})
            await send("response.content_part.added", item_id=mid, output_index=index, content_index=0,
                       part={"type": "output_text", "text": "", "annotations": []})
            annotations = self._annotations(text, reply.citations)
            tokens = re.findall(r"\S+\s*|\s+", text)
            for count, token in enumerate(tokens):
                if reply.fail_after is not None and count >= reply.fail_after:
                    await self._fail(send, shell, reply)
                    return response
                await send("response.output_text.delta", item_id=mid, output_index=index, content_index=0,
                           delta=token, logprobs=[])
                if self.latency.tokens_per_second:
                    await asyncio.sleep(1 / self.latency.tokens_per_second)
            if reply.fail_after is not None:
                await self._fail(send, shell, reply)
                return response
            part = {"type": "output_text", "text": text, "annotations": annotations}
            await send("response.output_text.done", item_id=mid, output_index=index, content_index=0, text=text,
                       logprobs=[])
            await send("response.content_part.done", item_id=mid, output_index=index, content_index=0, part=part)
            message = {"id": mid, "type": "message", "status": "completed", "role": "assistant", "content": [part]}
            await send("response.output_item.done", output_index=index, item=message)
            output.append(message)
        usage = self._usage(body)
        final = {**shell, "output": output,
                 "usage": {"input_tokens": usage["input_tokens"],
                           "input_tokens_details": {"cached_tokens": usage["cached_tokens"]},
                           "output_tokens": max(1, len(text) // 4),
                           "output_tokens_details": {"reasoning_tokens": 0},
                           "total_tokens": usage["input_tokens"] + max(1, len(text) // 4)}}
        if reply.incomplete:
            final |= {"status": "incomplete", "incomplete_details": {"reason": reply.incomplete}}
            await send("response.incomplete", response=final)
        else:
            await send("response.completed", response={**final, "status": "completed"})
        if reply.linger:
            await asyncio.sleep(reply.linger)
        await response.write_eof()
        return response

    def _leading_items(self, body: dict[str, Any], reply: Reply, rid: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        if reply.reasoning is not None:
            item: dict[str, Any] = {"id": f"rs_{rid}", "type": "reasoning", "summary": []}
            if "reasoning.encrypted_content" in (body.get("include") or []):
                item["encrypted_content"] = reply.reasoning
            items.append(item)
        if reply.citations:
            sources = [{"type": "url", "url": url} for _, url in reply.citations]
            items.append({"id": f"ws_{rid}", "type": "web_search_call", "status": "completed",
                          "action": {"type": "search", "query": "fake search", "sources": sources}})
        return items

    @staticmethod
    def _annotations(text: str, citations: list[tuple[str, str]]) -> list[dict[str, Any]]:
        """One url_citation per page, each covering the whole text (enough for a client to render links)."""
        return [{"type": "url_citation", "start_index": 0, "end_index": len(text), "title": title, "url": url}
                for title, url in citations]

    async def _fail(self, send: Callable[..., Any], shell: dict[str, Any], reply: Reply) -> None:
        if reply.failure_event == "response.failed":
            await send("response.failed", response={**shell, "status": "failed",
                                                    "error": {"code": "server_error", "message": "fake failure"}})
        else:
            await send("error", code="server_error", message="fake failure", param=None)

    # -- /v1/audio -------------------------------------------------------------------------------

    async def _transcriptions(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form["file"]
        assert isinstance(upload, web.FileField)
        fields = {k: str(v) for k, v in form.items() if k != "file"}
        audio = AudioUpload(fields.get("model", ""), upload.filename, upload.content_type, upload.file.read(), fields)
        self.transcriptions.append(audio)
        self.audio_auth.append(("transcriptions", request.headers.get("Authorization", "")))
        if self.latency.stt:
            await asyncio.sleep(self.latency.stt)
        if self.transcription_delay is not None:
            await asyncio.sleep(self.transcription_delay(audio))
        if self.transcription_status:
            status = self.transcription_status.popleft()
            return web.json_response({"error": {"message": f"fake {status}", "type": "fake"}}, status=status)
        try:
            audio_seconds(audio.data)
        except (av.error.FFmpegError, IndexError):
            error = {"message": "Audio file might be corrupted or unsupported", "type": "invalid_request_error",
                     "param": "file", "code": "invalid_value"}
            return web.json_response({"error": error}, status=400)
        if self.transcriber is not None:
            text = self.transcriber(audio)
        else:
            text = self.transcripts.popleft() if self.transcripts else ""
        return web.json_response({"text": text, "usage": {"type": "duration", "seconds": 1}})

    @classmethod
    def speech_seconds(cls, text: str) -> float:
        """How long the fake voice takes to say `text`."""
        return max(0.3, len(text) * cls.SECONDS_PER_CHAR)

    async def _speech(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.speeches.append(body)
        self.audio_auth.append(("speech", request.headers.get("Authorization", "")))
        wait = self.latency.speech_seconds(body.get("input", ""))
        if wait:
            await asyncio.sleep(wait)
        if self.speech_hook is not None:
            await self.speech_hook(body)
        if self.speech_status:
            status = self.speech_status.popleft()
            return web.json_response({"error": {"message": f"fake {status}", "type": "fake"}}, status=status)
        if self.speech_audio is not None:
            return web.Response(body=self.speech_audio(body), content_type="audio/ogg")
        seconds = self.speech_seconds(body.get("input", ""))
        data = await asyncio.to_thread(tone_ogg, seconds)
        return web.Response(body=data, content_type="audio/ogg")

