"""Voice notes in: every format users send reaches speech to text decodable and whole; bad audio gets a kind
answer in the user's language, the process keeps running and the turn is recorded."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from core.config import EngineConfig, VoiceConfig
from core.engine import Engine
from core.events import Notice
from core.i18n import t
from core.store import Database
from core.voice.audio import OPUS_RATE, decode, encode_ogg
from tests.conftest import make_llm
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, audio_seconds
from tests.voice_samples import convert, recognise, seconds_of, speech, text_of

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def listening(fake_openai: FakeOpenAI) -> None:
    fake_openai.transcriber = recognise


async def _messages(engine: Engine) -> list[tuple[str, str, str]]:
    async with engine.db.conn.execute("SELECT role, content, kind FROM messages ORDER BY id") as cur:
        return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


# (container, codec, extra) → the file name and bytes the API must receive.
FORMATS = [
    pytest.param("ogg", None, {}, "voice.ogg", id="ogg-opus voice note"),
    pytest.param("mp3", "libmp3lame", {}, "voice.mp3", id="mp3"),
    pytest.param("ipod", "aac", {}, "voice.m4a", id="m4a-aac"),
    pytest.param("wav", "pcm_s16le", {}, "voice.wav", id="wav"),
    pytest.param("webm", "libopus", {}, "voice.webm", id="webm"),
    pytest.param("flac", "flac", {}, "voice.flac", id="flac"),
    pytest.param("mp4", "aac", {"video": True}, "voice.mp4", id="mp4 video note"),
]


@pytest.mark.parametrize(("container", "codec", "extra", "filename"), FORMATS)
async def test_accepted_formats_reach_speech_to_text_as_sent(
    person, fake_openai: FakeOpenAI, container: str, codec: str | None, extra: dict[str, bool], filename: str
) -> None:
    data = speech("fr") if codec is None else convert(speech("fr"), container, codec, **extra)
    heard = await person("Amélie").speaks(data, mime="application/octet-stream", filename="upload.bin")

    (upload,) = fake_openai.transcriptions
    assert upload.filename == filename
    assert upload.data == data, "an accepted format is sent untouched"
    assert upload.fields["model"] == "gpt-4o-mini-transcribe"
    assert "language" not in upload.fields, "no hint unless the user chose the language"
    assert audio_seconds(upload.data) == pytest.approx(seconds_of("fr"), abs=0.1)
    assert heard.transcript is not None and heard.transcript.text == text_of("fr")
    assert heard.transcript.language == "fr"
    assert heard.voice is not None and heard.voice.language == "fr"


@pytest.mark.parametrize(
    ("container", "codec", "rate"),
    [pytest.param("aiff", "pcm_s16be", 48000, id="aiff"), pytest.param("3gp", "libopencore_amrnb", 8000, id="amr")],
)
async def test_other_formats_are_converted_to_ogg_opus_first(
    person, fake_openai: FakeOpenAI, container: str, codec: str, rate: int
) -> None:
    heard = await person("Sofía").speaks(convert(speech("es"), container, codec, rate=rate), "audio/x-unknown")

    (upload,) = fake_openai.transcriptions
    assert upload.filename.endswith(".ogg") and upload.content_type == "audio/ogg"
    assert audio_seconds(upload.data) == pytest.approx(seconds_of("es"), abs=0.1)
    assert heard.transcript is not None and heard.transcript.text == text_of("es")


async def test_a_file_over_the_upload_limit_is_sent_as_a_smaller_ogg(db: Database, provider, fake_openai) -> None:
    config = EngineConfig(voice=VoiceConfig(max_upload_bytes=100_000))
    wav = convert(speech("fr"), "wav", "pcm_s16le")
    assert len(wav) > 100_000
    llm = make_llm(provider, config)
    try:
        heard = await Person(Engine(db, llm, config), "Amélie").speaks(wav, "audio/wav", "memo.wav")
    finally:
        await llm.close()
    (upload,) = fake_openai.transcriptions
    assert upload.filename.endswith(".ogg") and len(upload.data) < 100_000
    assert audio_seconds(upload.data) == pytest.approx(seconds_of("fr"), abs=0.1)
    assert heard.transcript is not None and heard.transcript.text == text_of("fr")


async def test_a_long_recording_is_cut_at_pauses_transcribed_concurrently_and_rejoined_in_order(
    db: Database, provider, fake_openai: FakeOpenAI
) -> None:
    gap = np.zeros(int(1.5 * OPUS_RATE), dtype=np.float32)
    parts = [decode(speech(code), OPUS_RATE) for code in ("es", "ru", "fr")]
    long_note = encode_ogg(np.concatenate([parts[0], gap, parts[1], gap, parts[2]]))
    # The first piece answers last: order must come from the recording, not from the provider.
    delays = iter([0.3, 0.1, 0.0])
    fake_openai.transcription_delay = lambda upload: next(delays)
    config = EngineConfig(voice=VoiceConfig(chunk_seconds=5.5))
    llm = make_llm(provider, config)
    try:
        heard = await Person(Engine(db, llm, config), "Mika").speaks(long_note)
    finally:
        await llm.close()

    assert len(fake_openai.transcriptions) == 3
    assert [recognise(u) for u in fake_openai.transcriptions] == [text_of(c) for c in ("es", "ru", "fr")]
    assert all(audio_seconds(u.data) <= 5.5 for u in fake_openai.transcriptions)
    assert heard.transcript is not None
    assert heard.transcript.text == " ".join(text_of(c) for c in ("es", "ru", "fr"))


BAD = [
    pytest.param(b"", "voice_empty", id="empty"),
    pytest.param(b"OggS\x00\x02" + bytes(300), "voice_corrupt", id="corrupt"),
    pytest.param(encode_ogg(np.zeros(2 * OPUS_RATE, dtype=np.float32)), "voice_silent", id="silent"),
    pytest.param(PNG_1PX, "voice_unsupported", id="image-not-audio"),
]


@pytest.mark.parametrize(("data", "key"), BAD)
async def test_bad_voice_notes_get_an_answer_in_the_users_language_and_are_recorded(
    person, engine: Engine, fake_openai: FakeOpenAI, data: bytes, key: str
) -> None:
    amelie = person("Amélie")
    await amelie.says("Bonjour Minato, je vais t'envoyer un message vocal.")
    heard = await amelie.speaks(data)

    assert [n.key for n in heard.notices] == [key]
    assert heard.notices[0].text == t(key, "fr", name="Amélie", minutes=20)
    assert heard.voice is None and heard.text == ""
    assert (await _messages(engine))[-1][2] == "voice", "the voice note is kept in the conversation"
    after = await amelie.says("Tu m'entends maintenant ?")
    assert after.text.startswith("Amélie"), "the next turn is answered as usual"


async def test_too_long_recordings_are_refused_with_the_limit(db: Database, provider, fake_openai) -> None:
    config = EngineConfig(voice=VoiceConfig(max_seconds=60))
    pcm = np.concatenate([decode(speech("en"), 8000), np.zeros(60 * 8000, np.float32)])
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes((pcm * 32767).astype("<i2").tobytes())
    long_note = buf.getvalue()
    llm = make_llm(provider, config)
    try:
        heard = await Person(Engine(db, llm, config), "Sam", language_hint="en").speaks(long_note)
    finally:
        await llm.close()
    assert [n.key for n in heard.notices] == ["voice_too_long"]
    assert "1 minutes" in heard.notices[0].text
    assert fake_openai.transcriptions == [], "no provider call for a recording we refuse"


async def test_speech_provider_outage_is_told_kindly_and_retryable(person, fake_openai: FakeOpenAI) -> None:
    fake_openai.transcription_status.extend([503, 503])
    heard = await person("Kenji", language_hint="ja").speaks(speech("ja"))
    (notice,) = heard.notices
    assert notice.key == "voice_unavailable" and notice.retryable
    assert "ごめんね" in notice.text


async def test_a_chosen_language_is_sent_as_a_hint(person, engine: Engine, fake_openai: FakeOpenAI) -> None:
    ivan = person("Ivan")
    await ivan.says("Привет! Давай поговорим по-русски, пожалуйста.")
    await engine.users.update("terminal", "u-Ivan", language_pinned=True)
    await ivan.speaks(speech("ru"))
    assert fake_openai.transcriptions[-1].fields["language"] == "ru"


async def test_audio_seconds_in_and_out_are_recorded_per_user(person, engine: Engine) -> None:
    heard = await person("Lucía").speaks(speech("es"))
    totals = await engine.usage.totals("terminal", "u-Lucía")
    assert totals.audio_seconds_in == pytest.approx(seconds_of("es"), abs=0.05)
    assert heard.voice is not None
    assert totals.audio_seconds_out == pytest.approx(heard.voice.duration, abs=0.01) and totals.audio_seconds_out > 0
    assert not [e for e in heard.events if isinstance(e, Notice)]
