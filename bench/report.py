"""Shared benchmark plumbing: percentiles, process resources, a compact table, and JSON results."""

from __future__ import annotations

import json
import platform
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of `values`; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, round(p / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Row:
    name: str
    value: float
    unit: str
    target: str = ""
    ok: bool | None = None


@dataclass
class Report:
    title: str
    rows: list[Row] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    def add(self, name: str, value: float, unit: str, target: str = "", ok: bool | None = None) -> None:
        self.rows.append(Row(name, value, unit, target, ok))

    def print(self) -> None:
        width = max(len(r.name) for r in self.rows) if self.rows else 10
        print(f"\n{self.title}")
        print("-" * (width + 44))
        for r in self.rows:
            verdict = "" if r.ok is None else ("ok" if r.ok else "MISS")
            print(f"{r.name:<{width}}  {r.value:>12.3f} {r.unit:<8} {r.target:<14} {verdict}")

    def save(self, stem: str) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{stem}.json"
        payload = {
            "title": self.title,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "seconds": round(time.perf_counter() - self.started, 2),
            "rows": [r.__dict__ for r in self.rows],
            "details": self.details,
        }
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return path
