"""Logging for the process: readable lines, quiet HTTP clients, and every known secret scrubbed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# These log full request URLs, and Telegram URLs carry the bot token (telegram.Bot logs its API URL, and every
# request's parameters, i.e. users' messages, at DEBUG).
_NOISY = ("httpx", "httpx2", "httpcore", "openai", "telegram.Bot", "telegram.ext.ExtBot", "telegram.ext.Updater",
          "discord.http", "aiohttp.access")


# Users' own OpenAI keys (`/key sk-…`) are not known in advance; a library logging an incoming update at DEBUG
# would otherwise print one.
_USER_KEY = re.compile(r"sk-[A-Za-z0-9_-]{16,}")


class RedactSecrets(logging.Filter):
    """Replaces any configured secret, and anything shaped like an OpenAI key, with `***` (defence in depth)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return _USER_KEY.sub("sk-***", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self._redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
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
