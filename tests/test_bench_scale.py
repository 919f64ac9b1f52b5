"""The scale benchmark's harness, small: many users at once through the real bot lose no message."""

from __future__ import annotations

from bench.scale import Load, run


async def test_twenty_users_talking_at_once_each_get_every_reply() -> None:
    outcome = await run(Load(users=20, messages=2, spread=0.5, think=(0.1, 0.3), timeout=30))
    assert outcome.lost == 0
    assert len(outcome.times) == 40, "every message got its final reply, measured"
    assert all(t.provider > 0.4 for t in outcome.times), "each reply waited for the model's first token"
