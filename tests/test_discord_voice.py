"""Voice replies on Discord: native voice messages (flag 8192, duration, waveform, audio/ogg) and the fallback."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator

import av
import discord
import numpy as np

from adapters.discord_adapter.outgoing import ChannelSink, InteractionSink, deliver
from adapters.discord_adapter.voice_message import send_voice_message
from core.events import Activity, ActivityKind, ReplyEvent, VoiceReply
from tests.discord_world import DiscordWorld
from tests.fakes.discord_server import VOICE_FLAG
from tests.fakes.openai_server import audio_seconds, tone_ogg


def waveform_of(ogg: bytes, points: int = 64) -> bytes:
    """Loudness envelope as Discord draws it: one byte (0-255) per slice of the recording."""
    with av.open(io.BytesIO(ogg)) as container:
        samples = np.concatenate([f.to_ndarray().ravel() for f in container.decode(audio=0)])
    slices = np.array_split(np.abs(samples), points)
    peaks = np.array([s.max() if len(s) else 0.0 for s in slices])
    return bytes((255 * peaks / max(peaks.max(), 1e-9)).astype(np.uint8))


async def voice_events(reply: VoiceReply) -> AsyncIterator[ReplyEvent]:
    yield Activity(ActivityKind.RECORDING)
    yield reply


def spoken(text: str, seconds: float = 1.6) -> VoiceReply:
    ogg = tone_ogg(seconds)
    return VoiceReply(ogg=ogg, duration=audio_seconds(ogg), waveform=waveform_of(ogg), text=text, language="en")


async def test_a_voice_reply_is_a_native_voice_message(dc: DiscordWorld) -> None:
    reply = spoken("Good night, Kenji. Sleep well.")
    await deliver(voice_events(reply), ChannelSink(dc.channel()))
    posts = dc.fake.calls_to("POST", "/messages")
    assert len(posts) == 1
    payload, files = posts[0].json, posts[0].files
    assert payload["flags"] == VOICE_FLAG and not payload.get("content")  # a voice message carries no text
    [meta] = payload["attachments"]
    assert abs(meta["duration_secs"] - reply.duration) < 0.01
    assert base64.b64decode(meta["waveform"]) == reply.waveform and len(reply.waveform) <= 256
    [part] = files
    assert part["content_type"] == "audio/ogg" and part["filename"].endswith(".ogg")
    assert abs(audio_seconds(part["data"]) - reply.duration) < 0.05  # the file decodes as the same OGG/Opus
    [message] = dc.fake.messages[dc.general["id"]]
    assert message["attachments"][0]["waveform"] == meta["waveform"]


async def test_a_refused_voice_message_falls_back_to_an_audio_file_with_the_text(dc: DiscordWorld) -> None:
    dc.fake.refuse_voice = True  # e.g. the channel forbids voice messages
    reply = spoken("Good night, Kenji. Sleep well.")
    await deliver(voice_events(reply), ChannelSink(dc.channel()))
    refused, fallback = dc.fake.calls_to("POST", "/messages")
    assert refused.status == 403
    assert fallback.status == 200 and fallback.json["content"] == "Good night, Kenji. Sleep well."
    assert not fallback.json.get("flags")
    [part] = fallback.files
    assert abs(audio_seconds(part["data"]) - reply.duration) < 0.05


async def test_a_voice_message_is_received_with_its_metadata_by_discord_py(dc: DiscordWorld) -> None:
    """The message discord.py builds from Discord's answer is recognised as a voice message."""
    reply = spoken("Hi!")
    message = await send_voice_message(dc.channel(), reply.ogg, reply.duration, reply.waveform)
    assert message.flags.voice and message.attachments[0].is_voice_message()
    assert message.attachments[0].waveform == reply.waveform


async def test_a_voice_reply_to_a_slash_command_arrives_as_an_audio_file_with_its_text(dc: DiscordWorld) -> None:
    """Webhook followups cannot carry the voice flag, so a command gets the audio as a file plus the words."""
    reply = spoken("Sweet dreams!")

    @dc.bot.tree.command(name="lullaby", description="a test command that answers with a voice reply")
    async def lullaby(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await deliver(voice_events(reply), InteractionSink(interaction))

    heard = await dc.member("Kenji").uses("lullaby")
    [edit] = [c for c in heard.calls if c.method == "PATCH"]
    assert edit.json["content"] == "Sweet dreams!"
    assert abs(audio_seconds(edit.files[0]["data"]) - reply.duration) < 0.05
