"""The conversation engine: one way in (`respond(turn)`), one way out (an async stream of reply events)."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass

from core.account import Account
from core.admin.gate import Gate
from core.config import EngineConfig, Role
from core.events import Activity, ActivityKind, FinalText, Notice, ReplyEvent, TextDelta
from core.history import maybe_summarize, to_input
from core.i18n import t
from core.language import next_language
from core.llm import LLM, Completion, Failure, ProviderError, Request, cache_key_for
from core.persona import Context, build_instructions
from core.store.conversations import Conversations, Scope
from core.store.db import Database
from core.store.usage import UsageLog, UsageRecord
from core.store.users import User, Users
from core.turn import Turn

log = logging.getLogger(__name__)

_FAILURE_TEXT = {
    Failure.BUSY: "provider_busy",
    Failure.UNAVAILABLE: "provider_unavailable",
    Failure.REFUSED: "provider_refused",
    Failure.BROKEN: "stream_broken",
}


@dataclass(frozen=True, slots=True)
class Prepared:
    """A turn made ready for the model: who, in which language, and what they said."""

    user: User
    scope: Scope
    conversation_id: int
    text: str
    language: str


class Engine:
    def __init__(self, db: Database, llm: LLM, config: EngineConfig, *, gate: Gate | None = None) -> None:
        self.db = db
        self.llm = llm
        self.config = config
        self.users = Users(db)
        self.conversations = Conversations(db)
        self.usage = UsageLog(db)
        self.account = Account(self.users, self.conversations)
        # Bans, allowlist, quotas and rate limits; with no gate given, only the stored admin decisions apply.
        self.gate = gate or Gate(db)
        # One lock per conversation scope keeps a user's turns in order and their history coherent.
        # Weak values: a lock lives only while some turn holds or awaits it, so idle users cost nothing.
        self._locks: weakref.WeakValueDictionary[Scope, asyncio.Lock] = weakref.WeakValueDictionary()

    def _lock(self, scope: Scope) -> asyncio.Lock:
        lock = self._locks.get(scope)
        if lock is None:
            lock = self._locks[scope] = asyncio.Lock()
        return lock

    async def respond(self, turn: Turn) -> AsyncIterator[ReplyEvent]:
        """Answer one turn. Never raises for provider trouble: the user gets a Notice in their language."""
        scope = Scope(turn.platform, turn.chat_id, turn.user_id)
        async with self._lock(scope):
            user = await self.users.touch(turn.platform, turn.user_id, turn.display_name, turn.language_hint)
            admission = await self.gate.admit(turn, user)
            if admission.refused:  # nothing is stored and no model is called (see core/admin/gate.py)
                if admission.notice is not None:
                    yield admission.notice
                return
            yield Activity(ActivityKind.TYPING)
            prepared = await self._prepare(turn, user, scope)
            if prepared is None:
                yield Notice("empty_message", t("empty_message", user.language))
                return
            if len(turn.text) > self.config.max_input_chars:
                yield Notice(
                    "text_truncated",
                    t("text_truncated", prepared.language, limit=self.config.max_input_chars),
                )
            async for event in self._reply(turn, prepared, admission.api_key):
                yield event

    async def _prepare(self, turn: Turn, user: User, scope: Scope) -> Prepared | None:
        """Detect the language and store the user's message before any model call, so nothing is lost."""
        text = turn.text.strip()
        if not text and not turn.images:
            return None
        language = next_language(user.language, text, pinned=user.language_pinned)
        if language != user.language:
            await self.users.update(turn.platform, turn.user_id, language=language)
        conversation_id = await self.conversations.current(scope)
        stored = text if not turn.images else f"{text}\n[{len(turn.images)} image(s)]".strip()
        await self.conversations.add(
            conversation_id, scope, "user", stored, kind="image" if turn.images else "text", language=language
        )
        return Prepared(user, scope, conversation_id, text[: self.config.max_input_chars], language)

    async def _reply(self, turn: Turn, p: Prepared, api_key: str | None = None) -> AsyncIterator[ReplyEvent]:
        summary = await self.conversations.summary(p.conversation_id)
        context = Context(
            user_name=p.user.name,
            language=p.language,
            chat_kind=turn.chat_kind.value,
            platform=turn.platform,
            summary=summary,
        )
        history = await self.conversations.unsummarized(p.conversation_id)
        # The stored copy of the current message is complete; the model gets it within the input limit.
        items = to_input(history[:-1], p.text, turn.images)
        request = Request(
            role=Role.CHAT,
            instructions=build_instructions(context),
            input=items,
            cache_key=cache_key_for(turn.platform, turn.user_id),
            api_key=api_key,
        )
        completion: Completion | None = None
        try:
            async for item in self.llm.stream(request):
                if isinstance(item, Completion):
                    completion = item
                else:
                    yield TextDelta(item)
        except ProviderError as exc:
            log.info("turn for %s/%s ended with provider failure %s", turn.platform, turn.user_id, exc.failure)
            yield Notice(exc.failure.value, t(_FAILURE_TEXT[exc.failure], p.language, name=p.user.name),
                         retryable=exc.failure is not Failure.REFUSED)
            return
        assert completion is not None
        await self.conversations.add(p.conversation_id, p.scope, "assistant", completion.text, language=p.language)
        await self._record(turn, Role.CHAT, completion)
        yield FinalText(completion.text, p.language)
        folded = await maybe_summarize(
            self.llm,
            self.conversations,
            p.conversation_id,
            name=p.user.name,
            language=p.language,
            budget=self.config.history_token_budget,
            keep_recent=self.config.keep_recent_messages,
            api_key=api_key,
        )
        if folded is not None:
            await self._record(turn, Role.FAST, folded)

    async def _record(self, turn: Turn, role: Role, completion: Completion) -> None:
        await self.usage.record(
            turn.platform,
            turn.user_id,
            UsageRecord(
                model=completion.model,
                role=role.value,
                input_tokens=completion.input_tokens,
                cached_tokens=completion.cached_tokens,
                output_tokens=completion.output_tokens,
            ),
        )
