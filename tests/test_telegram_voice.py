"""Voice on Telegram end to end: a real speech fixture as a voice note in, a voice note out, through the real engine."""

from __future__ import annotations

import pytest

from tests.fakes.openai_server import FakeOpenAI, audio_seconds
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_chat import TelegramChat
from tests.voice_samples import convert, recognise, seconds_of, speech, text_of


@pytest.fixture(autouse=True)
def listening(fake_openai: FakeOpenAI) -> None:
    fake_openai.transcriber = recognise


async def test_a_spanish_voice_note_gets_a_voice_reply_whose_audio_decodes(
    tg: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    lucia = tg.user("Lucía", language="es")
    note = lucia.file(speech("es"), "voice/file_1.oga", duration=round(seconds_of("es")), mime_type="audio/ogg")
    heard = await lucia.sends(voice=note)

    (upload,) = fake_openai.transcriptions
    assert upload.data == speech("es"), "the voice note reached speech to text as Telegram stored it"
    assert fake_openai.requests[0]["input"][-1]["content"] == text_of("es")
    (reply,) = heard.voices
    assert reply.reply_to == heard.message_id
    seconds = audio_seconds(reply.data)
    assert seconds > 1.0, "the reply's audio decodes and has a voice in it"
    assert reply.duration == max(1, round(seconds))
    # Sentence by sentence, the requests racing each other: what was said matters, not which request landed first.
    assert {s["input"] for s in fake_openai.speeches} == {"Lucía, estoy aquí contigo.", "¿Cómo te sientes hoy?"}
    assert heard.actions[0] == "record_voice"
    assert not heard.texts, "auto mode: a voice note is answered by voice only"


async def test_voice_forbidden_sends_the_spoken_reply_as_a_file_with_its_text(
    tg: TelegramChat, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.forbid_voice()
    lucia = tg.user("Lucía", language="es")
    heard = await lucia.sends(voice=lucia.file(speech("es"), "voice/file_2.oga", duration=3, mime_type="audio/ogg"))
    (document,) = heard.documents
    assert document.text.startswith("Lucía, estoy aquí contigo")
    assert audio_seconds(document.data) > 1.0


async def test_a_video_note_is_heard_too(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    amelie = tg.user("Amélie")
    clip = convert(speech("fr"), "mp4", "aac", video=True)
    heard = await amelie.sends(video_note=amelie.file(clip, "video_notes/file_3.mp4", length=240, duration=4))
    assert fake_openai.requests[0]["input"][-1]["content"] == text_of("fr")
    assert heard.voices, "Amélie spoke, so Minato answers by voice"
