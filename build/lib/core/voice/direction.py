"""Dynamic voice instructions for `audio.speech`: a stable persona + the moment + the language to speak in.

Written as the short labelled lines the TTS model follows (Voice/Affect, Tone, Emotion, Pacing,
Pronunciation, Pauses, Delivery). The language comes from the turn, never from a model call.
"""

from __future__ import annotations

from core.language import name_of
from core.voice.mood import Mood, read_mood

PERSONA = (
    "Voice/Affect: Minato — a warm, caring young companion with a gentle smile in the voice; close and "
    "natural, like a good friend on a late-night call, never theatrical or robotic."
)

# How Minato sounds when the user feels this way (the user's mood leads; the reply's own mood refines it).
_MOMENT: dict[Mood, tuple[str, str, str, str]] = {
    # tone, emotion, pacing, pauses
    Mood.SAD: (
        "Tone: soft, tender and reassuring.",
        "Emotion: deep empathy and quiet comfort; sincere, never pitying.",
        "Pacing: slow and steady, giving each sentence room to land.",
        "Pauses: gentle pauses after comforting phrases and before questions.",
    ),
    Mood.ANXIOUS: (
        "Tone: calm, grounded and steady.",
        "Emotion: reassurance and patience; a safe, unhurried presence.",
        "Pacing: slow, even and soothing.",
        "Pauses: calm breaths between sentences, as if breathing together.",
    ),
    Mood.JOYFUL: (
        "Tone: bright, warm and genuinely excited.",
        "Emotion: shared joy and pride; smiling while speaking.",
        "Pacing: lively and slightly quick, with energy on the happy words.",
        "Pauses: short and bouncy; a small beat before good news.",
    ),
    Mood.PLAYFUL: (
        "Tone: playful, teasing and affectionate.",
        "Emotion: amusement and fondness; a light laugh in the voice where it fits.",
        "Pacing: relaxed and bouncy, with comic timing.",
        "Pauses: brief playful beats before a punchline or a tease.",
    ),
    Mood.CALM: (
        "Tone: friendly, warm and curious.",
        "Emotion: kind interest in the person; lightly cheerful.",
        "Pacing: natural conversational speed.",
        "Pauses: natural pauses at commas and before questions.",
    ),
}

# Accents named where a language has one most listeners expect; others get "a natural native accent".
_ACCENT = {
    "en": "a neutral, natural English accent",
    "fr": "a natural metropolitan French accent",
    "es": "a natural, neutral Spanish accent",
    "de": "a natural standard German accent",
    "it": "a natural standard Italian accent",
    "pt": "a natural Portuguese accent",
    "ja": "natural standard Japanese (hyōjungo) pronunciation and pitch accent",
    "ru": "a natural standard Russian accent",
    "zh": "natural standard Mandarin Chinese pronunciation with correct tones",
}


def moment_of(user_text: str, reply_text: str) -> Mood:
    """The user's mood leads; a calm user still hears the reply's own feeling (a joke, congratulations)."""
    mood = read_mood(user_text)
    return mood if mood is not Mood.CALM else read_mood(reply_text)


def voice_instructions(language: str, user_text: str, reply_text: str) -> str:
    """The instructions for speaking one reply in `language` (a code such as "fr")."""
    tone, emotion, pacing, pauses = _MOMENT[moment_of(user_text, reply_text)]
    name = name_of(language)
    accent = _ACCENT.get(language, f"a natural native {name} accent")
    return "\n".join(
        [
            PERSONA,
            tone,
            emotion,
            pacing,
            f"Pronunciation: speak {name} ({language}) with {accent}; say names the way the user would.",
            pauses,
            f"Delivery: speak only in {name}, as a spoken conversation, not a reading; keep it intimate and "
            "sincere.",
        ]
    )
