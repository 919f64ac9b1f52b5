"""Which model answers a turn: cheap heuristics first, a fast-model classification only when they are unsure.

- chat: the default, greetings and everyday talk (and images);
- reasoning: multi-step planning, which usually leads to several tool calls;
- complex: long or hard requests (code, analysis, essays);
- fast: the classifier itself and other small utility calls (summaries);
- structured: Structured Outputs, e.g. lasting facts read from summarised turns (core/extraction.py); the
  router never picks it for a conversation turn.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from core.config import Role
from core.llm import LLM, Completion, ProviderError, Request

log = logging.getLogger(__name__)

LONG = 1500  # characters: longer requests go to the complex model
SURE_SHORT = 800  # characters: shorter ones without other signals are everyday chat (even a long story)

_PLANNING = re.compile(
    r"\b(plan|planning|itinerary|roadmap|step[- ]by[- ]step|organi[sz]e|schedule my|"
    r"planifi\w*|organiser|itinéraire|étape par étape|"
    r"planea\w*|planifica\w*|itinerario|paso a paso|"
    r"planen|schritt für schritt|reiseroute|"
    r"pianifica\w*|passo dopo passo|"
    r"planej\w*|passo a passo|roteiro|"
    r"спланиру\w*|план\w*|пошагов\w*)\b"
    r"|計画|段取り|プラン|计划|规划|行程|一步一步",
    re.IGNORECASE,
)
_HARD = re.compile(
    r"```|\b(prove|proof|derive|analy[sz]e|debug|refactor|compare|trade-?offs?|pros and cons|in depth|"
    r"in detail|essay|algorithm|démontre|analyse[rz]?|compare[rz]?|analiza|analysiere|beweise|"
    r"analizza|analise|докажи|проанализируй)\b|証明|分析|证明",
    re.IGNORECASE,
)

CLASSIFIER = """Route a user's message to the right assistant model. Answer with JSON only.
- "chat": everyday conversation, feelings, greetings, simple questions.
- "complex": hard or long requests: code, analysis, detailed explanations, writing.
- "reasoning": planning that needs several steps or several tool calls (trips, schedules, projects)."""

_FORMAT = {
    "format": {
        "type": "json_schema",
        "name": "route",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"role": {"type": "string", "enum": ["chat", "complex", "reasoning"]}},
            "required": ["role"],
            "additionalProperties": False,
        },
    }
}


@dataclass(frozen=True, slots=True)
class Route:
    role: Role
    why: str  # which rule decided, for the logs
    classification: Completion | None = None  # the classifier call, to count in usage


def heuristic(text: str, *, images: bool = False) -> Route | None:
    """The role when the message itself makes it clear; None when only a model can tell."""
    if images:
        return Route(Role.CHAT, "images")
    if len(text) > LONG:
        return Route(Role.COMPLEX, "long")
    if _PLANNING.search(text):
        return Route(Role.REASONING, "planning")
    if _HARD.search(text):
        return Route(Role.COMPLEX, "hard")
    if len(text) <= SURE_SHORT:
        return Route(Role.CHAT, "short")
    return None


class Router:
    def __init__(self, llm: LLM | None = None) -> None:
        """Without an LLM, unsure turns go to the chat model instead of being classified."""
        self._llm = llm

    async def route(self, text: str, *, images: bool = False, api_key: str | None = None) -> Route:
        decided = heuristic(text, images=images) or await self._classify(text, api_key)
        log.info("turn routed to %s (%s)", decided.role.value, decided.why)
        return decided

    async def _classify(self, text: str, api_key: str | None) -> Route:
        if self._llm is None:
            return Route(Role.CHAT, "default")
        request = Request(
            role=Role.FAST,
            instructions=CLASSIFIER,
            input=[{"role": "user", "content": text[:LONG]}],
            api_key=api_key,
            extra={"text": _FORMAT, "max_output_tokens": 16},
        )
        try:
            completion = await self._llm.complete(request)
        except ProviderError:
            log.info("router classification failed; using the chat model")
            return Route(Role.CHAT, "classifier unavailable")
        try:
            role = Role(json.loads(completion.text)["role"])
        except (ValueError, KeyError, TypeError):
            return Route(Role.CHAT, "classifier unclear", completion)
        if role not in (Role.CHAT, Role.COMPLEX, Role.REASONING):
            role = Role.CHAT
        return Route(role, "classifier", completion)
