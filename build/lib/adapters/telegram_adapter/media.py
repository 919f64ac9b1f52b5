"""Fetching a message's file from the Bot API, or saying in the user's language why it cannot be used."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import BadRequest, NetworkError

from adapters.telegram_adapter.turns import Attachment, MediaKind
from core.i18n import t

log = logging.getLogger(__name__)

# The public Bot API serves bot downloads up to 20 MB; a self-hosted Bot API server has no such limit.
BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024


class MediaProblem(Exception):
    """The attachment cannot reach the engine; `text` tells the user why, in their language."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__(key)
        self.key = key
        self.text = text


async def download(bot: Bot, attachment: Attachment, language: str | None, limit: int | None) -> bytes:
    """The attachment's bytes. Raises MediaProblem for unsupported, too big or undownloadable files."""
    if attachment.kind is MediaKind.UNSUPPORTED:
        raise MediaProblem("unsupported_file", t("tg_unsupported_file", language))
    megabytes = (limit or BOT_API_DOWNLOAD_LIMIT) // (1024 * 1024)
    too_big = MediaProblem("file_too_big", t("tg_file_too_big", language, limit=megabytes))
    if limit is not None and attachment.size is not None and attachment.size > limit:
        raise too_big
    try:
        file = await bot.get_file(attachment.file_id)
        return bytes(await file.download_as_bytearray())
    except BadRequest as exc:
        if "too big" in exc.message.lower():
            raise too_big from exc
        log.warning("could not download a %s attachment: %s", attachment.kind, exc.message)
    except NetworkError as exc:
        log.warning("could not download a %s attachment: %s", attachment.kind, type(exc).__name__)
    raise MediaProblem("download_failed", t("tg_download_failed", language))
