"""The voice round trip benchmark's harness, small: both designs answer a real voice note with a voice note,
and the fake charges speech the way issue 8's latency model says (per sentence, in any language)."""

from __future__ import annotations

import pytest

from bench.voice_pipeline import LAST_SENTENCE, REPLY
from bench.voice_round_trip import measure
from bench.world import ZERO
from tests.fakes.openai_server import Latency, sentences


def test_the_fake_charges_speech_per_sentence_in_every_language() -> None:
    latency = Latency(tts_per_sentence=0.5)
    assert latency.speech_seconds("Oh Sam. Long day, wasn't it? Rest!") == 1.5
    assert latency.speech_seconds("ここにいるよ。今日はどんな気分？") == 1.0
    assert latency.speech_seconds("Hola, ¿qué tal? Muy bien") == 1.0, "the words after the last stop are one more"
    assert latency.speech_seconds('Pi is 3.14, roughly. He said "fine."') == 1.0
    assert Latency(tts=0.5, tts_per_char=0.01).speech_seconds("Hello there.") == pytest.approx(0.62)


async def test_both_designs_answer_the_voice_note_with_one_voice_note_each_timed() -> None:
    found = (await measure(1, {"zero": ZERO}))["zero"]
    for key in ("pipelined_took_s", "pipelined_floor_s", "sequential_took_s", "sequential_llm_s"):
        assert len(found[key]) == 1 and found[key][0] > 0, key
    assert found["pipelined_took_s"][0] >= found["pipelined_stt_s"][0] + found["pipelined_llm_s"][0]


def test_the_floor_counts_the_replys_own_last_sentence() -> None:
    assert REPLY.endswith(LAST_SENTENCE) and sentences(LAST_SENTENCE) == 1
