"""Text helpers every adapter needs: splitting long replies cleanly, and a spoken form of Markdown."""

from __future__ import annotations

import re

_FENCE = re.compile(r"^\s*(```|~~~)")
_PROSE_CUTS = (
    (re.compile(r"\n"), "\n"),
    (re.compile(r"(?<=[.!?。！？…])\s+"), " "),
    (re.compile(r" +"), " "),
)


def _blocks(text: str) -> list[str]:
    """Paragraphs, with each fenced code block kept whole even when it holds blank lines."""
    blocks: list[str] = []
    current: list[str] = []
    in_code = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            if not in_code and current:
                blocks.append("\n".join(current))
                current = []
            current.append(line)
            if in_code:
                blocks.append("\n".join(current))
                current = []
            in_code = not in_code
            continue
        if not in_code and not line.strip():
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    return blocks


def _split_prose(text: str, limit: int, level: int = 0) -> list[str]:
    """Split prose under `limit`: at line breaks, then sentence ends, then spaces, then anywhere."""
    if len(text) <= limit:
        return [text]
    if level == len(_PROSE_CUTS):
        return [text[i : i + limit] for i in range(0, len(text), limit)]
    cut, joiner = _PROSE_CUTS[level]
    out: list[str] = []
    current = ""
    for part in cut.split(text):
        candidate = f"{current}{joiner}{part}" if current else part
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            out.append(current)
        pieces = _split_prose(part, limit, level + 1)
        out.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        out.append(current)
    return out


def _split_code(block: str, limit: int) -> list[str]:
    lines = block.split("\n")
    opener = lines[0].strip()
    fence = opener[:3]
    body = lines[1:-1] if len(lines) > 1 and _FENCE.match(lines[-1]) else lines[1:]
    room = limit - len(opener) - len(fence) - 2
    out: list[str] = []
    current: list[str] = []
    size = 0
    for line in body:
        for part in [line[i : i + room] for i in range(0, max(len(line), 1), room)]:
            if current and size + len(part) + 1 > room:
                out.append("\n".join([opener, *current, fence]))
                current, size = [], 0
            current.append(part)
            size += len(part) + 1
    out.append("\n".join([opener, *current, fence]))
    return out


def _split_block(block: str, limit: int) -> list[str]:
    if len(block) <= limit:
        return [block]
    if _FENCE.match(block):
        return _split_code(block, limit)
    return _split_prose(block, limit)


def split_message(text: str, limit: int) -> list[str]:
    """Split `text` into messages of at most `limit` characters.

    Cuts fall between paragraphs when possible, then between lines, sentences and words. A code
    block that must be cut is closed at the end of one message and reopened (same language tag)
    at the start of the next, so each message renders on its own.
    """
    if limit < 20:
        raise ValueError("limit too small to split sensibly")
    text = text.strip()
    if len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    for block in _blocks(text):
        for piece in _split_block(block, limit):
            if chunks and len(chunks[-1]) + 2 + len(piece) <= limit:
                chunks[-1] = f"{chunks[-1]}\n\n{piece}"
            else:
                chunks.append(piece)
    return [chunk.rstrip() for chunk in chunks]
