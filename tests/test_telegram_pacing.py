"""Flood-limit pacing: one write per interval per chat, 20 a minute in groups, and Telegram's retry-after obeyed."""

from __future__ import annotations

import time

from adapters.telegram_adapter.pacing import Limits, Pacing


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_write_per_interval_in_each_chat() -> None:
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=1.0), clock)
    assert pacing.ready(5)
    pacing.take(5)
    assert not pacing.ready(5)
    assert pacing.ready(6), "other chats are not held back"
    clock.now += 1.0
    assert pacing.ready(5)


def test_groups_get_twenty_writes_a_minute_keeping_a_reserve_for_final_replies() -> None:
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=0.0, group_per_minute=20), clock)
    for _ in range(17):
        assert pacing.ready(-100, reserve=3)
        pacing.take(-100)
        clock.now += 1
    assert not pacing.ready(-100, reserve=3), "streaming edits stop while 3 slots remain"
    assert pacing.ready(-100), "a reply that must land still may"
    for _ in range(3):
        pacing.take(-100)
    assert not pacing.ready(-100)
    clock.now += 44
    assert pacing.ready(-100), "the oldest write left the one-minute window"


def test_retry_after_holds_the_chat() -> None:
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=1.0), clock)
    pacing.hold(5, 7)
    clock.now += 6.9
    assert not pacing.ready(5)
    clock.now += 0.1
    assert pacing.ready(5)


async def test_wait_sleeps_until_the_slot() -> None:
    pacing = Pacing(Limits(chat_interval=0.05))
    await pacing.wait(5)
    start = time.monotonic()
    await pacing.wait(5)
    assert time.monotonic() - start >= 0.045


def test_a_draft_has_its_own_slot_and_does_not_hold_back_the_message_after_it() -> None:
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=1.0), clock)
    pacing.take(5, draft=True)
    assert not pacing.ready(5, draft=True), "one draft per interval"
    assert pacing.ready(5), "the final message may follow at once"
    pacing.take(5)
    assert not pacing.ready(5)


def test_previews_leave_a_third_of_the_bot_wide_budget_to_replies_that_must_land() -> None:
    # Under heavy load drafts and edits give way first, instead of queueing final messages behind them.
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=1.0, total_per_second=30), clock)
    for chat in range(20):
        assert pacing.ready(chat, reserve=3, draft=True)
        pacing.take(chat, draft=True)
        clock.now += 0.04
    assert not pacing.ready(99, reserve=3, draft=True), "no preview once 20 of 30 writes are used"
    assert pacing.ready(99), "a final message still goes"


def test_bot_wide_writes_go_out_evenly_not_thirty_at_once() -> None:
    # Thirty writes released together arrive over tens of milliseconds; the next second's thirty could then
    # reach Telegram within the same second and be refused.
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=1.0, total_per_second=30, total_window=1.1, total_burst=5), clock)
    for chat in range(5):
        pacing.take(chat)
    assert not pacing.ready(5), "a sixth write at the same instant waits"
    clock.now += 1.1 * 5 / 30
    assert pacing.ready(5)


def test_a_long_running_bot_forgets_chats_with_nothing_pending() -> None:
    clock = Clock()
    pacing = Pacing(Limits(chat_interval=1.0, group_per_minute=20), clock)
    for _ in range(20):
        pacing.take(-5)
    for chat in range(1, 10_000):
        pacing.take(chat)
    clock.now += 2.0
    pacing.take(10_001)  # one chat past the limit: the idle ones are forgotten
    assert len(pacing._chats) == 2, "memory stays bounded by the chats still pending"
    assert not pacing.ready(-5), "the group's minute still counts: forgetting it would let a 21st write through"
