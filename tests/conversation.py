"""Tests that read like conversations: `heard = await person("Amélie").says("Bonjour")`."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.engine import Engine
from core.events import FinalText, Notice, ReplyEvent, TextDelta, Transcript, VoiceReply
from core.turn import Audio, ChatKind, Image, Turn


@dataclass
class Heard:
    """Everything the engine sent back for one turn."""

    events: list[ReplyEvent]

    @property
    def text(self) -> str:
        finals = [e.text for e in self.events if isinstance(e, FinalText)]
        return finals[-1] if finals else ""

    @property
    def streamed(self) -> str:
        return "".join(e.text for e in self.events if isinstance(e, TextDelta))

    @property
    def language(self) -> str | None:
        finals = [e.language for e in self.events if isinstance(e, FinalText)]
        return finals[-1] if finals else None

    @property
    def notices(self) -> list[Notice]:
        return [e for e in self.events if isinstance(e, Notice)]

    @property
    def voice(self) -> VoiceReply | None:
        voices = [e for e in self.events if isinstance(e, VoiceReply)]
        return voices[-1] if voices else None

    @property
    def transcript(self) -> Transcript | None:
        found = [e for e in self.events if isinstance(e, Transcript)]
        return found[-1] if found else None


@dataclass
class Person:
    engine: Engine
    name: str
    platform: str = "terminal"
    user_id: str | None = None
    chat_id: str | None = None
    chat_kind: ChatKind = ChatKind.PRIVATE
    language_hint: str | None = None
    history: list[Heard] = field(default_factory=list)

    def turn(self, text: str = "", **kwargs: object) -> Turn:
        uid = self.user_id or f"u-{self.name}"
        return Turn(
            platform=self.platform,
            chat_id=self.chat_id or uid,
            chat_kind=self.chat_kind,
            user_id=uid,
            display_name=self.name,
            text=text,
            language_hint=self.language_hint,
            **kwargs,  # type: ignore[arg-type]
        )

    async def _send(self, turn: Turn) -> Heard:
        heard = Heard([event async for event in self.engine.respond(turn)])
        self.history.append(heard)
        return heard

    async def says(self, text: str, *, images: tuple[Image, ...] = ()) -> Heard:
        return await self._send(self.turn(text, images=images))

    async def speaks(self, data: bytes, mime: str = "audio/ogg", filename: str = "voice.ogg") -> Heard:
        return await self._send(self.turn(audio=Audio(data, mime, filename)))
