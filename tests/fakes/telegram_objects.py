"""Telegram's objects as the fake Bot API sees them: users, chats, recorded calls, sent messages, HTML and entities."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


# Tags Telegram's HTML parse mode accepts (https://core.telegram.org/bots/api#html-style).
_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote",
         "tg-spoiler", "span", "tg-emoji"}
@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_bot: bool = False

    def as_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass(frozen=True)
class FakeChat:
    id: int
    type: str  # private | group | supergroup
    title: str | None = None
    first_name: str | None = None
    is_forum: bool = False

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title:
            data["title"] = self.title
        if self.first_name:
            data["first_name"] = self.first_name
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float
    status: int = 200
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None


@dataclass
class Sent:
    """A message the bot has in a chat, as it stands now (edits applied)."""

    chat_id: int
    message_id: int
    kind: str  # text | voice | document
    text: str  # visible text (HTML parsed), or the caption
    parse_mode: str | None
    reply_to: int | None
    thread_id: int | None
    data: bytes = b""
    duration: int | None = None
    filename: str | None = None
    edits: int = 0
    reply_markup: dict[str, Any] | None = None


class _VisibleText(HTMLParser):
    """Parses Telegram HTML like Telegram does: unknown or unbalanced tags are an error."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _TAGS and self.error is None:
            self.error = f'Unsupported start tag "{tag}" at byte offset {self.getpos()[1]}'
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if (not self.stack or self.stack[-1] != tag) and self.error is None:
            self.error = f'Can\'t find end tag corresponding to start tag "{tag}"'
        if self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    if parser.error is None and parser.stack:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.stack[-1]}"'
    if parser.error:
        raise ApiError(400, f"Bad Request: can't parse entities: {parser.error}")
    return "".join(parser.text)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[dict[str, Any]]:
    """bot_command at the start and @mentions anywhere, with UTF-16 offsets as Telegram sends them."""
    found: list[dict[str, Any]] = []
    position = 0
    for word in text.split(" "):
        start = _utf16_len(text[:position])
        token = word.rstrip(",.!?;:")
        if position == 0 and token.startswith("/") and len(token) > 1:
            found.append({"type": "bot_command", "offset": start, "length": _utf16_len(token)})
        elif token.startswith("@") and len(token) > 1:
            found.append({"type": "mention", "offset": start, "length": _utf16_len(token)})
        position += len(word) + 1
    return found

