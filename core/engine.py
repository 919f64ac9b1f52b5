"""The conversation engine: one way in (`respond(turn)`), one way out (an async stream of reply events)."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass

from core.account import Account
from core.admin.gate import Gate
from core.chores import Chores
from core.config import EngineConfig, Role
from core.events import Activity, ActivityKind, FinalText, Notice, ReplyEvent, TextDelta, Transcript, VoiceReply
from core.extraction import FactExtractor
from core.history import Fold, maybe_summarize, to_input
from core.i18n import t
from core.language import next_language
from core.llm import LLM, Completion, Failure, ProviderError, Request, cache_key_for
from core.persona import Context, build_instructions
from core.router import Router
from core.store.conversations import Conversations, Scope
from core.store.db import Database
from core.store.facts import Facts
from core.store.reminders import Reminders
from core.store.usage import UsageLog, UsageRecord
from core.store.users import User, Users
from core.tools.announce import announce
from core.tools.base import ToolContext
from core.tools.catalog import build_toolbox
from core.tools.config import ToolsConfig
from core.tools.loop import Answer, Citations, run_tools
from core.tools.memory_tools import fact_line
from core.tools.scheduler import Deliveries
from core.turn import Turn
from core.voice.delivery import Delivery, delivery_for
from core.voice.problems import VoiceError
from core.voice.stt import Transcriber
from core.voice.tts import Speaker, Synthesis

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
    length: int  # of the whole message, before truncation for the model


class Engine:
    def __init__(
        self,
        db: Database,
        llm: LLM,
        config: EngineConfig,
        *,
        gate: Gate | None = None,
        tools: ToolsConfig | None = None,
        router: Router | None = None,
    ) -> None:
        self.db = db
        self.llm = llm
        self.config = config
        self.users = Users(db)
        self.conversations = Conversations(db)
        self.usage = UsageLog(db)
        self.facts = Facts(db)
        self.reminders = Reminders(db)
        # Adapters register their delivery port here; the reminder scheduler delivers through it.
        self.deliveries = Deliveries(self.reminders.changed)
        self.tools_config = tools or ToolsConfig()
        self.toolbox = build_toolbox(
            self.tools_config, llm.provider, users=self.users, reminders=self.reminders, facts=self.facts
        )
        self.router = router or Router(llm)
        self.account = Account(self.users, self.conversations, facts=self.facts)
        self.extractor = FactExtractor(llm, self.facts, self.usage)
        # Follow-up work of finished turns (learning facts from a fold), out of the next turn's way.
        self.chores = Chores()
        self.transcriber = Transcriber(llm.client, config.models.stt, config.voice)
        self.speaker = Speaker(llm.client, config.models.tts, config.voice)
        # Bans, allowlist, quotas and rate limits; with no gate given, only the stored admin decisions apply.
        self.gate = gate or Gate(db)
        # One lock per conversation scope keeps a user's turns in order and their history coherent.
        # Weak values: a lock lives only while some turn holds or awaits it, so idle users cost nothing.
        self._locks: weakref.WeakValueDictionary[Scope, asyncio.Lock] = weakref.WeakValueDictionary()

    async def close(self) -> None:
        """Let follow-up work finish (briefly) before the store and provider are closed."""
        await self.chores.close()

    async def announce(
        self, platform: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> AsyncGenerator[ReplyEvent, None]:
        """The events of a message Minato sends on its own (a due reminder), for an adapter's delivery port."""
        user = await self.users.get(platform, user_id)
        async for event in announce(
            self.speaker, self.usage, platform=platform, user_id=user_id, text=text, language=language,
            as_voice=as_voice, voice=user.voice if user else None,
        ):
            yield event

    def _lock(self, scope: Scope) -> asyncio.Lock:
        lock = self._locks.get(scope)
        if lock is None:
            lock = self._locks[scope] = asyncio.Lock()
        return lock

    async def respond(self, turn: Turn) -> AsyncGenerator[ReplyEvent, None]:
        """Answer one turn. Never raises for provider trouble: the user gets a Notice in their language."""
        scope = Scope(turn.platform, turn.chat_id, turn.user_id)
        async with self._lock(scope):
            user = await self.users.touch(turn.platform, turn.user_id, turn.display_name, turn.language_hint)
            admission = await self.gate.admit(turn, user)
            if admission.refused:  # nothing is stored and no model is called (see core/admin/gate.py)
                if admission.notice is not None:
                    yield admission.notice
                return
            delivery = delivery_for(user.reply_mode, spoke=turn.audio is not None)
            yield Activity(ActivityKind.TYPING if delivery.text else ActivityKind.RECORDING)
            heard: str | None = None
            if turn.audio is not None:
                outcome = await self._listen(turn, user, scope, admission.api_key)
                if isinstance(outcome, Notice):
                    yield outcome
                    return
                heard = outcome
            prepared = await self._prepare(turn, user, scope, heard)
            if prepared is None:
                # A bare @mention in a group is someone calling Minato over, not a message gone missing.
                key = "empty_message" if turn.is_private else "summoned"
                yield Notice(key, t(key, user.language, name=user.name))
                return
            if heard is not None:
                yield Transcript(heard, prepared.language)
            if prepared.length > self.config.max_input_chars:
                yield Notice(
                    "text_truncated",
                    t("text_truncated", prepared.language, limit=self.config.max_input_chars),
                )
            async for event in self._reply(turn, prepared, delivery, admission.api_key):
                yield event

    async def _listen(self, turn: Turn, user: User, scope: Scope, api_key: str | None) -> str | Notice:
        """The words of the turn's voice note, or the Notice to show; a note that fails is still recorded."""
        assert turn.audio is not None
        # A wrong language hint hurts recognition, so only a language the user chose is passed.
        hint = user.language if user.language_pinned else None
        try:
            heard = await self.transcriber.transcribe(turn.audio.data, hint, api_key=api_key)
        except VoiceError as exc:
            log.info("voice note from %s/%s not transcribed: %s", turn.platform, turn.user_id, exc.problem.value)
            conversation_id = await self.conversations.current(scope)
            await self.conversations.add(
                conversation_id, scope, "user", f"[voice note: {exc.problem.name.lower()}]", kind="voice",
                language=user.language,
            )
            minutes = max(1, round(self.config.voice.max_seconds / 60))
            return Notice(exc.problem.value, t(exc.problem.value, user.language, name=user.name, minutes=minutes),
                          retryable=exc.problem.retryable)
        await self.usage.record(
            turn.platform, turn.user_id,
            UsageRecord(model=self.config.models.stt, role="stt", audio_seconds_in=heard.seconds),
        )
        return heard.text

    async def _prepare(self, turn: Turn, user: User, scope: Scope, heard: str | None = None) -> Prepared | None:
        """Detect the language and store the user's message before any model call, so nothing is lost."""
        said = heard.strip() if heard is not None else ""
        text = "\n\n".join(part for part in (turn.text.strip(), said) if part)
        if not text and not turn.images:
            return None
        # A voice note's own words decide its language: that is what the user just spoke.
        language = next_language(user.language, said or text, pinned=user.language_pinned)
        if language != user.language:
            await self.users.update(turn.platform, turn.user_id, language=language)
        conversation_id = await self.conversations.current(scope)
        stored = text if not turn.images else f"{text}\n[{len(turn.images)} image(s)]".strip()
        kind = "voice" if heard is not None else "image" if turn.images else "text"
        await self.conversations.add(conversation_id, scope, "user", stored, kind=kind, language=language)
        return Prepared(user, scope, conversation_id, text[: self.config.max_input_chars], language, len(text))

    async def _reply(
        self, turn: Turn, p: Prepared, delivery: Delivery, api_key: str | None = None
    ) -> AsyncIterator[ReplyEvent]:
        summary = await self.conversations.summary(p.conversation_id)
        facts = await self.facts.all(turn.platform, turn.user_id)
        context = Context(
            user_name=p.user.name,
            language=p.language,
            chat_kind=turn.chat_kind.value,
            platform=turn.platform,
            facts=tuple(fact_line(f.id, f.text) for f in facts),
            summary=summary,
        )
        history = await self.conversations.unsummarized(p.conversation_id)
        # The stored copy of the current message is complete; the model gets it within the input limit.
        items = to_input(history[:-1], p.text, turn.images)
        route = await self.router.route(p.text, images=bool(turn.images), api_key=api_key)
        if route.classification is not None:
            await self._record(turn, Role.FAST, route.classification)
        request = Request(
            role=route.role,
            instructions=build_instructions(context),
            input=items,
            cache_key=cache_key_for(turn.platform, turn.user_id),
            api_key=api_key,
        )
        tool_context = ToolContext(
            turn.platform, turn.chat_id, turn.user_id, p.language, p.user.timezone, chat_kind=turn.chat_kind
        )
        answer: Answer | None = None
        # Voice replies are synthesised sentence by sentence while the model still streams.
        synthesis = (
            self.speaker.start(voice=p.user.voice, language=p.language, user_text=p.text, api_key=api_key)
            if delivery.voice
            else None
        )
        try:
            try:
                async for item in run_tools(
                    self.llm, request, self.toolbox, tool_context, max_rounds=self.tools_config.max_rounds
                ):
                    if isinstance(item, Answer):
                        answer = item
                    elif isinstance(item, Completion):
                        if synthesis is not None:
                            synthesis.flush()  # the model stopped writing: speak the rest before any bookkeeping
                        log.info("turn for %s/%s answered by %s", turn.platform, turn.user_id, item.model)
                        await self._record(turn, route.role, item)
                    elif isinstance(item, Citations):
                        if delivery.text:  # links are for reading, not for the voice to spell out
                            yield TextDelta(item.text)
                    else:
                        if delivery.text:
                            yield TextDelta(item)
                        if synthesis is not None:
                            synthesis.feed(item)
            except ProviderError as exc:
                log.info("turn for %s/%s ended with provider failure %s", turn.platform, turn.user_id, exc.failure)
                yield Notice(exc.failure.value, t(_FAILURE_TEXT[exc.failure], p.language, name=p.user.name),
                             retryable=exc.failure is not Failure.REFUSED)
                return
            assert answer is not None
            await self.conversations.add(p.conversation_id, p.scope, "assistant", answer.text, language=p.language)
            if delivery.text:
                yield FinalText(answer.text, p.language)
            if synthesis is not None:
                async for event in self._speak(turn, p, synthesis, answer.text, delivery):
                    yield event
        finally:
            if synthesis is not None:
                synthesis.cancel()  # the turn ended early (failure, or the adapter stopped listening)
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
            await self._record(turn, Role.FAST, folded.completion)
            if self.config.learn_facts:
                self._learn(turn, p, folded, api_key)

    def _learn(self, turn: Turn, p: Prepared, folded: Fold, api_key: str | None) -> None:
        """Keep the lasting facts of the folded turns, in the background: the structured model takes seconds."""
        self.chores.spawn(
            self.extractor.learn(
                platform=turn.platform, user_id=turn.user_id, name=p.user.name, language=p.language,
                transcript=folded.transcript, drawn_from=folded.up_to_message_id, api_key=api_key,
            ),
            name=f"learn-facts-{turn.platform}",
        )

    async def _speak(
        self, turn: Turn, p: Prepared, synthesis: Synthesis, text: str, delivery: Delivery
    ) -> AsyncIterator[ReplyEvent]:
        """The voice note of a finished reply; if it cannot be made, the reply still arrives as text."""
        if delivery.text:
            yield Activity(ActivityKind.RECORDING)  # the text is out; the voice note follows
        try:
            note = await synthesis.finish()
        except VoiceError as exc:
            yield Notice(exc.problem.value, t(exc.problem.value, p.language, name=p.user.name, minutes=0),
                         retryable=exc.problem.retryable)
            note = None
        if note is None:
            if not delivery.text:
                yield FinalText(text, p.language)
            return
        await self.usage.record(
            turn.platform, turn.user_id,
            UsageRecord(model=self.config.models.tts, role="tts", audio_seconds_out=note.duration),
        )
        yield VoiceReply(note.ogg, note.duration, note.waveform, text, p.language)

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
