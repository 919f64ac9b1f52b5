"""Voice round trip on Telegram: a real voice note handed out → the voice reply's `sendVoice` received.

Method: the English speech fixture is sent as a voice note to the real bot (PTB Application + adapter +
engine) over the fake Bot API; the fake OpenAI server "recognises" it (tests/voice_samples.recognise) and
streams the same scripted 6-sentence, 395-character reply as bench/voice_pipeline.py. Two designs, in the
same process, against the same fakes, alternating run by run:

- pipelined (the product): each sentence is synthesised as soon as it has streamed, and encoded into the
  voice note as it comes back; after the reply ends, only its last sentence is left to make.
- sequential (bench/voice_pipeline.speak_sequentially, product untouched): download the note through PTB,
  transcribe, wait for the whole reply, synthesise it (one request per ≤ 4096 characters), send the
  provider's OGG/Opus as it is, sendVoice. It skips PTB's update handling, the store and any re-encoding,
  which favours it.

Floor = STT span + chat stream span (both as the fake OpenAI server measured them in the pipelined run) + the
configured time to synthesise the reply's last sentence alone: what no design can avoid, since that sentence
exists only once the stream has ended. TTS cost models, switched on the same fakes between runs:
- issue 8's own (the headline): 500 ms per sentence, whatever the length of each;
- a fixed 500 ms per request: then one request for the whole reply costs what one for its last sentence
  does, so pipelining cannot beat a sequential pipeline (the ratio is ~1 by construction);
- 500 ms + 4 ms per character (longer text takes longer, as with the real API).
The fake's speech audio (per text) and what it recognises (per note) are worked out once and cached, so the
provider spans are the configured latencies plus the fake's own handling (its check that the upload decodes,
~1 ms of sleep overshoot per streamed token).

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
from bench.voice_pipeline import LAST_SENTENCE, REPLY, speak_sequentially
from bench.world import REALISTIC, ZERO, World, world
from tests.fakes.openai_server import AudioUpload, FakeOpenAI, Latency, sentences, tone_ogg
from tests.telegram_chat import TgUser
from tests.voice_samples import recognise, seconds_of, speech

RATIO_SEQUENTIAL = 0.7
RATIO_FLOOR = 1.15
MODELS = {
    "TTS 500 ms/sentence (issue 8)": REALISTIC,
    "TTS 500 ms/request": Latency(first_token=0.4, tokens_per_second=60.0, stt=0.6, tts=0.5),
    "TTS 500 ms + 4 ms/char": Latency(first_token=0.4, tokens_per_second=60.0, stt=0.6, tts=0.5, tts_per_char=0.004),
}


@cache
def _speech_audio(text: str) -> bytes:
    return tone_ogg(FakeOpenAI.speech_seconds(text))


def speech_audio(body: dict[str, Any]) -> bytes:
    return _speech_audio(body.get("input", ""))


@cache
def _heard(data: bytes) -> str:
    return recognise(AudioUpload("", "", "", data, {}))


def heard(upload: AudioUpload) -> str:
    """What the fake recognises, worked out once per note: recognising decodes it, on the fakes' event loop."""
    return _heard(upload.data)


def _note(user: TgUser) -> dict[str, Any]:
    return user.file(speech("en"), "voice/bench.oga", duration=round(seconds_of("en")), mime_type="audio/ogg")


def _llm_after(w: World, mark: int, after: float) -> float:
    """Seconds of the first chat request since span `mark` that started after `after` (the reply's stream)."""
    found = [s for s in w.openai.spans[mark:] if s.kind == "llm" and s.start >= after]
    return min(found, key=lambda s: s.start).seconds


async def pipelined(w: World, user: TgUser) -> dict[str, float]:
    """Round trip and floor of one voice note answered by the product, with the provider spans."""
    mark = len(w.openai.spans)
    heard = await user.sends(voice=_note(user))
    start = w.telegram.handed_out[heard.update["update_id"]]
    (sent,) = [c for c in heard.calls if c.method == "sendVoice" and c.status == 200]
    (stt,) = [s for s in w.openai.spans[mark:] if s.kind == "stt"]
    llm = _llm_after(w, mark, stt.end)
    floor = stt.seconds + llm + w.openai.latency.speech_seconds(LAST_SENTENCE)
    return {"took": sent.at - start, "floor": floor, "stt": stt.seconds, "llm": llm}


async def sequential(w: World, user: TgUser) -> dict[str, float]:
    """The same voice note through a strictly sequential STT → LLM → TTS pipeline, same process, same fakes."""
    assert w.chat.app is not None
    bot = w.chat.app.bot
    note = _note(user)
    calls, spans = len(w.telegram.calls), len(w.openai.spans)
    start = time.monotonic()
    file = await bot.get_file(note["file_id"])
    ogg, duration = await speak_sequentially(w.engine, bytes(await file.download_as_bytearray()), user.user.first_name)
    await bot.send_voice(user.user.id, ogg, duration=max(1, round(duration)))
    (sent,) = [c for c in w.telegram.calls[calls:] if c.method == "sendVoice"]
    return {"took": sent.at - start, "llm": _llm_after(w, spans, start)}


async def measure(runs: int, models: dict[str, Latency]) -> dict[str, dict[str, list[float]]]:
    """Every model's runs of both designs, interleaved, on one bot and one set of fakes."""
    found: dict[str, dict[str, list[float]]] = {name: {} for name in models}
    async with world(ZERO, replier=lambda body: REPLY) as w:
        w.openai.transcriber = heard
        w.openai.speech_audio = speech_audio
        user = w.chat.user("Sam", language="en")
        await pipelined(w, user)  # warm-up at zero latency: language model, connections, the fake's cached audio
        await sequential(w, user)
        for _ in range(runs):
            for name, latency in models.items():
                w.openai.latency = latency
                piped, seq = await pipelined(w, user), await sequential(w, user)
                runs_of = found[name]
                for key in ("took", "floor", "stt", "llm"):
                    runs_of.setdefault(f"pipelined_{key}_s", []).append(piped[key])
                for key in ("took", "llm"):
                    runs_of.setdefault(f"sequential_{key}_s", []).append(seq[key])
    return found


async def main(runs: int) -> Report:
    report = Report("Voice round trip on Telegram: voice note handed out → sendVoice received (median of runs)")
    found = await measure(runs, MODELS)
    for name, latency in MODELS.items():
        runs_of = found[name]
        piped = statistics.median(runs_of["pipelined_took_s"])
        seq = statistics.median(runs_of["sequential_took_s"])
        floor = statistics.median(runs_of["pipelined_floor_s"])
        report.add(f"{name}: pipelined", piped, "s")
        report.add(f"{name}: sequential", seq, "s")
        report.add(f"{name}: floor", floor, "s")
        report.add(f"{name}: pipelined / sequential", piped / seq, "x", f"<= {RATIO_SEQUENTIAL}",
                   piped / seq <= RATIO_SEQUENTIAL)
        report.add(f"{name}: pipelined / floor", piped / floor, "x", f"<= {RATIO_FLOOR}", piped / floor <= RATIO_FLOOR)
        report.details[name] = {"latency": latency.__dict__, **runs_of}
    report.details["reply_chars"] = len(REPLY)
    report.details["reply_sentences"] = sentences(REPLY)
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
