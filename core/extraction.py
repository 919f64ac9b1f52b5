"""Lasting facts about a user, drawn by the structured model from the turns a summary folds away.

A summary keeps a conversation's gist in a few lines, and details the user shared about their life (a sister's
name, an allergy, a new job) fade with each fold. So each fold is also read by the structured model (o3-mini
by default) with a strict JSON schema (Structured Outputs), and the new facts it finds are kept like facts
saved with the `remember` tool: listed by /memory, part of every later context, forgotten on request.

Nothing here can hurt a conversation: a provider error or an answer that is not the expected JSON is logged
and learns nothing; the summary is stored either way.
"""

from __future__ import annotations

import asyncio
import json
import logging

from core.config import Role
from core.language import name_of
from core.llm import LLM, ProviderError, Request
from core.store.facts import MAX_FACTS, Fact, Facts
from core.store.usage import UsageLog, UsageRecord

log = logging.getLogger(__name__)

MAX_PER_FOLD = 5
# Learned facts stop short of the cap, so there is always room for a fact the user asks Minato to remember.
LEARNED_LIMIT = MAX_FACTS - 10

INSTRUCTIONS = """You keep the long-term memory of Minato, a warm companion. Read the conversation between \
Minato and {name} and list the lasting facts about {name} worth knowing in later conversations: people in \
their life and their names, where they live, work or studies, preferences, important dates, health needs, \
plans. Leave out passing moods, small talk, what Minato said about itself, guesses, and anything already \
in the known facts, even in other words. Write each fact as one short sentence in {language} about {name} \
(e.g. "{name}'s sister is called Inès"). At most {limit} facts; an empty list when there is nothing new."""

SCHEMA = {
    "format": {
        "type": "json_schema",
        "name": "lasting_facts",
        "strict": True,
        "schema": {
            "type": "object",
            "properties": {"facts": {"type": "array", "items": {"type": "string"}}},
            "required": ["facts"],
            "additionalProperties": False,
        },
    }
}


def parse(text: str) -> list[str] | None:
    """The facts in a reply shaped like SCHEMA; None when the reply is not that shape."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    facts = data.get("facts") if isinstance(data, dict) else None
    if not isinstance(facts, list) or not all(isinstance(fact, str) for fact in facts):
        return None
    return [fact.strip() for fact in facts if fact.strip()]


class FactExtractor:
    def __init__(self, llm: LLM, facts: Facts, usage: UsageLog) -> None:
        self._llm = llm
        self._facts = facts
        self._usage = usage
        # Folds of one user may be read at the same time; storing one at a time keeps duplicates out.
        self._storing = asyncio.Lock()

    async def learn(
        self,
        *,
        platform: str,
        user_id: str,
        name: str,
        language: str,
        transcript: str,
        drawn_from: int,
        api_key: str | None = None,
    ) -> list[Fact]:
        """Read folded turns (`drawn_from`: the last folded message's id) and keep the new facts; returns them."""
        known = await self._facts.all(platform, user_id)
        room = min(MAX_PER_FOLD, LEARNED_LIMIT - len(known))
        if room <= 0:
            log.info("no facts learned for %s/%s: memory is nearly full", platform, user_id)
            return []
        listed = "\n".join(f"- {fact.text}" for fact in known) or "(none)"
        request = Request(
            role=Role.STRUCTURED,
            instructions=INSTRUCTIONS.format(name=name, language=name_of(language), limit=room),
            input=[{"role": "user", "content": f"Known facts:\n{listed}\n\nConversation:\n{transcript}"}],
            api_key=api_key,
            # Picking out facts needs little thought; low effort keeps the reasoning tokens (and cost) small.
            extra={"text": SCHEMA, "reasoning": {"effort": "low"}},
        )
        try:
            completion = await self._llm.complete(request)
        except ProviderError as exc:
            log.warning("no facts learned for %s/%s: provider failure %s", platform, user_id, exc.failure.value)
            return []
        await self._usage.record(platform, user_id, UsageRecord(
            model=completion.model, role=Role.STRUCTURED.value, input_tokens=completion.input_tokens,
            cached_tokens=completion.cached_tokens, output_tokens=completion.output_tokens,
        ))
        found = parse(completion.text)
        if found is None:
            log.warning("no facts learned for %s/%s: the reply was not the expected JSON", platform, user_id)
            return []
        learned: list[Fact] = []
        async with self._storing:
            known_ids = {fact.id for fact in await self._facts.all(platform, user_id)}
            for text in found[:room]:
                fact = await self._facts.add(platform, user_id, text, limit=LEARNED_LIMIT, drawn_from=drawn_from)
                if fact is not None and fact.id not in known_ids:
                    known_ids.add(fact.id)
                    learned.append(fact)
        log.info("learned %d fact(s) for %s/%s from a summarised conversation", len(learned), platform, user_id)
        return learned
