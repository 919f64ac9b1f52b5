"""Audio in and out with PyAV in-process: voice notes that platforms accept, waveforms, spoken text."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest

from core.voice.audio import (
    OPUS_RATE,
    AudioError,
    AudioProblem,
    decode,
    encode_ogg,
    join_ogg,
    note_from,
    probe,
)
from core.voice.spoken import TTS_LIMIT, SentenceChunker, speech_chunks, spoken
from core.voice.stt import join_pieces
from tests.fakes.openai_server import audio_seconds, tone_ogg
from tests.voice_samples import sine, speech


def _stream_facts(ogg: bytes) -> tuple[str, str, int, int]:
    with av.open(io.BytesIO(ogg)) as container:
        stream = container.streams.audio[0]
        return container.format.name, stream.codec_context.name, stream.rate, stream.channels


def test_joined_voice_note_is_one_opus_stream_in_ogg_at_48k_mono_with_the_summed_duration() -> None:
    note = join_ogg([tone_ogg(1.0), tone_ogg(2.0, rate=24000), tone_ogg(0.5)])

    assert _stream_facts(note.ogg) == ("ogg", "opus", OPUS_RATE, 1)
    assert note.duration == pytest.approx(3.5, abs=0.05)
    assert audio_seconds(note.ogg) == pytest.approx(note.duration, abs=0.03)


def test_waveform_has_at_most_256_points_and_follows_the_loudness() -> None:
    quiet, loud = sine(1.0, 300, loudness=0.05), sine(1.0, 300, loudness=0.8)
    note = note_from(np.concatenate([quiet, loud, quiet]))

    wave = list(note.waveform)
    assert 0 < len(wave) <= 256
    third = len(wave) // 3
    first, middle, last = wave[:third], wave[third + 5 : 2 * third - 5], wave[2 * third + 5 :]
    assert min(middle) > 200 and max(first) < 40 and max(last) < 40


def test_waveform_of_speech_moves_with_the_words() -> None:
    note = note_from(decode(speech("fr"), OPUS_RATE))
    assert len(note.waveform) == 256
    assert max(note.waveform) == 255 and min(note.waveform) < 30, "pauses between words show as dips"


def test_probe_names_container_codec_duration_and_size() -> None:
    data = speech("ja")
    info = probe(data)
    assert (info.container, info.codec, info.size, info.has_video) == ("ogg", "opus", len(data), False)
    assert info.duration == pytest.approx(audio_seconds(data), abs=0.05)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", AudioProblem.EMPTY),
        (b"OggS\x00garbage that is not a real ogg page" * 3, AudioProblem.CORRUPT),
        (bytes(range(256)) * 8, AudioProblem.CORRUPT),
    ],
)
def test_broken_audio_is_named_not_crashed_on(data: bytes, problem: AudioProblem) -> None:
    with pytest.raises(AudioError) as caught:
        decode(data, 16000)
    assert caught.value.problem is problem


def test_encode_then_decode_keeps_the_length() -> None:
    pcm = sine(1.25, 440, rate=16000)
    assert len(decode(encode_ogg(pcm, 16000), 16000)) == pytest.approx(len(pcm), abs=400)


def test_spoken_version_reads_words_not_markdown_code_links_or_emoji() -> None:
    reply = (
        "## Tips 🌟\n\nHere is **bold** advice from [the docs](https://example.com/x) 😊 — see "
        "https://example.org/page.\n\n```python\nprint('secret code')\n```\n\n- drink `water`\n- sleep well 😴"
    )
    said = spoken(reply)
    assert said == "Tips. Here is bold advice from the docs — see. drink water. sleep well."
    for unwanted in ("**", "#", "http", "print", "`", "😊", "🌟", "😴"):
        assert unwanted not in said


def test_long_replies_are_spoken_in_chunks_under_the_speech_limit_cut_at_sentences() -> None:
    sentence = "Minato tells a long and gentle story about the sea and the stars. "
    chunks = speech_chunks(sentence * 200)
    assert len(chunks) > 2
    assert all(len(c) <= TTS_LIMIT for c in chunks)
    assert all(c.endswith(".") for c in chunks)


def test_streaming_chunker_cuts_whole_sentences_and_never_inside_code() -> None:
    chunker = SentenceChunker(min_chars=10)
    text = "Bonjour Amélie, ça va bien. Voici:\n```\nx = 1. y = 2.\n```\nVoilà tout. こんにちは。元気？"
    chunks = [c for token in text.split(" ") for c in chunker.feed(token + " ")] + chunker.flush()
    assert "".join(chunks).strip() == text
    assert chunks[0] == "Bonjour Amélie, ça va bien. "
    assert all(c.count("```") % 2 == 0 for c in chunks)


def test_each_sentence_is_sent_to_speech_as_soon_as_it_is_complete_but_a_tiny_one_waits_for_the_next() -> None:
    chunker = SentenceChunker()
    text = "Oh! That sounds like a really long day. Rest a little bit tonight. Tomorrow we"
    chunks = [c for word in text.split(" ") for c in chunker.feed(word + " ")]
    assert chunks == ["Oh! That sounds like a really long day. ", "Rest a little bit tonight. "]


def test_once_the_reply_has_ended_the_rest_is_cut_per_sentence_to_be_spoken_in_parallel() -> None:
    chunker = SentenceChunker(min_chars=100)
    assert chunker.feed("Short one. Then another short. And the end?") == [], "too little yet to start a chunk"
    assert chunker.flush() == ["Short one. ", "Then another short. ", "And the end?"]


def test_transcript_pieces_join_with_spaces_except_between_japanese_or_chinese() -> None:
    assert join_pieces(["Hola, ¿qué tal?", " Muy bien. ", ""]) == "Hola, ¿qué tal? Muy bien."
    assert join_pieces(["今日は寂しい。", "でも大丈夫。"]) == "今日は寂しい。でも大丈夫。"
    assert join_pieces(["안녕하세요.", "반가워요."]) == "안녕하세요. 반가워요."
