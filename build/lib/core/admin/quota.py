"""Daily quotas: what a user consumed since midnight UTC, which limit (if any) they reached, and when it resets."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.admin.config import Quota
from core.store.db import Database
from core.store.usage import UsageLog


class Limit(StrEnum):
    MESSAGES = "messages"
    VOICE = "voice"
    TOKENS = "tokens"


@dataclass(frozen=True, slots=True)
class Used:
    messages: int
    voice_minutes: float
    tokens: int


def day_start(now: float) -> float:
    """Quotas count from midnight UTC: one reset time for everyone, whatever their clock says."""
    today = dt.datetime.fromtimestamp(now, dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today.timestamp()


def next_reset(now: float) -> float:
    return day_start(now) + 86400


async def used_since(db: Database, platform: str, user_id: str, since: float) -> Used:
    async with db.conn.execute(
        "SELECT COUNT(*) FROM messages WHERE platform = ? AND user_id = ? AND role = 'user' AND created_at >= ?",
        (platform, user_id, since),
    ) as cur:
        row = await cur.fetchone()
    messages = int(row[0]) if row else 0
    spent = await UsageLog(db).totals(platform, user_id, since)
    return Used(
        messages, (spent.audio_seconds_in + spent.audio_seconds_out) / 60.0, spent.input_tokens + spent.output_tokens
    )


def reached(quota: Quota, used: Used, *, voice: bool, count_tokens: bool = True) -> Limit | None:
    """The first limit this turn would break; the voice limit only matters for a voice turn."""
    if quota.messages and used.messages >= quota.messages:
        return Limit.MESSAGES
    if voice and quota.voice_minutes and used.voice_minutes >= quota.voice_minutes:
        return Limit.VOICE
    if count_tokens and quota.tokens and used.tokens >= quota.tokens:
        return Limit.TOKENS
    return None


def reset_clock(reset_at: float, timezone: str | None) -> str:
    """The reset time as the user would read it: their own clock when we know their timezone, else UTC."""
    zone: dt.tzinfo = dt.UTC
    label = "UTC"
    if timezone:
        with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
            zone, label = ZoneInfo(timezone), timezone
    return f"{dt.datetime.fromtimestamp(reset_at, zone):%H:%M} ({label})"
