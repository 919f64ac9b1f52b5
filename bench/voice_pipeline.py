"""Voice reply latency: Minato's pipelined STT → LLM → TTS against a sequential pipeline, engine only.

Both run against the fake OpenAI server with issue 8's fixed latencies (first token 400 ms then 60 tokens/s,
STT 600 ms, TTS 500 ms per sentence), the same voice note and the same scripted reply, through the real openai
SDK. Measured: seconds from receiving the voice note to having the finished voice reply (no chat platform:
bench/voice_round_trip.py measures the same through Telegram).

- sequential (`speak_sequentially`, also the baseline of bench/voice_round_trip.py): transcribe, wait for the
  whole reply, synthesise it (one request per ≤ 4096 characters), and use the provider's OGG/Opus as it is
  when it came in one piece (joined otherwise): the least a sequential design has to do.
- pipelined (the engine): sentences are synthesised while the reply streams, concurrently, and encoded into
  the voice note in order as they come back.

Run: `PYTHONPATH=. python bench/voice_pipeline.py` → a table, and JSON in bench/results/voice_pipeline.json.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path

from core.config import EngineConfig, ProviderConfig, Role
from core.engine import Engine
from core.events import VoiceReply
from core.llm import LLM, Request
from core.store import open_database
from core.voice.audio import join_ogg, probe
from core.voice.direction import voice_instructions
from core.voice.spoken import speech_chunks
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Latency, Reply
from tests.voice_samples import recognise, speech

LATENCY = Latency(first_token=0.4, tokens_per_second=60.0, stt=0.6, tts_per_sentence=0.5)
REPLY = (
    "Oh Sam, that sounds like such a long day. I'm really glad you told me about it. "
    "When everything piles up like that, it's completely normal to feel drained and a little lost. "
    "Maybe tonight you could do one small kind thing for yourself, like a warm shower or your favourite song. "
    "And tomorrow, we can look at that to-do list together and pick just the first easy step. "
    "How does that sound to you?"
)
# What no design can send to speech before the reply has ended.
LAST_SENTENCE = "How does that sound to you?"
RUNS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "voice_pipeline.json"


def _llm(fake: FakeOpenAI, config: EngineConfig) -> LLM:
    provider = ProviderConfig(api_key="sk-bench", base_url=fake.base_url, timeout=30, max_retries=0)
    return LLM(provider, config.models, temperature=0.8, reasoning_effort="medium", max_output_tokens=1024)


async def speak_sequentially(engine: Engine, note: bytes, name: str) -> tuple[bytes, float]:
    """(OGG/Opus, seconds) of the voice reply to `note`, each step waiting for the one before."""
    heard = await engine.transcriber.transcribe(note)
    completion = await engine.llm.complete(Request(
        role=Role.CHAT, instructions=f"# Context\nUser: {name}", input=[{"role": "user", "content": heard.text}]
    ))
    parts = []
    for text in speech_chunks(completion.text):
        instructions = voice_instructions("en", heard.text, text)
        parts.append(await engine.speaker.say(text, voice="marin", instructions=instructions))
    if len(parts) == 1:
        return parts[0], (await asyncio.to_thread(probe, parts[0])).duration
    joined = await asyncio.to_thread(join_ogg, parts)
    return joined.ogg, joined.duration


async def pipelined(fake: FakeOpenAI, engine: Engine, note: bytes) -> float:
    await engine.users.touch("bench", "u-Sam", "Sam", "en")
    fake.script.append(Reply(REPLY))
    started = time.perf_counter()
    heard = await Person(engine, "Sam", platform="bench").speaks(note)
    assert isinstance(heard.events[-1], VoiceReply)
    return time.perf_counter() - started


async def sequential(fake: FakeOpenAI, engine: Engine, note: bytes) -> float:
    fake.script.append(Reply(REPLY))
    started = time.perf_counter()
    await speak_sequentially(engine, note, "Sam")
    return time.perf_counter() - started


async def main() -> None:
    fake = FakeOpenAI(Latency())
    fake.transcriber = recognise
    await fake.start()
    config = EngineConfig()
    llm = _llm(fake, config)
    note = speech("en")
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite:///{tmp}/bench.db")
        engine = Engine(db, llm, config)
        await engine.users.touch("bench", "u-Sam", "Sam", "en")
        await engine.users.update("bench", "u-Sam", reply_mode="voice")
        await pipelined(fake, engine, note)  # warm-up at zero latency: language model load, first connections
        await sequential(fake, engine, note)
        fake.latency = LATENCY
        times: dict[str, list[float]] = {"sequential": [], "pipelined": []}
        for _ in range(RUNS):
            times["sequential"].append(await sequential(fake, engine, note))
            times["pipelined"].append(await pipelined(fake, engine, note))
        await db.close()
    await llm.close()
    await fake.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["pipelined"] / medians["sequential"]
    print(f"{'pipeline':<12}{'median s':>10}{'runs':>28}")
    for name, values in times.items():
        print(f"{name:<12}{medians[name]:>10.2f}{'  '.join(f'{v:.2f}' for v in values):>28}")
    print(f"pipelined / sequential: {ratio:.2f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "latency": LATENCY.__dict__, "reply_chars": len(REPLY), "runs": times,
        "median_seconds": medians, "ratio_pipelined_to_sequential": round(ratio, 3),
    }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
