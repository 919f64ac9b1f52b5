"""Every benchmark, each in its own process (so peak RSS and CPU are its own), then one summary table.

Run: python -m bench.run_all   (about 5 minutes on 2 cores, over 3 of them the scale run: see bench/scale.py)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.report import RESULTS

ROOT = Path(__file__).resolve().parent.parent
# (module, arguments, result files) — sized so the whole run stays near five minutes on this machine.
BENCHES: list[tuple[str, list[str], list[str]]] = [
    ("bench.audio_codec", [], ["audio_codec"]),
    ("bench.text_turn", ["--turns", "90"], ["overhead", "first_text"]),
    ("bench.politeness", [], ["politeness"]),
    ("bench.voice_round_trip", ["--runs", "1"], ["voice_round_trip"]),
    ("bench.scale", [], ["scale"]),
]


def summary(stems: list[str]) -> None:
    print("\nSummary (targets from issue 8)")
    print("-" * 100)
    for stem in stems:
        data = json.loads((RESULTS / f"{stem}.json").read_text(encoding="utf-8"))
        for row in data["rows"]:
            if not row["target"]:
                continue
            verdict = "ok" if row["ok"] else "MISS"
            print(f"{stem:<17} {row['name']:<52} {row['value']:>10.3f} {row['unit']:<6} {row['target']:<14} {verdict}")


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    failed: list[str] = []
    stems: list[str] = []
    for module, args, outputs in BENCHES:
        begin = time.monotonic()
        print(f"\n=== {module} {' '.join(args)}", flush=True)
        done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, check=False)  # noqa: S603
        print(f"=== {module}: {time.monotonic() - begin:.0f} s", flush=True)
        if done.returncode:
            failed.append(module)
        else:
            stems += outputs
    summary(stems)
    failures = f"; FAILED: {', '.join(failed)}" if failed else ""
    print(f"\nall benchmarks: {time.monotonic() - started:.0f} s{failures}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
