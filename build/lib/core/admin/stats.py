"""`stats`: users, activity, messages, voice and tokens per platform, and an estimated cost per model.

Rendered as compact monospace tables that fit a phone screen.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from core.admin.prices import cost
from core.i18n import t
from core.store.db import Database


@dataclass(frozen=True, slots=True)
class PlatformStats:
    platform: str
    users: int = 0
    active_day: int = 0
    active_week: int = 0
    messages: int = 0
    voice_in_minutes: float = 0.0
    voice_out_minutes: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    tokens_cached: int = 0


@dataclass(frozen=True, slots=True)
class ModelCost:
    model: str
    usd: float | None


async def collect(db: Database, now: float | None = None) -> tuple[list[PlatformStats], list[ModelCost]]:
    now = time.time() if now is None else now
    async with db.conn.execute(
        "SELECT platform, COUNT(*), SUM(last_seen >= ?), SUM(last_seen >= ?) FROM users GROUP BY platform",
        (now - 86400, now - 7 * 86400),
    ) as cur:
        people = {r[0]: (int(r[1]), int(r[2] or 0), int(r[3] or 0)) for r in await cur.fetchall()}
    async with db.conn.execute(
        "SELECT platform, COUNT(*) FROM messages WHERE role = 'user' GROUP BY platform"
    ) as cur:
        messages = {r[0]: int(r[1]) for r in await cur.fetchall()}
    async with db.conn.execute(
        "SELECT platform, SUM(audio_seconds_in), SUM(audio_seconds_out), SUM(input_tokens), SUM(output_tokens),"
        " SUM(cached_tokens) FROM usage GROUP BY platform"
    ) as cur:
        usage = {r[0]: r for r in await cur.fetchall()}
    platforms = []
    for name in sorted(set(people) | set(messages) | set(usage)):
        users, day, week = people.get(name, (0, 0, 0))
        u = usage.get(name)
        platforms.append(PlatformStats(
            name, users, day, week, messages.get(name, 0),
            (u[1] or 0) / 60 if u else 0.0, (u[2] or 0) / 60 if u else 0.0,
            int(u[3] or 0) if u else 0, int(u[4] or 0) if u else 0, int(u[5] or 0) if u else 0,
        ))
    async with db.conn.execute(
        "SELECT model, SUM(input_tokens), SUM(cached_tokens), SUM(output_tokens),"
        " SUM(audio_seconds_in + audio_seconds_out) FROM usage GROUP BY model ORDER BY model"
    ) as cur:
        costs = [ModelCost(r[0], cost(r[0], int(r[1]), int(r[2]), int(r[3]), float(r[4]) / 60))
                 for r in await cur.fetchall()]
    return platforms, costs


def _short(value: float) -> str:
    """1234567 → 1.2M: big counters stay narrow on a phone."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def render(platforms: list[PlatformStats], costs: list[ModelCost], language: str | None) -> str:
    rows: list[tuple[str, list[str]]] = [
        (t("stats_users", language), [_short(p.users) for p in platforms]),
        (t("stats_active_day", language), [_short(p.active_day) for p in platforms]),
        (t("stats_active_week", language), [_short(p.active_week) for p in platforms]),
        (t("stats_messages", language), [_short(p.messages) for p in platforms]),
        (t("stats_voice_in", language), [_short(p.voice_in_minutes) for p in platforms]),
        (t("stats_voice_out", language), [_short(p.voice_out_minutes) for p in platforms]),
        (t("stats_tokens_in", language), [_short(p.tokens_in) for p in platforms]),
        (t("stats_tokens_out", language), [_short(p.tokens_out) for p in platforms]),
        (t("stats_tokens_cached", language), [_short(p.tokens_cached) for p in platforms]),
    ]
    header = ["", *(p.platform[:8] for p in platforms)]
    table = _table([header, *([label, *values] for label, values in rows)])
    total = sum(c.usd for c in costs if c.usd is not None)
    cost_rows = [[c.model, "?" if c.usd is None else f"${c.usd:.2f}"] for c in costs]
    cost_rows.append([t("stats_total", language), f"${total:.2f}"])
    return "\n".join([
        t("stats_title", language),
        f"```\n{table}\n```",
        t("stats_cost", language),
        f"```\n{_table(cost_rows)}\n```",
    ])


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    # Labels left, numbers right: columns of digits line up even in a proportional-width preview.
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
