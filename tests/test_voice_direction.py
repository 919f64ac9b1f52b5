"""Voice direction: the moment's mood is read cheaply and steers the voice; common words are not feelings."""

from __future__ import annotations

import pytest

from core.voice.direction import voice_instructions
from core.voice.mood import Mood, read_mood


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("Me siento muy sola y cansada", Mood.SAD),
        ("今日は少し寂しいです", Mood.SAD),
        ("Je suis inquiète pour demain, j'ai peur", Mood.ANXIOUS),
        ("Ура! Я так счастлив", Mood.JOYFUL),
        ("haha that is so funny 😂", Mood.PLAYFUL),
        ("Bonjour, ça va ?", Mood.CALM),
        # Regression: "solo" (only), "радио", "культура" once read as sad or joyful by substring.
        ("Hola, solo quería decirte algo", Mood.CALM),
        ("Я слушаю радио, культура", Mood.CALM),
    ],
)
def test_mood_is_read_from_words_and_emoji(text: str, mood: Mood) -> None:
    assert read_mood(text) is mood


def test_a_calm_user_still_hears_the_replys_own_feeling() -> None:
    lines = voice_instructions("es", "Hoy aprobé el examen", "¡Felicidades! ¡Qué maravilla, estoy tan feliz por ti!")
    assert "Emotion: shared joy" in lines
    assert "speak Spanish (es)" in lines and "only in Spanish" in lines


def test_the_users_sadness_leads_even_when_the_reply_is_cheerful() -> None:
    lines = voice_instructions("ja", "今日はとても寂しい", "元気出して！最高の一日になるよ！")
    assert "Emotion: deep empathy" in lines and "Japanese" in lines
