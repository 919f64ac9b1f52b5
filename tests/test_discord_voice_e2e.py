"""A voice message on Discord, end to end: real speech in, transcribed, answered with a native voice message."""

from __future__ import annotations

import base64

from tests.discord_world import DiscordWorld
from tests.fakes.discord_server import VOICE_FLAG
from tests.fakes.openai_server import FakeOpenAI, audio_seconds
from tests.voice_samples import convert, recognise, seconds_of, speech, text_of


async def test_a_voice_message_is_transcribed_and_answered_with_a_native_voice_message(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    fake_openai.transcriber = recognise
    ogg = speech("en")
    note = dc.voice_attachment(ogg, seconds_of("en"), bytes(range(0, 256, 4)))
    heard = await dc.dm_user("Sora").says(attachments=(note,), flags=VOICE_FLAG)
    assert fake_openai.last["input"][-1]["content"] == text_of("en")  # Minato answered what was said
    [post] = heard.posts
    assert post.json["flags"] == VOICE_FLAG and not post.json.get("content")
    [meta] = post.json["attachments"]
    [part] = post.files
    assert part["content_type"] == "audio/ogg"
    duration = audio_seconds(part["data"])  # the OGG/Opus decodes
    assert duration > 0.5 and abs(meta["duration_secs"] - duration) < 0.1
    waveform = base64.b64decode(meta["waveform"])
    assert 0 < len(waveform) <= 256 and max(waveform) > 0
    assert heard.voice_messages and heard.messages == []  # one voice message, no text, no edits
    assert heard.edits == []


async def test_an_audio_file_in_text_mode_is_heard_and_answered_in_text(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    fake_openai.transcriber = recognise
    sofia = dc.dm_user("sofia", global_name="Sofía")
    await sofia.uses("voice", mode="text")
    recording = dc.file_attachment("nota.m4a", convert(speech("es"), "mp4", "aac"), "audio/mp4")
    heard = await sofia.says(attachments=(recording,))
    assert fake_openai.last["input"][-1]["content"] == text_of("es")
    assert heard.voice_messages == [] and heard.messages == ["Sofía, estoy aquí contigo. ¿Cómo te sientes hoy?"]
