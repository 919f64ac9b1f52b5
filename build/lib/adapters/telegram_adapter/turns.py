"""Pure translation from Telegram's `Message` to what the engine needs: who, where, addressed or not, which media.

No I/O here: downloading the media happens in media.py, on the `Attachment` chosen by `attachment_of`.

Display name rule: a person is called by their first name. In a group, when two people there share that
first name (as seen by this bot since it started), each is called by their full name instead, so the model
can tell them apart; a user with no first name falls back to their @username.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from telegram import Message, MessageEntity, User
from telegram.constants import ChatType

from core.language import normalize
from core.turn import Audio, ChatKind, Image, Turn

PLATFORM = "telegram"
_IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


class MediaKind(StrEnum):
    AUDIO = "audio"
    IMAGE = "image"
    UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file in a message that the engine could use, not downloaded yet."""

    kind: MediaKind
    file_id: str
    size: int | None
    mime: str
    filename: str


def chat_kind(message: Message) -> ChatKind | None:
    """PRIVATE or GROUP; None for chats Minato does not talk in (channels)."""
    if message.chat.type == ChatType.PRIVATE:
        return ChatKind.PRIVATE
    if message.chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        return ChatKind.GROUP
    return None


def display_name(user: User, namesakes: Mapping[str, Set[int]] | None = None) -> str:
    """First name, or the full name when someone else in the chat shares the first name (see module doc)."""
    first = (user.first_name or "").strip()
    if not first:
        return user.username or str(user.id)
    others = (namesakes or {}).get(first.casefold(), set()) - {user.id}
    return user.full_name.strip() if others and user.last_name else first


def is_addressed(message: Message, bot_id: int, bot_username: str) -> bool:
    """In a group: an @mention of the bot, a reply to one of its messages, or a command."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    reply = message.reply_to_message
    # In forum topics every message "replies" to the topic's first message; that is not talking to Minato.
    to_bot = reply is not None and reply.from_user is not None and reply.from_user.id == bot_id
    if to_bot and reply is not None and reply.forum_topic_created is None:
        return True
    mention = f"@{bot_username}".casefold()
    entities = message.parse_entities() or message.parse_caption_entities()
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text.casefold() == mention:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user is not None and entity.user.id == bot_id:
            return True
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            target = text.partition("@")[2]
            if not target or target.casefold() == bot_username.casefold():
                return True
    return False


def text_of(message: Message, bot_username: str) -> str:
    """The words the user wrote (text or caption), without the @mention that only served to call Minato."""
    text = message.text or message.caption or ""
    return re.sub(rf"@{re.escape(bot_username)}\b", "", text, flags=re.IGNORECASE).strip()


def attachment_of(message: Message) -> Attachment | None:
    """The one file of a message the engine can use: voice, audio, video note, photo or image document."""
    if message.voice:
        v = message.voice
        return Attachment(MediaKind.AUDIO, v.file_id, v.file_size, v.mime_type or "audio/ogg", "voice.ogg")
    if message.audio:
        a = message.audio
        return Attachment(MediaKind.AUDIO, a.file_id, a.file_size, a.mime_type or "audio/mpeg",
                          a.file_name or "audio.mp3")
    if message.video_note:
        n = message.video_note
        return Attachment(MediaKind.AUDIO, n.file_id, n.file_size, "video/mp4", "video_note.mp4")
    if message.photo:
        p = message.photo[-1]  # the largest size Telegram made
        return Attachment(MediaKind.IMAGE, p.file_id, p.file_size, "image/jpeg", "photo.jpg")
    if message.document:
        d = message.document
        mime = (d.mime_type or "").lower()
        kind = MediaKind.IMAGE if mime in _IMAGE_TYPES else MediaKind.UNSUPPORTED
        return Attachment(kind, d.file_id, d.file_size, mime, d.file_name or "document")
    if message.sticker or message.video or message.animation or message.location or message.contact:
        return Attachment(MediaKind.UNSUPPORTED, "", None, "", "")
    return None


def to_turn(
    message: Message,
    *,
    kind: ChatKind,
    name: str,
    addressed: bool,
    text: str,
    attachment: Attachment | None = None,
    data: bytes = b"",
) -> Turn:
    """The engine's Turn for this message, with the downloaded bytes of its attachment if any."""
    user = message.from_user
    assert user is not None
    kind_of = attachment.kind if attachment else None
    audio = Audio(data, attachment.mime, attachment.filename) if attachment and kind_of is MediaKind.AUDIO else None
    images = (Image(data, attachment.mime),) if attachment and kind_of is MediaKind.IMAGE else ()
    return Turn(
        platform=PLATFORM,
        chat_id=str(message.chat_id),
        chat_kind=kind,
        user_id=str(user.id),
        display_name=name,
        text=text,
        audio=audio,
        images=images,
        addressed=addressed,
        language_hint=normalize(user.language_code),
    )
