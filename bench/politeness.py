"""Streaming politeness: how fast the bot writes to each chat while streaming, as the fake Bot API sees it.

Method: the fake enforces Telegram's published limits (about 1 message or edit per second per chat, 20 per
minute per group, 30 per second overall) plus a cautious one for drafts, which Telegram does not publish:
about 1 per second per chat on their own slot, and counted in the 30/s. It answers 429 like Telegram when a
limit is broken. Private chats and groups ask for long replies (~100 words, 1.7 s of streaming at 60 tokens/s), so
every reply is shown as drafts (private) or edits (groups) and then committed, several chats at once.
Measured from the fake's call log: the most messages/edits (and, apart, drafts) any chat got in any 0.9-second
window, the shortest gap between two such writes to one chat, the most writes to a group in any minute, the
most writes overall in any second, and the 429s provoked (must be 0).

Run: python -m bench.politeness
"""

from __future__ import annotations

import asyncio
import bisect
from collections.abc import Sequence

from bench.report import Report
from bench.turns import LONG_REPLY
from bench.world import REALISTIC, World, world
from tests.fakes.openai_server import context_of
from tests.fakes.telegram_objects import Call
from tests.fakes.telegram_server import WRITES, FloodLimits
from tests.telegram_chat import TgUser

PRIVATE_USERS = 12
PRIVATE_MESSAGES = 3
GROUPS = 3
GROUP_USERS = 2
GROUP_MESSAGES = 2


def most_in_window(times: Sequence[float], window: float) -> int:
    """The largest number of `times` inside any window of `window` seconds."""
    ordered = sorted(times)
    return max((bisect.bisect_left(ordered, t + window) - i for i, t in enumerate(ordered)), default=0)


def writes(calls: Sequence[Call]) -> list[Call]:
    return [c for c in calls if c.method in WRITES and c.status == 200]


def by_chat(calls: Sequence[Call], *, drafts: bool = False) -> dict[int, list[float]]:
    """Each chat's write times: messages and edits, or (with `drafts`) drafts only — each has its own slot."""
    chats: dict[int, list[float]] = {}
    for call in writes(calls):
        if call.chat_id is not None and (call.method == "sendMessageDraft") == drafts:
            chats.setdefault(call.chat_id, []).append(call.at)
    return chats


def shortest_gap(chats: dict[int, list[float]]) -> float:
    gaps = [b - a for times in chats.values() for a, b in zip(sorted(times), sorted(times)[1:], strict=False)]
    return min(gaps, default=float("inf"))


async def _talk(user: TgUser, times: int, **where: object) -> None:
    for index in range(times):
        text = f"{user.chat.mention} tell me something kind ({index})" if where else f"Tell me something kind ({index})"
        await user.says(text, **where)  # type: ignore[arg-type]


async def conversations(w: World) -> None:
    tasks = [_talk(w.chat.user(f"Private{i}", language="en"), PRIVATE_MESSAGES) for i in range(PRIVATE_USERS)]
    for g in range(GROUPS):
        group = w.chat.group(f"Group {g}")
        tasks += [_talk(w.chat.user(f"G{g}U{u}", language="en"), GROUP_MESSAGES, chat=group)
                  for u in range(GROUP_USERS)]
    await asyncio.gather(*tasks)


async def main() -> Report:
    def reply(body: dict[str, object]) -> str:
        return f"{context_of(body)[0]}, {LONG_REPLY}"

    async with world(REALISTIC, limits=FloodLimits(), replier=reply) as w:
        await conversations(w)
        calls = list(w.telegram.calls)
        provoked = w.telegram.provoked_429s
    chats, drafts = by_chat(calls), by_chat(calls, drafts=True)
    groups = {c: t for c, t in chats.items() if c < 0}
    streamed = [c for c in writes(calls) if c.method in ("sendMessageDraft", "editMessageText")]
    per_chat = max(most_in_window(t, 0.9) for t in chats.values())
    drafts_per_chat = max((most_in_window(t, 0.9) for t in drafts.values()), default=0)
    per_group = max((most_in_window(t, 60.0) for t in groups.values()), default=0)
    overall = most_in_window([c.at for c in writes(calls)], 1.0)
    gap = shortest_gap(chats)
    report = Report("Streaming politeness: writes seen by the fake Bot API (Telegram's limits enforced)")
    # Telegram says "about one per second"; the bot paces at 1.0 s when it takes the slot, and the request then
    # reaches the server a few ms early or late, so the fake tolerates 0.9 s (FloodLimits.tolerance).
    report.add("peak messages+edits / chat / s (1 / shortest gap)", 1 / gap, "/s", "<= 1.11 (gap >= 0.9 s)",
               gap >= 0.9)
    report.add("max messages+edits / chat in any 0.9 s", per_chat, "", "<= 1", per_chat <= 1)
    report.add("max drafts / chat in any 0.9 s", drafts_per_chat, "", "<= 1", drafts_per_chat <= 1)
    report.add("max writes / group in any 60 s", per_group, "", "<= 20", per_group <= 20)
    report.add("max writes overall in any 1 s", overall, "", "<= 30", overall <= 30)
    report.add("drafts + edits", len(streamed), "")
    report.add("429s provoked", provoked, "", "0", provoked == 0)
    report.details = {
        "private_chats": PRIVATE_USERS, "messages_per_private_chat": PRIVATE_MESSAGES, "groups": GROUPS,
        "users_per_group": GROUP_USERS, "messages_per_group_user": GROUP_MESSAGES,
        "writes": len(writes(calls)), "drafts": sum(c.method == "sendMessageDraft" for c in streamed),
        "edits": sum(c.method == "editMessageText" for c in streamed), "shortest_gap_s": gap,
        "max_writes_per_chat_in_any_1s": max(most_in_window(t, 1.0) for t in chats.values()),
    }
    return report


def cli() -> None:
    report = asyncio.run(main())
    report.print()
    print(f"saved {report.save('politeness')}")


if __name__ == "__main__":
    cli()
