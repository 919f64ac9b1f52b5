"""The spoken version of a reply, and sentence chunks of a reply that is still streaming.

A voice never reads Markdown marks, code blocks, URLs or emoji aloud: it says the words around them.
"""

from __future__ import annotations

import re
import unicodedata

from markdown_it import MarkdownIt
from markdown_it.token import Token

from core.text import split_message

TTS_LIMIT = 4096  # characters per audio.speech request
_MD = MarkdownIt("commonmark").enable("table")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_MARKS = re.compile(r"[*#~`|]|_{2,}|(?<!\w)_|_(?!\w)")
_EMOJI_JOINERS = {"\u200d", "\ufe0f", "\ufe0e", "\u20e3"}
_SPACE_BEFORE_STOP = re.compile(r"\s+([.,!?;:。、！？])")
_END = re.compile(r"[.!?…:;。！？]$")
# A sentence ends at . ! ? … followed by space, right after CJK stops, or at a blank line.
_BOUNDARY = re.compile(r"(?<=[.!?…])\s+|(?<=[。！？])|\n\s*\n")


def _is_emoji(char: str) -> bool:
    return char in _EMOJI_JOINERS or unicodedata.category(char) in ("So", "Cs") or 0x1F3FB <= ord(char) <= 0x1F3FF


def _inline_text(token: Token) -> str:
    words: list[str] = []
    for child in token.children or ():
        if child.type in ("text", "code_inline"):
            words.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            words.append(" ")
    return "".join(words)


def _clean(text: str) -> str:
    text = _URL.sub("", text)
    text = "".join(" " if _is_emoji(c) else c for c in text)
    text = _MARKS.sub("", text)
    text = " ".join(text.split())
    return _SPACE_BEFORE_STOP.sub(r"\1", text)


def spoken(markdown: str) -> str:
    """What to say for this Markdown: its words, each block ending as a sentence, nothing else."""
    parts: list[str] = []
    for token in _MD.parse(markdown):
        if token.type != "inline":
            continue  # fences and code blocks carry no inline token, so code is never read aloud
        line = _clean(_inline_text(token))
        if not line or not any(c.isalnum() for c in line):
            continue
        parts.append(line if _END.search(line) else f"{line}.")
    return " ".join(parts)


def speech_chunks(markdown: str) -> list[str]:
    """The spoken version in pieces under the speech API's input limit, cut at sentence ends."""
    return split_message(spoken(markdown), TTS_LIMIT)


class SentenceChunker:
    """Cuts a streaming reply into chunks of whole sentences, each ready to synthesise while the rest streams.

    Never cuts inside a code fence. Each sentence goes as soon as it is complete: text-to-speech takes about as
    long per sentence, so a chunk of several sentences cut near the end of the reply would finish after the
    reply's last sentence and hold the voice note back. Only a sentence shorter than `min_chars` ("Oh!",
    "Sure.") waits to go with the next, so that it is not said alone with a seam after it.
    """

    def __init__(self, min_chars: int = 24) -> None:
        self._min = min_chars
        self._buffer = ""

    def feed(self, delta: str) -> list[str]:
        self._buffer += delta
        if len(self._buffer) < self._min:
            return []
        cut = 0
        for match in _BOUNDARY.finditer(self._buffer):
            end = match.end()
            if end >= self._min and self._buffer[:end].count("```") % 2 == 0:
                cut = end
        if not cut:
            return []
        chunk, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return [chunk]

    def flush(self) -> list[str]:
        """The rest of the reply once it has ended, one chunk per sentence.

        Nothing else is left to wait for, so the rest is synthesised in parallel: the voice note is ready
        when the longest remaining sentence is, not when all of them are one after another.
        """
        rest, self._buffer = self._buffer, ""
        chunks: list[str] = []
        start = 0
        for match in _BOUNDARY.finditer(rest):
            end = match.end()
            if rest[:end].count("```") % 2 == 0 and rest[start:end].strip():
                chunks.append(rest[start:end])
                start = end
        if rest[start:].strip():
            chunks.append(rest[start:])
        return chunks
