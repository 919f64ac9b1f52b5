"""Quotas and rate limits: refused kindly, in the user's language, with no model call and no lag for others."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

from core.admin.config import Bucket, Quota, SafetyConfig
from core.turn import Audio
from tests.admin_support import admin_of, build, caller
from tests.conversation import Person
from tests.fakes.openai_server import tone_ogg


async def test_message_quota_hit_says_when_it_resets_and_calls_no_model(db, provider, fake_openai) -> None:
    engine = build(db, provider, SafetyConfig(default_quota=Quota(messages=2)))
    amelie = Person(engine, "Amélie", user_id="7")
    await amelie.says("Bonjour Minato, j'ai une question sur mon jardin.")
    await amelie.says("Et aussi une question sur mes tomates, s'il te plaît.")
    calls = len(fake_openai.requests)

    heard = await amelie.says("Encore une petite question sur le basilic ?")
    (notice,) = heard.notices
    assert notice.key == "quota_reached"
    assert notice.text.startswith("On a beaucoup parlé aujourd'hui")
    assert "00:00 (UTC)" in notice.text
    now = dt.datetime.now(dt.UTC)
    minutes_left = 24 * 60 - (now.hour * 60 + now.minute)
    hours = int(re.search(r"dans environ (\d+) h \d+ min", notice.text)[1])
    assert hours in {minutes_left // 60, (minutes_left - 1) // 60}
    assert len(fake_openai.requests) == calls, "no model call past the quota"
    assert not heard.text


async def test_quota_reset_time_is_shown_on_the_users_own_clock(db, provider) -> None:
    engine = build(db, provider, SafetyConfig(default_quota=Quota(messages=1)))
    amelie = Person(engine, "Amélie", user_id="7")
    await amelie.says("Bonjour Minato, comment vas-tu aujourd'hui ?")
    await engine.users.update("terminal", "7", timezone="Asia/Tokyo")
    heard = await amelie.says("Tu es encore là ce soir ?")
    assert "09:00 (Asia/Tokyo)" in heard.notices[0].text


async def test_personal_token_quota_set_by_an_admin_applies_to_that_user_only(db, provider, fake_openai) -> None:
    engine = build(db, provider)
    answer = await (await admin_of(engine)).run(caller(), "quota 7 0 0 50")
    assert answer == "Daily quota for 7: 0 messages, 0 voice minutes, 50 tokens (0 = no limit)."
    kenji = Person(engine, "Kenji", user_id="7", language_hint="ja")
    await kenji.says("こんにちは、今日はいい天気ですね。散歩に行きたいです。")
    heard = await kenji.says("もう少し話してもいいですか？")
    assert heard.notices[0].text.startswith("今日の言葉を使い切っちゃった")
    assert (await Person(engine, "Sam", user_id="8").says("Hi, am I limited too?")).text


async def test_default_quota_set_at_run_time_replaces_the_configured_one(db, provider) -> None:
    engine = build(db, provider, SafetyConfig(default_quota=Quota(messages=100)))
    await (await admin_of(engine)).run(caller(), "quota default 1 0 0")
    sam = Person(engine, "Sam", user_id="8")
    await sam.says("Hello Minato, one message only today?")
    assert [n.key for n in (await sam.says("Is that really all for today?")).notices] == ["quota_reached"]


async def test_a_flood_from_one_user_is_refused_while_another_is_still_answered(db, provider, fake_openai) -> None:
    clock = [0.0]
    engine = build(db, provider, SafetyConfig(messages=Bucket(capacity=3, per_minute=6)), monotonic=lambda: clock[0])
    flooder = Person(engine, "Flood", user_id="9")
    calm = Person(engine, "Calm", user_id="10")
    floods = [flooder.says(f"Message number {i} in my big flood of words") for i in range(12)]
    results = await asyncio.gather(*floods, calm.says("Hello, just one quiet message from me."))
    *flood, calm_heard = results

    assert calm_heard.text.startswith("Calm,"), "the other user is answered during the flood"
    answered = [h for h in flood if h.text]
    refused = [h for h in flood if h.notices]
    assert len(answered) == 3 and len(refused) == 9
    assert all(h.notices[0].key == "rate_limited" and h.notices[0].retryable for h in refused)
    assert "Give me 10 seconds" in refused[0].notices[0].text
    assert len(fake_openai.requests) == 4

    clock[0] += 10  # one message refilled (6 per minute)
    assert (await flooder.says("Okay, I waited a little, sorry about that.")).text


async def test_voice_rate_limit_counts_seconds_of_audio(db, provider) -> None:
    clock = [0.0]
    engine = build(db, provider, SafetyConfig(audio=Bucket(capacity=5, per_minute=60)), monotonic=lambda: clock[0])
    speaker = Person(engine, "Lucía", user_id="11", language_hint="es")
    note = Audio(tone_ogg(4.0), "audio/ogg", "voice.ogg")
    first = [e async for e in engine.respond(speaker.turn(audio=note))]
    assert all(getattr(e, "key", "") != "rate_limited" for e in first)
    second = [e async for e in engine.respond(speaker.turn(audio=note))]
    (notice,) = second
    assert notice.key == "rate_limited"
    assert notice.text == "¡Son muchos audios en poco tiempo! Dame 3 segundos y vuelve a enviar tu nota de voz."
