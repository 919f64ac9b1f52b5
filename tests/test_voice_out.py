"""Voice replies: reply modes say clearly what to deliver, the voice note is real OGG/Opus, instructions follow
the user's language and mood, and pipelined chunks are joined in reply order."""

from __future__ import annotations

import asyncio
import io

import av
import numpy as np
import pytest

from core.events import Activity, ActivityKind, FinalText, Notice, TextDelta, Transcript, VoiceReply
from core.voice.audio import OPUS_RATE, decode, encode_ogg
from tests.fakes.openai_server import FakeOpenAI, Latency, Reply, audio_seconds
from tests.voice_samples import recognise, sine, speech


@pytest.fixture(autouse=True)
def listening(fake_openai: FakeOpenAI) -> None:
    fake_openai.transcriber = recognise


def _shape(events: list[object]) -> list[str]:
    """Event kinds in order, runs of deltas as one 'TextDelta*'."""
    names: list[str] = []
    for event in events:
        name = type(event).__name__
        if isinstance(event, Activity):
            name = f"Activity({event.kind.value})"
        if name == "TextDelta":
            name = "TextDelta*"
        if not names or names[-1] != name or name != "TextDelta*":
            names.append(name)
    return names


TYPED, SPOKE = "typed", "spoke"
MODES = [
    ("auto", TYPED, ["Activity(typing)", "TextDelta*", "FinalText"]),
    ("auto", SPOKE, ["Activity(recording)", "Transcript", "VoiceReply"]),
    ("text", SPOKE, ["Activity(typing)", "Transcript", "TextDelta*", "FinalText"]),
    ("voice", TYPED, ["Activity(recording)", "VoiceReply"]),
    ("both", TYPED, ["Activity(typing)", "TextDelta*", "FinalText", "Activity(recording)", "VoiceReply"]),
    ("both", SPOKE, ["Activity(typing)", "Transcript", "TextDelta*", "FinalText", "Activity(recording)",
                     "VoiceReply"]),
]


@pytest.mark.parametrize(("mode", "how", "expected"), MODES)
async def test_reply_modes_say_exactly_what_to_deliver(person, engine, mode: str, how: str, expected) -> None:
    amelie = person("Amélie")
    await engine.users.touch("terminal", "u-Amélie", "Amélie", None)
    await engine.users.update("terminal", "u-Amélie", reply_mode=mode)

    heard = await (amelie.speaks(speech("fr")) if how == SPOKE else amelie.says("Bonjour Minato, ça va ce soir ?"))

    assert _shape(heard.events) == expected
    if heard.voice is not None:
        assert heard.voice.text.startswith("Amélie, je suis là") and heard.voice.language == "fr"
    if "FinalText" in expected:
        assert heard.text == heard.streamed


async def test_voice_reply_is_opus_in_ogg_at_48k_with_the_spoken_duration(person, fake_openai: FakeOpenAI) -> None:
    heard = await person("Sam").speaks(speech("en"))

    voice = heard.voice
    assert voice is not None
    with av.open(io.BytesIO(voice.ogg)) as container:
        stream = container.streams.audio[0]
        assert (container.format.name, stream.codec_context.name, stream.rate, stream.channels) == (
            "ogg", "opus", OPUS_RATE, 1)
    expected = sum(FakeOpenAI.speech_seconds(s["input"]) for s in fake_openai.speeches)
    assert voice.duration == pytest.approx(expected, abs=0.06)
    assert audio_seconds(voice.ogg) == pytest.approx(voice.duration, abs=0.03)
    assert 0 < len(voice.waveform) <= 256 and len(set(voice.waveform)) > 10, "the waveform moves with the voice"
    body = fake_openai.speeches[0]
    assert (body["model"], body["voice"], body["response_format"]) == ("gpt-4o-mini-tts", "marin", "opus")


async def test_the_users_own_voice_is_used(person, engine, fake_openai: FakeOpenAI) -> None:
    await engine.users.touch("terminal", "u-Sam", "Sam", None)
    await engine.users.update("terminal", "u-Sam", voice="cedar")
    await person("Sam").speaks(speech("en"))
    assert fake_openai.speeches[0]["voice"] == "cedar"


async def test_instructions_name_the_new_language_after_the_user_switches_by_voice(
    person, fake_openai: FakeOpenAI
) -> None:
    yuki = person("Yuki")
    first = await yuki.speaks(speech("fr"))
    second = await yuki.speaks(speech("ja"))

    assert first.transcript == Transcript(first.transcript.text, "fr") and second.transcript is not None
    assert second.transcript.language == "ja" and second.voice is not None and second.voice.language == "ja"
    before, after = fake_openai.speeches[0]["instructions"], fake_openai.speeches[-1]["instructions"]
    assert "speak French (fr)" in before
    assert "speak Japanese (ja)" in after and "French" not in after
    assert "User: Yuki · language: Japanese (ja)" in fake_openai.last["instructions"], "the reply follows too"
    for label in ("Voice/Affect:", "Tone:", "Emotion:", "Pacing:", "Pronunciation:", "Pauses:", "Delivery:"):
        assert label in after


async def test_instructions_carry_the_users_mood(person, engine, fake_openai: FakeOpenAI) -> None:
    await engine.users.touch("terminal", "u-Lea", "Lea", None)
    await engine.users.update("terminal", "u-Lea", reply_mode="voice")
    await person("Lea").says("I feel so sad and lonely tonight 😢")
    sad = fake_openai.speeches[-1]["instructions"]
    await person("Lea").says("I passed my exam!! I'm so happy 🎉")
    happy = fake_openai.speeches[-1]["instructions"]
    assert "empathy" in sad and "slow" in sad
    assert "joy" in happy and "lively" in happy


async def test_only_words_are_spoken(person, engine, fake_openai: FakeOpenAI) -> None:
    await engine.users.touch("terminal", "u-Dev", "Dev", None)
    await engine.users.update("terminal", "u-Dev", reply_mode="voice")
    fake_openai.script.append(Reply(
        "**Sure!** Try this 🙂:\n\n```python\nprint('hello')\n```\n\nMore at https://docs.python.org/3/ — have fun!"))
    heard = await person("Dev").says("How do I print in Python?")

    said = " ".join(s["input"] for s in fake_openai.speeches)
    assert said == "Sure! Try this: More at — have fun!"
    assert heard.voice is not None and "```python" in heard.voice.text, "the written reply stays whole"


def _pitched(pitch: float, seconds: float) -> bytes:
    return encode_ogg(sine(seconds, pitch))


def _pitch_at(pcm: np.ndarray, start: float, end: float) -> float:
    part = pcm[int(start * OPUS_RATE) : int(end * OPUS_RATE)]
    spectrum = np.abs(np.fft.rfft(part))
    return float(np.fft.rfftfreq(len(part), 1 / OPUS_RATE)[spectrum.argmax()])


async def test_chunks_are_joined_in_reply_order_even_when_they_finish_out_of_order(
    person, engine, fake_openai: FakeOpenAI
) -> None:
    await engine.users.touch("terminal", "u-Ana", "Ana", None)
    await engine.users.update("terminal", "u-Ana", reply_mode="voice")
    sentences = [
        "Once upon a time, far away, there was a small lighthouse keeper who loved the sea more than anything else.",
        "Every night she counted the waves and sang softly to the passing ships so that they would never feel alone.",
        "And one winter evening a tiny whale answered her song, and they became friends for ever and ever.",
    ]
    fake_openai.script.append(Reply(" ".join(sentences)))
    fake_openai.latency = Latency(tokens_per_second=300)
    pitches = {"Once": 300.0, "Every": 600.0, "And": 900.0}
    finished: list[str] = []
    answered = {word: asyncio.Event() for word in pitches}
    seen_while_streaming: list[int] = []

    async def hold(body: dict[str, object]) -> None:
        # The provider answers the chunks backwards: each waits until the next one has been answered.
        seen_while_streaming.append(fake_openai.active_streams)
        first = str(body["input"]).split()[0]
        after = {"Once": "Every", "Every": "And"}.get(first)
        if after:
            await asyncio.wait_for(answered[after].wait(), 5)

    def audio(body: dict[str, object]) -> bytes:
        first = str(body["input"]).split()[0]
        finished.append(first)
        answered[first].set()
        return _pitched(pitches[first], 1.0)

    fake_openai.speech_hook = hold
    fake_openai.speech_audio = audio
    heard = await person("Ana").says("Tell me a story about the sea, please.")

    assert finished == ["And", "Every", "Once"], "the provider answered the chunks backwards"
    assert seen_while_streaming[0] == 1, "the first chunk was sent while the reply was still streaming"
    voice = heard.voice
    assert voice is not None and voice.duration == pytest.approx(3.0, abs=0.05)
    pcm = decode(voice.ogg, OPUS_RATE)
    heard_pitches = [_pitch_at(pcm, s + 0.2, s + 0.8) for s in (0.0, 1.0, 2.0)]
    assert heard_pitches == pytest.approx([300.0, 600.0, 900.0], abs=5)


@pytest.mark.parametrize("trouble", ["rejected", "rate limited", "audio that does not decode"])
async def test_when_the_voice_cannot_be_made_the_reply_arrives_as_text(
    person, engine, fake_openai: FakeOpenAI, trouble: str
) -> None:
    await engine.users.touch("terminal", "u-Amélie", "Amélie", None)
    await engine.users.update("terminal", "u-Amélie", reply_mode="voice")
    if trouble == "rejected":
        fake_openai.speech_status.extend([400])
    elif trouble == "rate limited":
        fake_openai.speech_status.extend([429] * 4)  # two sentence chunks, each retried once by the SDK
    else:
        fake_openai.speech_audio = lambda body: b"OggS\x00\x02" + bytes(200)
    heard = await person("Amélie").says("Bonjour Minato, raconte-moi ta journée.")

    kinds = [type(e) for e in heard.events]
    assert kinds == [Activity, Notice, FinalText]
    assert heard.notices[0].key == "voice_reply_failed" and "par écrit" in heard.notices[0].text
    assert heard.text.startswith("Amélie, je suis là")
    assert heard.events[0] == Activity(ActivityKind.RECORDING)
    assert not [e for e in heard.events if isinstance(e, TextDelta | VoiceReply)]


async def test_a_broken_sentence_after_one_already_in_the_voice_note_still_brings_the_reply_as_text(
    person, engine, fake_openai: FakeOpenAI
) -> None:
    await engine.users.touch("terminal", "u-Amélie", "Amélie", None)
    await engine.users.update("terminal", "u-Amélie", reply_mode="voice")
    # Each sentence is encoded into the note as it comes back: the first can be in it when the second fails.
    fake_openai.speech_audio = lambda body: (
        b"OggS\x00\x02" + bytes(200) if body["input"].startswith("Comment") else _pitched(300.0, 1.0)
    )
    heard = await person("Amélie").says("Bonjour Minato, raconte-moi ta journée.")

    assert [s["input"] for s in fake_openai.speeches] == [
        "Amélie, je suis là avec toi.", "Comment te sens-tu aujourd'hui?"
    ], "two sentences, two requests"
    assert [type(e) for e in heard.events] == [Activity, Notice, FinalText]
    assert heard.notices[0].key == "voice_reply_failed"
    assert heard.text == "Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"
