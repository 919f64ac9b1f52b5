"""OGG/Opus encode and decode speed, as a multiple of real time, on real speech; and what libopus complexity costs.

Method: the committed French speech fixture is decoded to 48 kHz PCM and repeated to one minute; that
minute is encoded to OGG/Opus (what every voice reply does) and the result decoded back (what every voice
note does), each several times, one core, in-process with PyAV. Speed = audio seconds / wall seconds (best run).
The sweep encodes the same minute once at several libopus complexities (FFmpeg's `compression_level`), with the
resulting bitrate and the signal-to-noise ratio of the decoded audio against the original (a rough fidelity
check: the same SNR means the codec kept as much of the waveform).

Run: python -m bench.audio_codec
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.report import Report
from core.voice.audio import OPUS_RATE, Samples, decode, encode_ogg

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "voice" / "fr.ogg"
SECONDS = 60.0
ROUNDS = 3
TARGET = 50.0
SWEEP = (10, 7, 6, 5)


def _best(action: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def snr_db(original: Samples, decoded: Samples) -> float:
    n = min(len(original), len(decoded))
    noise = float(np.sum((original[:n] - decoded[:n]) ** 2))
    return 10 * float(np.log10(float(np.sum(original[:n] ** 2)) / noise)) if noise else float("inf")


def run(rounds: int = ROUNDS) -> Report:
    speech = decode(FIXTURE.read_bytes(), OPUS_RATE)
    minute = np.tile(speech, int(np.ceil(SECONDS * OPUS_RATE / len(speech))))[: int(SECONDS * OPUS_RATE)]
    ogg = encode_ogg(minute)
    encode_s = _best(lambda: encode_ogg(minute), rounds)
    decode_s = _best(lambda: decode(ogg, OPUS_RATE), rounds)
    report = Report(f"Audio: OGG/Opus speed on one core (multiple of real time, best of {rounds})")
    report.add("encode 48 kHz mono (as shipped)", SECONDS / encode_s, "x RT", f">= {TARGET:.0f}x",
               SECONDS / encode_s >= TARGET)
    report.add("decode to 48 kHz PCM", SECONDS / decode_s, "x RT", f">= {TARGET:.0f}x", SECONDS / decode_s >= TARGET)
    sweep: dict[str, dict[str, float]] = {}
    for level in SWEEP:  # one run each: a comparison, not a target
        start = time.perf_counter()
        data = encode_ogg(minute, complexity=level)
        took = time.perf_counter() - start
        kbps = len(data) * 8 / SECONDS / 1000
        sweep[str(level)] = {"x_realtime": SECONDS / took, "kbps": kbps,
                             "snr_db": snr_db(minute, decode(data, OPUS_RATE))}
        report.add(f"encode, complexity {level} ({kbps:.0f} kbit/s)", SECONDS / took, "x RT")
    report.details = {"audio_seconds": SECONDS, "ogg_bytes": len(ogg), "rounds": rounds, "complexity": sweep}
    return report


if __name__ == "__main__":
    result = run()
    result.print()
    print(f"saved {result.save('audio_codec')}")
