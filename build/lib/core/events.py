"""What the engine says back: a stream of reply events that each adapter delivers with its platform's means.

The stream already says what to deliver; adapters apply no rule of their own (not even the reply mode).
Per turn, in order (`[x]` = only when it applies):

- text reply (mode `text`, or `auto` after typed text):
  Activity(TYPING) · [Transcript] · TextDelta… · FinalText
- voice reply (mode `voice`, or `auto` after a voice note):
  Activity(RECORDING) · [Transcript] · VoiceReply — no TextDelta, no FinalText
- both (mode `both`):
  Activity(TYPING) · [Transcript] · TextDelta… · FinalText · Activity(RECORDING) · VoiceReply

Transcript comes only for a voice note, once it is understood. Any turn may end early with a Notice instead
(provider failure, a voice note that cannot be heard): deliver it and stop. If the voice note of a reply cannot
be made, a Notice(voice_reply_failed) comes in place of the VoiceReply, followed in voice mode by a FinalText
carrying the reply — so the user always gets the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActivityKind(StrEnum):
    TYPING = "typing"
    RECORDING = "recording"
    UPLOADING = "uploading"


@dataclass(frozen=True, slots=True)
class Activity:
    """The engine is working; show the matching indicator until the next event."""

    kind: ActivityKind


@dataclass(frozen=True, slots=True)
class Transcript:
    """What the engine heard in the user's voice note. `language` is the one Minato answers in: the language
    detected in the transcript, unless the user pinned one with /language.

    Informational: an adapter may show it (e.g. a quoted line) or ignore it; the reply follows regardless.
    """

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the reply as it streams; the concatenation of all deltas is the reply so far."""

    text: str


@dataclass(frozen=True, slots=True)
class FinalText:
    """The whole reply text (Markdown), in `language`: send it as the reply message.

    When TextDeltas came before, they were a live preview of this text (commit the draft); when none came
    (a voice reply that could not be synthesised), send it as a fresh message.
    """

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class VoiceReply:
    """One OGG/Opus voice note (48 kHz mono) with what Discord's voice messages need: send it as a voice message.

    `duration` is in seconds; `waveform` holds at most 256 loudness bytes (0–255, Discord style). `text` is the
    written reply (Markdown) it speaks, for a caption or a fallback (e.g. a user who forbids voice messages);
    it is not a message to send on its own — in `both` mode a FinalText already carried it.
    """

    ogg: bytes
    duration: float
    waveform: bytes
    text: str
    language: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should be told that is not Minato's reply: an error, a refusal, a limit.

    `text` is already in the user's language. `retryable` says whether sending the same message
    again later may work (the platform may offer a retry affordance).
    """

    key: str
    text: str
    retryable: bool = False


ReplyEvent = Activity | Transcript | TextDelta | FinalText | VoiceReply | Notice
