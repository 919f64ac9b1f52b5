"""OGG/Opus encode and decode speed, as a multiple of real time, on real speech.

Method: the committed French speech fixture is decoded to 48 kHz PCM and repeated to one minute; that
minute is encoded to OGG/Opus (what every voice reply does) and the result decoded back (what every voice
note does), each several times, one core, in-process with PyAV. Speed = audio seconds / wall seconds.

Run: .venv/bin/python -m bench.audio_codec
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.report import Report
from core.voice.audio import OPUS_RATE, decode, encode_ogg

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "voice" / "fr.ogg"
SECONDS = 60.0
ROUNDS = 5
TARGET = 50.0


def _best(action: object, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        action()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best


def run() -> Report:
    speech = decode(FIXTURE.read_bytes(), OPUS_RATE)
    minute = np.tile(speech, int(np.ceil(SECONDS * OPUS_RATE / len(speech))))[: int(SECONDS * OPUS_RATE)]
    ogg = encode_ogg(minute)
    encode_s = _best(lambda: encode_ogg(minute), ROUNDS)
    decode_s = _best(lambda: decode(ogg, OPUS_RATE), ROUNDS)
    report = Report("Audio: OGG/Opus speed on one core (multiple of real time, best of 5)")
    report.add("encode 48 kHz mono", SECONDS / encode_s, "x RT", f">= {TARGET:.0f}x", SECONDS / encode_s >= TARGET)
    report.add("decode to 48 kHz PCM", SECONDS / decode_s, "x RT", f">= {TARGET:.0f}x", SECONDS / decode_s >= TARGET)
    report.details = {"audio_seconds": SECONDS, "ogg_bytes": len(ogg), "rounds": ROUNDS}
    return report


if __name__ == "__main__":
    result = run()
    result.print()
    print(f"saved {result.save('audio_codec')}")
