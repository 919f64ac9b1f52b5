"""The feeling of a moment, read cheaply from text (words, punctuation, emoji): no model call needed.

It only steers how a voice sounds, so a rough reading is enough; when unsure it says CALM.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Mood(StrEnum):
    SAD = "sad"
    ANXIOUS = "anxious"
    JOYFUL = "joyful"
    PLAYFUL = "playful"
    CALM = "calm"


# Word stems in the nine shipped languages. Latin and Cyrillic stems match at the start of a word;
# Chinese and Japanese ones anywhere (those scripts put no spaces between words).
_WORDS: dict[Mood, tuple[str, ...]] = {
    Mood.SAD: (
        "sad", "lonely", "alone", "miss ", "cry", "crying", "tired", "hurt", "sorry", "failed", "lost",
        "triste", "seul", "pleur", "fatigu", "désolé", "raté", "perdu", "cansad", "llor", "soledad",
        "traurig", "einsam", "müde", "weinen", "stanc", "piang", "cansado", "saudade",
        "悲し", "寂し", "さみし", "疲れ", "つらい", "辛い", "泣", "грустн", "одинок", "устал", "плач", "жаль",
        "难过", "伤心", "孤独", "累", "哭",
    ),
    Mood.ANXIOUS: (
        "worried", "anxious", "scared", "afraid", "nervous", "stress", "panic", "inquiet", "peur", "angoiss",
        "preocup", "miedo", "nervios", "angst", "sorge", "preoccup", "paura", "ansia", "medo",
        "不安", "怖い", "心配", "волну", "страш", "трево", "担心", "害怕", "紧张",
    ),
    Mood.JOYFUL: (
        "happy", "great", "wonderful", "amazing", "love", "glad", "yay", "congrat", "heureu", "super", "génial",
        "merveill", "feliz", "genial", "maravill", "glücklich", "toll", "wunderbar", "felice", "fantastic",
        "ótimo", "嬉し", "うれし", "楽し", "最高", "おめでと", "счаст", "отлично", "ура", "开心", "高兴",
        "太好了", "恭喜",
    ),
    Mood.PLAYFUL: ("haha", "hihi", "lol", "mdr", "jaja", "jeje", "kkk", "ахах", "хаха", "笑", "www", "哈哈"),
}
_EMOJI: dict[Mood, str] = {
    Mood.SAD: "😢😭😞😔🥺💔☹🙁",
    Mood.ANXIOUS: "😰😨😟😬😱",
    Mood.JOYFUL: "😊😄😁🥰😍❤💖🎉✨🥳",
    Mood.PLAYFUL: "😂🤣😜😝😏😉🙃",
}
_EXCLAIM = re.compile(r"[!！]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _pattern(stem: str) -> re.Pattern[str]:
    return re.compile(re.escape(stem) if _CJK.search(stem) else rf"(?<!\w){re.escape(stem)}")


_PATTERNS = {mood: [_pattern(stem) for stem in stems] for mood, stems in _WORDS.items()}


def read_mood(text: str) -> Mood:
    """The strongest feeling in `text`: sad and anxious win ties (comfort matters more than cheer)."""
    lowered = text.lower()
    scores = dict.fromkeys(Mood, 0)
    for mood, patterns in _PATTERNS.items():
        scores[mood] += sum(1 for pattern in patterns if pattern.search(lowered))
    for mood, emoji in _EMOJI.items():
        scores[mood] += sum(2 for char in text if char in emoji)
    if len(_EXCLAIM.findall(text)) >= 2 and not scores[Mood.SAD] and not scores[Mood.ANXIOUS]:
        scores[Mood.JOYFUL] += 1
    best = max((Mood.SAD, Mood.ANXIOUS, Mood.JOYFUL, Mood.PLAYFUL), key=lambda m: scores[m])
    return best if scores[best] else Mood.CALM
