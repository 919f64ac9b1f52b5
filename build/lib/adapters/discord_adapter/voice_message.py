"""Native Discord voice messages, which discord.py 2.7 cannot send by itself.

A voice message is a message with the voice flag (8192), no text, and exactly one OGG/Opus attachment whose
metadata carries `duration_secs` and a base64 `waveform` (at most 256 one-byte samples); the file part is
sent as `audio/ogg`. It can never be edited.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import discord
from discord.http import handle_message_parameters

VOICE_FLAG = 8192
MAX_WAVEFORM = 256


class VoiceMessageFile(discord.File):
    """A `discord.File` whose attachment metadata says "voice message"."""

    __slots__ = ("duration", "waveform")

    def __init__(self, ogg: bytes, duration: float, waveform: bytes, filename: str = "voice-message.ogg") -> None:
        super().__init__(io.BytesIO(ogg), filename=filename)
        self.duration = duration
        self.waveform = waveform[:MAX_WAVEFORM]

    def to_dict(self, index: int) -> dict[str, Any]:
        payload = super().to_dict(index)
        payload["duration_secs"] = round(self.duration, 2)
        payload["waveform"] = base64.b64encode(self.waveform).decode("ascii")
        return payload


async def send_voice_message(
    channel: discord.abc.Messageable, ogg: bytes, duration: float, waveform: bytes
) -> discord.Message:
    """Post `ogg` as a native voice message. Raises discord.HTTPException when Discord refuses it (e.g. the
    channel forbids voice messages), so the caller can fall back to a plain audio file."""
    target = await channel._get_channel()
    state = target._state
    file = VoiceMessageFile(ogg, duration, waveform)
    with handle_message_parameters(file=file, flags=discord.MessageFlags(voice=True)) as params:
        assert params.multipart is not None  # a file always makes the request multipart
        for part in params.multipart:
            if part.get("filename") == file.filename:
                part["content_type"] = "audio/ogg"  # discord.py labels every file octet-stream
        data = await state.http.send_message(target.id, params=params)
    return state.create_message(channel=target, data=data)
