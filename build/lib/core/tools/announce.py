"""A message nobody asked for just now (a due reminder), as reply events an adapter already knows how to show.

By voice when the user's reply mode says so; if the voice cannot be made, as text, so it still arrives.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from core.events import FinalText, ReplyEvent, VoiceReply
from core.store.usage import UsageLog, UsageRecord
from core.voice.problems import VoiceError
from core.voice.tts import Speaker

log = logging.getLogger(__name__)


async def announce(
    speaker: Speaker,
    usage: UsageLog,
    *,
    platform: str,
    user_id: str,
    text: str,
    language: str,
    as_voice: bool,
    voice: str | None = None,
) -> AsyncIterator[ReplyEvent]:
    if as_voice:
        synthesis = speaker.start(voice=voice, language=language, user_text=text)
        synthesis.feed(text)
        try:
            note = await synthesis.finish()
        except VoiceError as exc:
            log.info("announcement for %s/%s sent as text: voice failed (%s)", platform, user_id, exc.problem.value)
            note = None
        finally:
            synthesis.cancel()
        if note is not None:
            await usage.record(platform, user_id, UsageRecord(model=speaker.model, role="tts",
                                                              audio_seconds_out=note.duration))
            yield VoiceReply(note.ogg, note.duration, note.waveform, text, language)
            return
    yield FinalText(text, language)
