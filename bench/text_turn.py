"""Overhead per text turn and time to first visible text, through the real bot over the fakes.

Method: private chats, one message every `gap` seconds round-robin over enough users that no chat's flood
slot is ever busy from an earlier turn. Three runs: providers at zero latency (short reply), realistic
latency with a short reply (~12 tokens: done before the first draft is due, so one message), realistic
latency with a long reply (~100 tokens: drafts, then the final message).

- Overhead = (update handed out → final message received) − the chat request's span in the fake OpenAI
  server − the deliberate pacing wait of the final message (reported apart).
- First visible text = update handed out → first draft/edit/message carrying text; floor = LLM first-token
  latency + one Bot API round trip (median sendChatAction through PTB on the same fake).

Run: python -m bench.text_turn [--turns N]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from dataclasses import dataclass
from typing import Any

from bench.report import Report, percentile
from bench.turns import LONG_REPLY, TurnTimes, drive, warm_up
from bench.world import REALISTIC, ZERO, world
from tests.fakes.openai_server import Latency, context_of, default_reply

OVERHEAD_P50 = 0.005
OVERHEAD_P99 = 0.025
FIRST_TEXT_RATIO = 1.05


def long_reply(body: dict[str, Any]) -> str:
    name, _ = context_of(body)
    return f"{name}, {LONG_REPLY}"


@dataclass(frozen=True, slots=True)
class Run:
    name: str
    latency: Latency
    long: bool
    turns: int
    gap: float
    users: int
    overlap: bool


def runs(turns: int) -> list[Run]:
    return [
        Run("zero latency, short reply", ZERO, False, turns, 0.03, 40, overlap=False),
        Run("realistic, short reply", REALISTIC, False, turns * 2 // 5, 0.2, 40, overlap=True),
        Run("realistic, long reply", REALISTIC, True, turns // 5, 0.25, 40, overlap=True),
    ]


@dataclass(frozen=True, slots=True)
class Measured:
    times: list[TurnTimes]
    lost: int
    rtt: float
    history: int  # input items in the last chat request (grows with each user's conversation)
    cpu_per_turn: float  # process CPU seconds per measured turn (bot and fakes: one process)


async def measure(run: Run) -> Measured:
    async with world(run.latency, replier=long_reply if run.long else default_reply) as w:
        users = [w.chat.user(f"Bench{i}", language="en") for i in range(run.users)]
        await warm_up(users)
        rtt = await w.bot_round_trip()
        cpu = time.process_time()
        found = await drive(w, users, run.turns, run.gap, "How was your day? Tell me something nice.",
                            overlap=run.overlap)
        cpu = (time.process_time() - cpu) / run.turns
        last = w.openai.requests[-1]
        return Measured([t for t in found if t is not None], sum(t is None for t in found), rtt,
                        len(last["input"]), cpu)


def ms(seconds: float) -> float:
    return seconds * 1000


async def main(turns: int) -> tuple[Report, Report]:
    overhead = Report("Overhead per text turn (ms): handed out → final message, minus provider and pacing")
    first = Report("First visible text: handed out → first draft/message with text, vs floor")
    for run in runs(turns):
        m = await measure(run)
        times, rtt = m.times, m.rtt
        over = [t.overhead for t in times]
        p50, p99 = percentile(over, 50), percentile(over, 99)
        overhead.add(f"{run.name}: p50", ms(p50), "ms", "< 5 ms", p50 < OVERHEAD_P50)
        overhead.add(f"{run.name}: p99", ms(p99), "ms", "< 25 ms", p99 < OVERHEAD_P99)
        overhead.add(f"{run.name}: CPU per turn (bot + fakes)", ms(m.cpu_per_turn), "ms")
        pacing = [t.pacing for t in times]
        if any(pacing):
            overhead.add(f"{run.name}: pacing p50 (apart)", ms(percentile(pacing, 50)), "ms")
        floor = run.latency.first_token + rtt
        seen = percentile([t.first_text for t in times], 50)
        if run.latency.first_token:
            ratio = seen / floor
            first.add(f"{run.name}: p50", ms(seen), "ms")
            first.add(f"{run.name}: floor", ms(floor), "ms")
            first.add(f"{run.name}: ratio", ratio, "x floor", f"<= {FIRST_TEXT_RATIO}x", ratio <= FIRST_TEXT_RATIO)
        overhead.details[run.name] = {
            "turns": len(times), "lost": m.lost, "bot_api_round_trip_ms": ms(rtt),
            "history_items_last_request": m.history, "cpu_per_turn_ms": ms(m.cpu_per_turn),
            "overhead_ms": {"p50": ms(p50), "p90": ms(percentile(over, 90)), "p99": ms(p99), "max": ms(max(over))},
            "before_llm_ms_p50": ms(percentile([t.before_llm for t in times], 50)),
            "to_chat_action_ms_p50": ms(percentile([t.to_action for t in times], 50)),
            "after_llm_ms_p50": ms(percentile([t.after_llm - t.pacing for t in times], 50)),
            "pacing_ms": {"p50": ms(percentile(pacing, 50)), "max": ms(max(pacing))},
            "provider_ms_p50": ms(percentile([t.provider for t in times], 50)),
            "total_ms_p50": ms(percentile([t.total for t in times], 50)),
            "drafts_per_turn": sum(t.drafts for t in times) / max(1, len(times)),
        }
        first.details[run.name] = {
            "first_text_ms": {"p50": ms(seen), "p99": ms(percentile([t.first_text for t in times], 99))},
            "floor_ms": ms(floor), "first_token_ms": ms(run.latency.first_token), "bot_api_round_trip_ms": ms(rtt),
        }
    return overhead, first


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=150,
                        help="turns in the zero-latency run (the realistic runs: 2/5 and 1/5 of it)")
    args = parser.parse_args()
    overhead, first = asyncio.run(main(args.turns))
    for report, stem in ((overhead, "overhead"), (first, "first_text")):
        report.print()
        print(f"saved {report.save(stem)}")


if __name__ == "__main__":
    cli()
