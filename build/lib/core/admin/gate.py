"""The engine's gate: bans, private-beta allowlist, daily quotas and rate limits, checked before any costly work.

A refused turn is not stored: a banned or not-allowed user's words are none of Minato's business, and storing a
flood or over-quota messages would only grow the next context (and its cost). The Notice tells the user when to
send again. A banned user gets no answer at all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from core.admin.config import AdminConfig, Quota, SafetyConfig
from core.admin.keys import KeyVault
from core.admin.moderation import Moderation
from core.admin.quota import Limit, next_reset, reached, reset_clock, used_since
from core.admin.ratelimit import RateLimiter
from core.admin.runtime import RuntimeSettings
from core.events import Notice
from core.i18n import t
from core.language import next_language
from core.store.db import Database
from core.store.users import User
from core.turn import Turn
from core.voice.audio import AudioError, probe

log = logging.getLogger(__name__)

_QUOTA_TEXT = {Limit.MESSAGES: "quota_messages", Limit.VOICE: "quota_voice", Limit.TOKENS: "quota_tokens"}


@dataclass(frozen=True, slots=True)
class Admission:
    """The gate's answer. `refused` with no notice means silence (a banned user)."""

    refused: bool = False
    notice: Notice | None = None
    api_key: str | None = None  # the user's own provider key, when they brought one


class Gate:
    def __init__(
        self,
        db: Database,
        config: SafetyConfig | None = None,
        *,
        admins: AdminConfig | None = None,
        vault: KeyVault | None = None,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config or SafetyConfig()
        self.admins = admins or AdminConfig()
        self.runtime = RuntimeSettings(db)
        self.moderation = Moderation(db, self.runtime)
        self.vault = vault or KeyVault(db, None)
        self._db = db
        self._clock = clock
        self._messages = RateLimiter(self.config.messages, monotonic)
        self._audio = RateLimiter(self.config.audio, monotonic)

    async def default_quota(self) -> Quota:
        stored = await self.runtime.get("quota:default")
        if isinstance(stored, list) and len(stored) == 3:
            return Quota(int(stored[0]), float(stored[1]), int(stored[2]))
        return self.config.default_quota

    async def admit(self, turn: Turn, user: User) -> Admission:
        standing = await self.moderation.standing(turn.platform, turn.user_id)
        if standing.banned:
            log.info("ignored a turn from banned user %s/%s", turn.platform, turn.user_id)
            return Admission(refused=True)
        api_key = await self.vault.key_for(turn.platform, turn.user_id)
        if self.admins.is_admin(turn.platform, turn.user_id):
            return Admission(api_key=api_key)
        # Refusals speak the language of this very message (cheap and offline), as the reply would have.
        language = next_language(user.language, turn.text.strip(), pinned=user.language_pinned)
        if not standing.allowed and await self.moderation.allowlist_on(turn.platform):
            return Admission(True, Notice("not_allowed", t("limit_not_allowed", language)))
        key = (turn.platform, turn.user_id)
        if turn.audio is not None:
            seconds = await asyncio.to_thread(audio_seconds, turn.audio.data)
            wait = self._audio.take(key, seconds)
            if wait:
                return Admission(True, self._slow_down("limit_rate_audio", language, wait))
        wait = self._messages.take(key)
        if wait:
            return Admission(True, self._slow_down("limit_rate", language, wait))
        quota = standing.quota or await self.default_quota()
        if not (quota.messages or quota.voice_minutes or quota.tokens):
            return Admission(api_key=api_key)  # no limit to check: spare the usage queries
        now = self._clock()
        reset_at = next_reset(now)
        used = await used_since(self._db, turn.platform, turn.user_id, reset_at - 86400)
        # Users who pay with their own key are not held to the shared token budget.
        limit = reached(quota, used, voice=turn.audio is not None, count_tokens=api_key is None)
        if limit is not None:
            minutes = max(1, round((reset_at - now) / 60))
            text = t(_QUOTA_TEXT[limit], language, time=reset_clock(reset_at, user.timezone),
                     hours=minutes // 60, minutes=minutes % 60)
            return Admission(True, Notice("quota_reached", text))
        return Admission(api_key=api_key)

    @staticmethod
    def _slow_down(key: str, language: str | None, wait: float) -> Notice:
        return Notice("rate_limited", t(key, language, seconds=max(1, round(wait))), retryable=True)


def audio_seconds(data: bytes) -> float:
    """How long a voice note is, from its container (no decoding). Unreadable audio counts as 0 s here: the
    voice pipeline tells the user about it."""
    try:
        return probe(data).duration
    except AudioError:
        return 0.0
