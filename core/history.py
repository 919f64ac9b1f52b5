"""Turning stored messages into model input, and folding old turns into a summary when they grow too long."""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.config import Role
from core.language import name_of
from core.llm import LLM, Completion, ProviderError, Request
from core.store.conversations import Conversations, Message
from core.turn import Image

log = logging.getLogger(__name__)

SUMMARY_INSTRUCTIONS = """You keep the memory of Minato, a warm companion. Summarise the conversation below \
between Minato and {name} in {language}, in at most 8 short lines: facts about {name}, their feelings, \
decisions, open questions and promises Minato made. Include the previous summary's facts. No preamble."""


@dataclass(frozen=True, slots=True)
class Fold:
    """Older turns just folded into the conversation's summary."""

    completion: Completion  # the summarising call, for usage accounting
    transcript: str  # the folded turns, as the summary model read them
    up_to_message_id: int  # the last folded message


def estimate_tokens(texts: Sequence[str]) -> int:
    """Roughly 4 characters per token: enough to decide when to summarise, with no tokenizer download."""
    return sum(len(t) for t in texts) // 4 + 4 * len(texts)


def to_input(earlier: Sequence[Message], text: str, images: Sequence[Image] = ()) -> list[dict[str, Any]]:
    """Responses API input items: the earlier messages, then the current one with its images."""
    items: list[dict[str, Any]] = [{"role": m.role, "content": m.content} for m in earlier]
    if not images:
        items.append({"role": "user", "content": text})
        return items
    parts: list[dict[str, Any]] = [{"type": "input_text", "text": text}]
    parts.extend(
        {"type": "input_image", "image_url": f"data:{img.mime};base64,{base64.b64encode(img.data).decode()}"}
        for img in images
    )
    items.append({"role": "user", "content": parts})
    return items


async def maybe_summarize(
    llm: LLM,
    conversations: Conversations,
    conversation_id: int,
    *,
    name: str,
    language: str,
    budget: int,
    keep_recent: int,
    api_key: str | None = None,
) -> Fold | None:
    """Fold all but the last `keep_recent` messages into the summary when history exceeds `budget` tokens.

    Returns what was folded, and the call that did it, when a fold happened.
    """
    messages = await conversations.unsummarized(conversation_id)
    previous = await conversations.summary(conversation_id) or ""
    if estimate_tokens([previous, *(m.content for m in messages)]) <= budget or len(messages) <= keep_recent:
        return None
    old = messages[:-keep_recent] if keep_recent else messages
    transcript = "\n".join(f"{'Minato' if m.role == 'assistant' else name}: {m.content}" for m in old)
    request = Request(
        role=Role.FAST,
        instructions=SUMMARY_INSTRUCTIONS.format(name=name, language=name_of(language)),
        input=[{
            "role": "user",
            "content": f"Previous summary:\n{previous or '(none)'}\n\nConversation:\n{transcript}",
        }],
        api_key=api_key,
    )
    try:
        completion = await llm.complete(request)
    except ProviderError:
        log.warning("summary skipped: provider failed; history kept verbatim")
        return None
    if not completion.text.strip():
        return None
    await conversations.fold(conversation_id, completion.text.strip(), old[-1].id)
    return Fold(completion, transcript, old[-1].id)
