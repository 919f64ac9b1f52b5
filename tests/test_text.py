"""Splitting long replies so each message stands on its own."""

from __future__ import annotations

import pytest

from core.text import split_message


def test_short_text_is_one_message() -> None:
    assert split_message("  Hello Amélie!  ", 4096) == ["Hello Amélie!"]


def test_splits_between_paragraphs_never_inside_one() -> None:
    paragraphs = [f"Paragraph {i}: " + "word " * 150 for i in range(8)]
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_message(text, 2000)
    assert len(parts) > 1
    assert all(len(p) <= 2000 for p in parts)
    for part in parts:
        for chunk in part.split("\n\n"):
            assert chunk.startswith("Paragraph "), "a cut fell inside a paragraph"
    assert "\n\n".join(parts) == text


def test_a_5000_character_answer_becomes_two_clean_telegram_messages() -> None:
    text = "\n\n".join(["Une phrase douce et réconfortante pour toi. " * 11] * 10).strip()
    assert 4096 < len(text) < 8192
    first, second = split_message(text, 4096)
    assert first.endswith(".") and second.startswith("Une phrase")


def test_code_block_cut_is_closed_and_reopened_with_its_language() -> None:
    code = "```python\n" + "\n".join(f"print({i})" for i in range(400)) + "\n```"
    parts = split_message(f"Here you go:\n\n{code}\n\nEnjoy!", 1000)
    code_parts = [p for p in parts if "print(" in p]
    assert len(code_parts) > 2
    for part in code_parts:
        assert part.count("```") % 2 == 0, "every message has balanced fences"
        assert "```python\n" in part
    lines = [line for p in parts for line in p.split("\n") if line.startswith("print(")]
    assert lines == [f"print({i})" for i in range(400)], "no line lost, duplicated or reordered"


def test_a_paragraph_longer_than_the_limit_splits_at_sentence_ends() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(200))
    parts = split_message(text, 500)
    assert all(len(p) <= 500 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_text_with_no_spaces_is_cut_hard_but_completely() -> None:
    text = "あ" * 4500
    parts = split_message(text, 2000)
    assert [len(p) for p in parts] == [2000, 2000, 500]
    assert "".join(parts) == text


def test_blank_text_gives_nothing_to_send() -> None:
    assert split_message(" \n ", 2000) == []


def test_absurd_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="limit"):
        split_message("hello", 5)
