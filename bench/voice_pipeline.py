"""Voice reply latency: Minato's pipelined STT → LLM → TTS against a naive sequential pipeline.

Both run against the fake OpenAI server with the same fixed latencies (`Latency`), the same voice note and the
same scripted reply, through the real openai SDK. Measured: seconds from receiving the voice note to having the
finished voice reply.

- sequential: transcribe, wait for the whole reply, then synthesise its chunks one after another, join.
- pipelined (the engine): sentence chunks are synthesised while the reply streams, concurrently, joined in order.

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
from core.voice.audio import join_ogg
from core.voice.direction import voice_instructions
from core.voice.spoken import speech_chunks
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Latency, Reply
from tests.voice_samples import recognise, speech

LATENCY = Latency(first_token=0.4, tokens_per_second=40, stt=0.4, tts=0.3, tts_per_char=0.004)
REPLY = (
    "Oh Sam, that sounds like such a long day. I'm really glad you told me about it. "
    "When everything piles up like that, it's completely normal to feel drained and a little lost. "
    "Maybe tonight you could do one small kind thing for yourself, like a warm shower or your favourite song. "
    "And tomorrow, we can look at that to-do list together and pick just the first easy step. "
    "How does that sound to you?"
)
RUNS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "voice_pipeline.json"


def _llm(fake: FakeOpenAI, config: EngineConfig) -> LLM:
    provider = ProviderConfig(api_key="sk-bench", base_url=fake.base_url, timeout=30, max_retries=0)
    return LLM(provider, config.models, temperature=0.8, reasoning_effort="medium", max_output_tokens=1024)


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
    heard = await engine.transcriber.transcribe(note)
    completion = await engine.llm.complete(
        Request(role=Role.CHAT, instructions="# Context\nUser: Sam", input=[{"role": "user", "content": heard.text}])
    )
    parts = []
    for text in speech_chunks(completion.text):
        instructions = voice_instructions("en", heard.text, text)
        parts.append(await engine.speaker.say(text, voice="marin", instructions=instructions))
    await asyncio.to_thread(join_ogg, parts)
    return time.perf_counter() - started


async def main() -> None:
    fake = FakeOpenAI(LATENCY)
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
        await pipelined(fake, engine, note)  # warm-up: language model load, first connections
        times: dict[str, list[float]] = {"sequential": [], "pipelined": []}
        for _ in range(RUNS):
            times["sequential"].append(await sequential(fake, engine, note))
            times["pipelined"].append(await pipelined(fake, engine, note))
        await db.close()
    await llm.close()
    await fake.close()
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["sequential"] / medians["pipelined"]
    print(f"{'pipeline':<12}{'median s':>10}{'runs':>28}")
    for name, values in times.items():
        print(f"{name:<12}{medians[name]:>10.2f}{'  '.join(f'{v:.2f}' for v in values):>28}")
    print(f"speed-up (sequential / pipelined): {ratio:.2f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "latency": LATENCY.__dict__, "reply_chars": len(REPLY), "runs": times,
        "median_seconds": medians, "ratio": round(ratio, 3),
    }, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
