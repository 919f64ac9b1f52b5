"""From a discord.py `Message` to a `Turn`: who spoke, where, whether Minato was addressed, and what was said.

Everything here is a pure function of the message, except `fetch_media` which downloads attachments.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import discord

from core.turn import Audio, ChatKind, Image, Turn

log = logging.getLogger(__name__)

PLATFORM = "discord"
# Discord's own upload cap for bots without boosts; also the STT provider's input limit.
MAX_DOWNLOAD_BYTES = 25 * 1024 * 1024


def display_name(author: discord.User | discord.Member) -> str:
    """Servers: nick → global name → username (`Member.display_name`); DMs: global name → username."""
    return author.display_name


def is_private(message: discord.Message) -> bool:
    return message.guild is None


def mentions_me(message: discord.Message, me: discord.abc.Snowflake) -> bool:
    return me.id in message.raw_mentions


def replies_to_me(message: discord.Message, me: discord.abc.Snowflake) -> bool:
    ref = message.reference
    resolved = ref.resolved if ref is not None else None
    return isinstance(resolved, discord.Message) and resolved.author.id == me.id


def in_my_thread(message: discord.Message, me: discord.abc.Snowflake) -> bool:
    channel = message.channel
    return isinstance(channel, discord.Thread) and channel.owner_id == me.id


def is_addressed(message: discord.Message, me: discord.abc.Snowflake, *, free_channel: bool) -> bool:
    """Whether Minato should answer: DMs always; in servers when mentioned, replied to, in its own threads,
    or in a channel an admin opened for free conversation."""
    if message.author.bot or message.author.id == me.id:
        return False
    if is_private(message):
        return True
    return free_channel or mentions_me(message, me) or replies_to_me(message, me) or in_my_thread(message, me)


def free_channel_key(message: discord.Message) -> tuple[str, str] | None:
    """(guild id, channel id) to look up in the free-conversation table; a thread follows its parent channel."""
    if message.guild is None:
        return None
    channel = message.channel
    channel_id = channel.parent_id if isinstance(channel, discord.Thread) else channel.id
    return str(message.guild.id), str(channel_id)


def clean_text(message: discord.Message, me: discord.abc.Snowflake) -> str:
    """The message without Minato's own mention (`<@id>` / `<@!id>`), which is addressing, not content."""
    text = re.sub(rf"<@!?{me.id}>", "", message.content)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def is_audio(attachment: discord.Attachment) -> bool:
    kind = attachment.content_type or ""
    return attachment.is_voice_message() or kind.startswith("audio/") or kind == "video/ogg"


def is_image(attachment: discord.Attachment) -> bool:
    return (attachment.content_type or "").startswith("image/")


@dataclass(frozen=True, slots=True)
class Media:
    """What was downloaded from a message's attachments, and what could not be."""

    audio: Audio | None = None
    images: tuple[Image, ...] = ()
    too_large: bool = False
    failed: bool = False


async def fetch_media(message: discord.Message) -> Media:
    """Download the first audio attachment and every image. Oversized or unreadable files are reported, not
    raised, so the rest of the message is still answered."""
    audio: Audio | None = None
    images: list[Image] = []
    too_large = failed = False
    for attachment in message.attachments:
        wanted = (audio is None and is_audio(attachment)) or is_image(attachment)
        if not wanted:
            continue
        if attachment.size > MAX_DOWNLOAD_BYTES:
            too_large = True
            continue
        try:
            data = await attachment.read()
        except discord.HTTPException as exc:
            log.warning("could not download attachment %s: %s", attachment.id, type(exc).__name__)
            failed = True
            continue
        mime = attachment.content_type or "application/octet-stream"
        if is_image(attachment):
            images.append(Image(data, mime.split(";")[0]))
        else:
            audio = Audio(data, mime.split(";")[0], attachment.filename)
    return Media(audio, tuple(images), too_large, failed)


def to_turn(message: discord.Message, me: discord.abc.Snowflake, media: Media, *, addressed: bool = True) -> Turn:
    private = is_private(message)
    return Turn(
        platform=PLATFORM,
        chat_id=str(message.channel.id),
        chat_kind=ChatKind.PRIVATE if private else ChatKind.GROUP,
        user_id=str(message.author.id),
        display_name=display_name(message.author),
        text=clean_text(message, me),
        audio=media.audio,
        images=media.images,
        addressed=addressed,
    )
