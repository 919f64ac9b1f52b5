"""Broadcasts: paced under the platform's limit, skipping opted-out users, resumable without double-sending."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter

from core.admin.privacy import Privacy
from core.store import open_database
from tests.admin_support import ADMIN_ID, Outbox, admin_of, build, caller

RATE = 100.0  # per second, from ADMINS.broadcast_rates["terminal"]


async def _users(engine, count: int = 50, quiet: int = 5) -> list[str]:
    ids = [str(2000 + i) for i in range(count)]
    for uid in ids:
        await engine.users.touch("terminal", uid, f"User {uid}", "en")
    privacy = Privacy(engine)
    for uid in ids[:quiet]:
        assert "no more announcements" in await privacy.quiet(await engine.users.get("terminal", uid))
    return ids


async def test_broadcast_to_50_users_respects_the_throttle_and_skips_opted_out(db, provider) -> None:
    engine = build(db, provider)
    ids = await _users(engine)
    await engine.gate.moderation.ban("terminal", ids[-1])
    admin = await admin_of(engine)
    outbox = Outbox(unreachable={ids[10]})
    await admin.attach("terminal", outbox)

    started = await admin.run(caller(), "broadcast New feature: voice replies are here!")
    assert started == "Broadcast #1 started for 49 users. I'll keep you posted on its progress."
    assert "still running" in await admin.run(caller(), "broadcast Another one")
    await asyncio.wait_for(outbox.finished.wait(), 10)

    receivers = [uid for uid, _, _ in outbox.sent]
    assert sorted(receivers) == sorted(ids[5:-1]), "opted-out and banned users get nothing"
    times = [at for _, _, at in outbox.sent]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.9 / RATE, "never faster than the platform's limit"
    assert times[-1] - times[0] >= 0.9 * (len(times) - 1) / RATE
    assert outbox.reports[-1] == "Broadcast #1 finished: 43 delivered, 1 failed, 5 opted out."
    assert [r.split(": ")[1] for r in outbox.reports[:-1]] == ["12 of 49 handled.", "24 of 49 handled.",
                                                              "36 of 49 handled."]


async def test_broadcast_resumes_after_a_crash_without_double_sending(database_url, provider) -> None:
    db = await open_database(database_url)
    engine = build(db, provider)
    ids = await _users(engine)
    admin = await admin_of(engine)
    crashing = Outbox(hang_at=21)
    await admin.attach("terminal", crashing)
    await admin.run(caller(language="fr"), "broadcast Nouvelle fonction : les réponses vocales !")
    await asyncio.wait_for(crashing.hung.wait(), 10)
    assert len(crashing.sent) == 21
    await admin.shutdown()  # the process stops while a send is in flight
    await engine.llm.close()
    await db.close()

    db = await open_database(database_url)
    engine = build(db, provider)
    admin = await admin_of(engine)
    resumed = Outbox()
    await admin.attach("terminal", resumed)  # what an adapter does at startup
    await asyncio.wait_for(resumed.finished.wait(), 10)

    everyone = Counter(uid for uid, _, _ in crashing.sent + resumed.sent)
    assert max(everyone.values()) == 1, "nobody receives the broadcast twice"
    assert set(everyone) == set(ids[5:])
    assert resumed.reports[-1] == "Annonce n°1 terminée : 44 remises, 1 échecs, 5 désinscrits."
    assert ADMIN_ID not in everyone
    await engine.llm.close()
    await db.close()


async def test_broadcast_without_a_delivery_port_says_it_is_unavailable(db, provider) -> None:
    admin = await admin_of(build(db, provider))
    assert await admin.run(caller(), "broadcast Hello") == "Broadcasts aren't available on this platform."
