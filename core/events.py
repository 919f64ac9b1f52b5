"""What the engine says back: a stream of reply events that each adapter delivers with its platform's means."""

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
    """What the engine heard in the user's voice note."""

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class TextDelta:
    """A piece of the reply as it streams; the concatenation of all deltas is the reply so far."""

    text: str


@dataclass(frozen=True, slots=True)
class FinalText:
    """The whole reply text (Markdown), in `language`. Always follows the deltas of a text reply."""

    text: str
    language: str


@dataclass(frozen=True, slots=True)
class VoiceReply:
    """One OGG/Opus voice note (48 kHz mono) with what Discord's voice messages need."""

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
