"""Telegram: translate updates into Turns and deliver the engine's replies with the Bot API."""
