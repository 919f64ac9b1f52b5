"""Driving text turns through the world and reading each turn's timeline from what the fakes recorded.

A turn's clock starts when the fake Bot API hands the update out (getUpdates returns it) and ends when the
fake receives the reply's final `sendMessage`. Provider time on the critical path is the chat request's
span in the fake OpenAI server. What remains is Minato's (PTB + adapter + engine + store) — except the
deliberate flood pacing, which is measured apart: when an earlier message or edit took the chat's
one-per-interval slot, the final message waits for the slot on purpose.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from bench.world import STREAM_INTERVAL, World
from tests.fakes.telegram_objects import Call
from tests.fakes.telegram_server import WRITES
from tests.telegram_chat import Delivered, TgUser

_TEXT_WRITES = {"sendMessage", "sendMessageDraft", "editMessageText"}

# The reply the fake model streams for "long reply" runs: ~100 words, about 1.7 s at 60 tokens/s.
LONG_REPLY = (
    "I hear you, and I'm really glad you told me. Long days like this one can leave a person tired in a way "
    "that sleep alone doesn't fix. Maybe tonight could be gentle: something warm to drink, a short walk if "
    "the air is nice, and no pressure to be productive. Tomorrow you can look at the list again with fresh "
    "eyes, one small thing at a time. If you want, tell me which part of today weighed the most, and we can "
    "think it through together, slowly. I'm not going anywhere, and there's no wrong way to feel about it."
)


@dataclass(frozen=True, slots=True)
class TurnTimes:
    """One answered text turn, in seconds from the update being handed out."""

    total: float  # → final message received by the fake
    provider: float  # the chat request's span (request received → stream finished)
    pacing: float  # the final message waiting, on purpose, for the chat's flood slot
    first_text: float  # → first draft / edit / message carrying text
    before_llm: float  # → chat request received by the fake OpenAI server
    to_action: float  # → the "typing…" chat action received (the bot awaits it before the engine goes on)
    after_llm: float  # stream finished → final message received (pacing included)
    drafts: int

    @property
    def overhead(self) -> float:
        """Minato's own time: total − provider − deliberate pacing."""
        return self.total - self.provider - self.pacing


def timeline(world: World, heard: Delivered, user_id: int) -> TurnTimes | None:
    """The turn's times, or None if the reply never fully arrived (a lost message)."""
    start = world.telegram.handed_out.get(heard.update["update_id"])
    span = world.openai.llm_span(user_id, start) if start is not None else None
    texts = [c for c in heard.calls if c.method in _TEXT_WRITES and c.status == 200]
    finals = [c for c in texts if c.method == "sendMessage"]
    if start is None or span is None or not finals:
        return None
    final = finals[-1]
    actions = [c.at for c in heard.calls if c.method == "sendChatAction"]
    return TurnTimes(
        total=final.at - start,
        provider=span.seconds,
        pacing=pacing_wait(heard.calls, final, span.end),
        first_text=texts[0].at - start,
        before_llm=span.start - start,
        to_action=(actions[0] if actions else span.start) - start,
        after_llm=final.at - span.end,
        drafts=sum(c.method == "sendMessageDraft" for c in texts),
    )


def pacing_wait(calls: Sequence[Call], final: Call, ready: float, interval: float = STREAM_INTERVAL) -> float:
    """How long the final message was held for the chat's slot after the reply was ready at `ready`.

    Drafts have a slot of their own (adapters/telegram_adapter/pacing.py): they never hold a message back.
    """
    before = [c for c in calls if c.method in WRITES - {"sendMessageDraft"} and c.status == 200 and c.at < final.at]
    if not before:
        return 0.0
    slot = before[-1].at + interval
    return max(0.0, min(slot, final.at) - ready)


async def drive(
    world: World, users: Sequence[TgUser], turns: int, gap: float, text: str, *, overlap: bool
) -> list[TurnTimes | None]:
    """`turns` messages round-robin over `users`, `gap` seconds apart (each user's turns far apart).

    `overlap=False`: each turn starts `gap` after the previous one *finished* (the bot is otherwise idle);
    `overlap=True`: one turn starts every `gap` seconds whatever is still running (light, steady load).
    """
    order = itertools.cycle(users)

    async def one(user: TgUser) -> TurnTimes | None:
        heard = await user.says(text)
        return timeline(world, heard, user.user.id)

    tasks: list[asyncio.Task[TurnTimes | None]] = []
    for _ in range(turns):
        task = asyncio.create_task(one(next(order)))
        tasks.append(task)
        if not overlap:
            await task
        await asyncio.sleep(gap)
    return list(await asyncio.gather(*tasks))


async def warm_up(users: Sequence[TgUser], text: str = "Bonjour") -> None:
    """Each user's first contact (creating them in the store) happens before anything is measured."""
    await asyncio.gather(*(u.says(text) for u in users))
    await asyncio.sleep(STREAM_INTERVAL)  # every chat's flood slot is free again
