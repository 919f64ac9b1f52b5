"""Logging for the process: readable lines, quiet HTTP clients, and every known secret scrubbed."""

from __future__ import annotations

import logging
from collections.abc import Iterable

# These log full request URLs, and Telegram URLs carry the bot token (telegram.Bot logs its API URL, and every
# request's parameters, i.e. users' messages, at DEBUG).
_NOISY = ("httpx", "httpx2", "httpcore", "openai", "telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater",
          "discord.http", "aiohttp.access")


class RedactSecrets(logging.Filter):
    """Replaces any configured secret in a record's final message with `***` (defence in depth)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "***")
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            for secret in self._secrets:
                record.exc_text = record.exc_text.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _NOISY:
        logging.getLogger(name).setLevel(logging.WARNING)
