"""Offline language detection and the rule for switching."""

from __future__ import annotations

from core.language import detect_language, next_language, normalize


def test_detects_common_languages_offline() -> None:
    samples = {
        "fr": "Bonjour, je voudrais réserver une table pour ce soir.",
        "es": "Hola, ¿me puedes recomendar un buen libro para el verano?",
        "de": "Guten Morgen, wie war dein Wochenende mit der Familie?",
        "ja": "今日はとても疲れたけど、話せて嬉しいです。",
        "ru": "Привет, я сегодня очень устал на работе.",
        "en": "I had a really long day and I just want to talk.",
    }
    for code, text in samples.items():
        guess = detect_language(text)
        assert guess is not None and guess[0] == code, (code, guess)


def test_short_or_emoji_messages_keep_the_current_language() -> None:
    for text in ("ok", "lol", "👍", "😀😀", "???", "12345", "haha"):
        assert next_language("fr", text) == "fr", text


def test_a_clear_message_switches_language() -> None:
    assert next_language("fr", "¿Podemos hablar en español a partir de ahora?") == "es"


def test_pinned_language_never_moves() -> None:
    assert next_language("de", "Can we please talk in English from now on?", pinned=True) == "de"


def test_first_message_sets_the_language_even_when_unsure() -> None:
    assert next_language(None, "hello") == "en"


def test_platform_codes_are_normalised() -> None:
    assert normalize("pt-BR") == "pt"
    assert normalize("zh_Hans") == "zh"
    assert normalize("") is None
