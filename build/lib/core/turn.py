"""What a user said, as data: the one input the engine accepts from any platform."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Audio:
    """Recorded speech as the platform delivered it (voice note, audio file, video note)."""

    data: bytes
    mime: str
    filename: str = "audio"


@dataclass(frozen=True, slots=True)
class Image:
    data: bytes
    mime: str


@dataclass(frozen=True, slots=True)
class Turn:
    """One user message. A Turn is data; it does not know how to reply."""

    platform: str
    chat_id: str
    chat_kind: ChatKind
    user_id: str
    display_name: str
    text: str = ""
    audio: Audio | None = None
    images: tuple[Image, ...] = ()
    addressed: bool = True
    language_hint: str | None = None

    @property
    def is_private(self) -> bool:
        return self.chat_kind is ChatKind.PRIVATE
