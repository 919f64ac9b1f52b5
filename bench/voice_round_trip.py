"""Voice round trip on Telegram: a real voice note handed out → the voice reply's `sendVoice` received.

Method: the English speech fixture is sent as a voice note to the real bot (PTB Application + adapter +
engine) over the fake Bot API; the fake OpenAI server "recognises" it (tests/voice_samples.recognise) and
streams the same scripted ~400-character reply as bench/voice_pipeline.py. Two designs, in the same process,
alternating, against the same fakes:

- pipelined (the product): sentence chunks are synthesised while the reply streams, joined, sent.
- sequential (built here from the same core pieces, product untouched): download the note through PTB,
  transcribe, wait for the whole reply, synthesise it (one request per ≤ 4096 characters), encode, sendVoice.
  It skips PTB's update handling and the store, which favours the baseline slightly.

Floor = STT span + chat stream span + the last TTS span of the pipelined run (the one request that must
follow the end of the stream), all as measured by the fake OpenAI server. Two TTS cost models: a fixed
500 ms per request (the brief's default), and 500 ms + 4 ms per character (speech takes longer to make the
more there is to say, as with the real API; the same per-character cost as bench/voice_pipeline.py).
The fake's speech audio is made once per text and cached, so provider spans are the configured latencies.

Run: python -m bench.voice_round_trip [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from functools import cache
from typing import Any

from bench.report import Report
from bench.voice_pipeline import REPLY
from bench.world import REALISTIC, World, world
from core.config import Role
from core.llm import Request
from core.voice.audio import join_ogg
from core.voice.direction import voice_instructions
from core.voice.spoken import speech_chunks
from tests.fakes.openai_server import FakeOpenAI, Latency, tone_ogg
from tests.telegram_chat import TgUser
from tests.voice_samples import recognise, seconds_of, speech

RATIO_SEQUENTIAL = 0.7
RATIO_FLOOR = 1.15
MODELS = {
    "fixed TTS 500 ms/request": REALISTIC,
    "TTS 500 ms + 4 ms/char": Latency(first_token=0.4, tokens_per_second=60.0, stt=0.6, tts=0.5, tts_per_char=0.004),
}


@cache
def _speech_audio(text: str) -> bytes:
    return tone_ogg(FakeOpenAI.speech_seconds(text))


def speech_audio(body: dict[str, Any]) -> bytes:
    return _speech_audio(body.get("input", ""))


def _note(user: TgUser) -> dict[str, Any]:
    return user.file(speech("en"), "voice/bench.oga", duration=round(seconds_of("en")), mime_type="audio/ogg")


async def pipelined(w: World, user: TgUser) -> tuple[float, float]:
    """(round trip, floor) of one voice note answered by the product."""
    mark = len(w.openai.spans)
    heard = await user.sends(voice=_note(user))
    start = w.telegram.handed_out[heard.update["update_id"]]
    (sent,) = [c for c in heard.calls if c.method == "sendVoice" and c.status == 200]
    spans = w.openai.spans[mark:]
    stt = [s for s in spans if s.kind == "stt"]
    llm = [s for s in spans if s.kind == "llm" and s.start >= stt[-1].end]
    tts = [s for s in spans if s.kind == "tts"]
    floor = sum(s.seconds for s in stt) + llm[0].seconds + max(tts, key=lambda s: s.end).seconds
    return sent.at - start, floor


async def sequential(w: World, user: TgUser) -> float:
    """The same voice note through a strictly sequential STT → LLM → TTS pipeline, same process, same fakes."""
    assert w.chat.app is not None
    bot, engine = w.chat.app.bot, w.engine
    note = _note(user)
    mark = len(w.telegram.calls)
    start = time.monotonic()
    file = await bot.get_file(note["file_id"])
    data = bytes(await file.download_as_bytearray())
    heard = await engine.transcriber.transcribe(data)
    request = Request(role=Role.CHAT, instructions=f"# Context\nUser: {user.user.first_name}",
                      input=[{"role": "user", "content": heard.text}])
    completion = await engine.llm.complete(request)
    parts = []
    for text in speech_chunks(completion.text):
        instructions = voice_instructions("en", heard.text, text)
        parts.append(await engine.speaker.say(text, voice="marin", instructions=instructions))
    voice = await asyncio.to_thread(join_ogg, parts)
    await bot.send_voice(user.user.id, voice.ogg, duration=max(1, round(voice.duration)))
    (sent,) = [c for c in w.telegram.calls[mark:] if c.method == "sendVoice"]
    return sent.at - start


async def measure(latency: Latency, runs: int) -> dict[str, Any]:
    async with world(latency, replier=lambda body: REPLY) as w:
        w.openai.transcriber = recognise
        w.openai.speech_audio = speech_audio
        user = w.chat.user("Sam", language="en")
        await pipelined(w, user)  # warm-up: language model, connections, the fake's cached audio
        await sequential(w, user)
        piped: list[float] = []
        floors: list[float] = []
        seq: list[float] = []
        for _ in range(runs):
            took, floor = await pipelined(w, user)
            piped.append(took)
            floors.append(floor)
            seq.append(await sequential(w, user))
        return {"pipelined_s": piped, "sequential_s": seq, "floor_s": floors}


async def main(runs: int) -> Report:
    report = Report("Voice round trip on Telegram: voice note handed out → sendVoice received (median of runs)")
    for name, latency in MODELS.items():
        found = await measure(latency, runs)
        piped = statistics.median(found["pipelined_s"])
        seq = statistics.median(found["sequential_s"])
        floor = statistics.median(found["floor_s"])
        report.add(f"{name}: pipelined", piped, "s")
        report.add(f"{name}: sequential", seq, "s")
        report.add(f"{name}: floor", floor, "s")
        report.add(f"{name}: pipelined / sequential", piped / seq, "x", f"<= {RATIO_SEQUENTIAL}",
                   piped / seq <= RATIO_SEQUENTIAL)
        report.add(f"{name}: pipelined / floor", piped / floor, "x", f"<= {RATIO_FLOOR}", piped / floor <= RATIO_FLOOR)
        report.details[name] = {"latency": latency.__dict__, **found}
    report.details["reply_chars"] = len(REPLY)
    report.details["reply_audio_seconds"] = FakeOpenAI.speech_seconds(REPLY)
    return report


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    report = asyncio.run(main(parser.parse_args().runs))
    report.print()
    print(f"saved {report.save('voice_round_trip')}")


if __name__ == "__main__":
    cli()
