"""Scale: many simulated Telegram users, each sending a few messages with random think time, through the real
PTB Application, adapter and engine, over the fake Bot API (enforcing Telegram's flood limits) and the fake
OpenAI server at realistic latency.

Method: each user (own private chat) starts at a random moment in the first `--spread` seconds, sends a message,
waits for the reply, thinks `--think` seconds (uniform, seeded), and so on. A message is *lost* unless its final
reply reaches the fake within `--timeout` seconds. Overhead per turn as in bench/text_turn.py. Peak RSS and CPU
seconds are of the whole benchmark process, fakes included (they cost ~15% of the CPU in a profile), so they are
upper bounds for the bot.

Why the limits stay on: Telegram allows a bot about 30 messages per second overall, and Minato paces itself
at 30 writes per 1.1 s (a margin for the time a write takes to arrive), so 5,000 replies take at least ~185 s
whatever the bot does. The run keeps the shipped configuration end to end — the fake enforces every limit and
counts the 429s it provokes — and offers load just under that rate. Overhead leaves out, as deliberate pacing,
the time a final message waited for the chat's slot or for the bot-wide budget (bench/turns.py).

Run: python -m bench.scale [--users 1000 --messages 5 --spread 38 --think 36 39]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import asdict, dataclass

from bench.politeness import most_in_window, writes
from bench.report import Report, cpu_seconds, peak_rss_mb, percentile
from bench.turns import TurnTimes, timeline
from bench.world import REALISTIC, World, world
from tests.fakes.telegram_objects import Call
from tests.fakes.telegram_server import WRITES, FloodLimits
from tests.telegram_chat import Delivered, TgUser

RSS_TARGET_MB = 300.0


@dataclass(frozen=True, slots=True)
class Load:
    users: int = 1000
    messages: int = 5
    spread: float = 38.0  # about one think cycle: the load is steady from the start
    # ~26 messages/s offered by 1,000 users (one message per ~38 s each), just under the bot's own bot-wide pace
    # (30 writes per 1.1 s, ~27/s): 5,000 replies cannot take less than ~185 s however fast the bot is. A narrow
    # think range keeps the last users from finishing long after the others.
    think: tuple[float, float] = (36.0, 39.0)
    timeout: float = 120.0
    seed: int = 8


@dataclass
class Outcome:
    times: list[TurnTimes]
    lost: int
    sent: int
    seconds: float
    provoked_429s: int
    cpu: float
    rss_mb: float
    peak_writes_per_second: int  # overall, as the fake saw them
    chat_429s: int  # of the provoked 429s, those for writing to one chat too soon (the rest: bot-wide 30/s)


Answered = tuple[Delivered, int]  # a turn's calls in its chat, and the user's id


async def _person(w: World, user: TgUser, load: Load, rng: random.Random, found: list[Answered | None]) -> None:
    fake, chat_id = w.telegram, user.private.id
    # A think before each message but the first (none after the last: the run ends with the last reply).
    thinks = [rng.uniform(0, load.spread)] + [rng.uniform(*load.think) for _ in range(load.messages - 1)]
    for index, think in enumerate(thinks):
        await asyncio.sleep(think)
        update = fake.message(user.private, user.user, text=f"Message {index + 1}: how are you doing today?")
        since = len(fake.calls)
        replied = fake.expect_reply(chat_id)
        fake.push(update)
        try:
            await asyncio.wait_for(replied.wait(), load.timeout)
        except TimeoutError:
            found.append(None)
            continue
        heard = Delivered(fake, chat_id, update["message"]["message_id"], fake.calls_to(chat_id, since), update)
        found.append((heard, user.user.id))


async def run(load: Load) -> Outcome:
    rng = random.Random(load.seed)
    async with world(REALISTIC, limits=FloodLimits(), keep_requests=False) as w:
        users = [w.chat.user(f"User{i}", language="en") for i in range(load.users)]
        cpu, start = cpu_seconds(), time.monotonic()
        found: list[Answered | None] = []
        await asyncio.gather(*(_person(w, u, load, random.Random(rng.random()), found) for u in users))
        seconds = time.monotonic() - start
        cpu = cpu_seconds() - cpu
        provoked = w.telegram.provoked_429s
        bot_writes = [c.at for c in writes(w.telegram.calls)]
        peak = most_in_window(bot_writes, 1.0)
        chat_429s = _too_soon(w.telegram.calls)
        timed = [timeline(w, heard, user_id, bot_writes) for heard, user_id in filter(None, found)]
    times = [t for t in timed if t is not None]
    return Outcome(times, load.users * load.messages - len(times), len(found), seconds, provoked, cpu, peak_rss_mb(),
                   peak, chat_429s)


def _too_soon(calls: list[Call]) -> int:
    """429s answered to a write that came less than the fake's tolerance after the chat's previous write."""
    last: dict[int, float] = {}
    count = 0
    for call in calls:
        if call.chat_id is None or call.method not in WRITES:
            continue
        if call.status == 429 and call.at - last.get(call.chat_id, -10.0) < FloodLimits().chat_interval * 0.9:
            count += 1
        elif call.status == 200:
            last[call.chat_id] = call.at
    return count


def report(load: Load, outcome: Outcome) -> Report:
    over = [t.overhead for t in outcome.times] or [0.0]
    r = Report(f"Scale: {load.users} users x {load.messages} messages, realistic latency, Telegram limits enforced")
    r.add("messages lost", outcome.lost, "", "0", outcome.lost == 0)
    r.add("overhead p50", percentile(over, 50) * 1000, "ms", "< 5 ms", percentile(over, 50) < 0.005)
    r.add("overhead p99", percentile(over, 99) * 1000, "ms", "< 25 ms", percentile(over, 99) < 0.025)
    r.add("peak RSS (process, fakes incl.)", outcome.rss_mb, "MB", f"< {RSS_TARGET_MB:.0f} MB",
          outcome.rss_mb < RSS_TARGET_MB)
    r.add("CPU (process, fakes incl.)", outcome.cpu, "s")
    r.add("CPU per message", outcome.cpu / max(1, len(outcome.times)) * 1000, "ms")
    r.add("wall time", outcome.seconds, "s")
    r.add("429s provoked", outcome.provoked_429s, "", "0", outcome.provoked_429s == 0)
    total = [t.total for t in outcome.times] or [0.0]
    r.details = {
        "load": {**asdict(load), "think": list(load.think)}, "messages_answered": len(outcome.times),
        "overhead_ms": {p: percentile(over, p) * 1000 for p in (50, 90, 99, 100)},
        "reply_ms": {p: percentile(total, p) * 1000 for p in (50, 90, 99, 100)},
        "messages_per_second": len(outcome.times) / outcome.seconds if outcome.seconds else 0.0,
        "peak_writes_in_any_second": outcome.peak_writes_per_second,
        "429s_per_chat_limit": outcome.chat_429s, "429s_bot_wide_limit": outcome.provoked_429s - outcome.chat_429s,
        "pacing_ms_max": max((t.pacing for t in outcome.times), default=0.0) * 1000,
    }
    return r


def cli() -> None:
    default = Load()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=default.users)
    parser.add_argument("--messages", type=int, default=default.messages)
    parser.add_argument("--spread", type=float, default=default.spread)
    parser.add_argument("--think", type=float, nargs=2, default=default.think)
    parser.add_argument("--seed", type=int, default=default.seed)
    args = parser.parse_args()
    load = Load(args.users, args.messages, args.spread, tuple(args.think), seed=args.seed)
    result = report(load, asyncio.run(run(load)))
    result.print()
    print(f"saved {result.save('scale')}")


if __name__ == "__main__":
    cli()
