"""Secrets never reach the logs."""

from __future__ import annotations

import logging

from bots.logs import RedactSecrets


def test_secrets_are_scrubbed_from_messages_and_tracebacks() -> None:
    token = "123456:AAE-telegram-secret"
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "GET https://api.telegram.org/bot%s/getMe", (token,),
                               None)
    RedactSecrets([token]).filter(record)
    assert token not in record.getMessage()
    assert "bot***/getMe" in record.getMessage()
    try:
        raise RuntimeError(f"failed with {token}")
    except RuntimeError:
        import sys

        failing = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactSecrets([token]).filter(failing)
    assert token not in (failing.exc_text or "")


def test_a_users_own_key_is_scrubbed_even_when_a_library_logs_the_whole_update() -> None:
    key = "sk-proj-Abc123_def456-ghi789jkl"
    record = logging.LogRecord("telegram.ext.Application", logging.DEBUG, __file__, 1, "Processing update %s",
                               ({"message": {"text": f"/key {key}"}},), None)
    RedactSecrets([]).filter(record)
    assert key not in record.getMessage() and "/key sk-***" in record.getMessage()
