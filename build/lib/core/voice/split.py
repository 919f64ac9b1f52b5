"""Where to cut a long recording for speech to text: in the quietest moment near each window's end.

Cutting in a pause keeps words whole, so no overlap (and no de-duplication of repeated words) is needed.
"""

from __future__ import annotations

from core.voice.audio import Samples, frame_rms

_FRAME = 0.02  # seconds per loudness frame
# A cut is looked for in the last quarter of each window: chunks stay long, and a pause is nearly always there.
_SEARCH = 0.25


def cut_points(samples: Samples, rate: int, window_seconds: float) -> list[tuple[int, int]]:
    """(start, end) sample ranges covering `samples` in order, each at most `window_seconds` long."""
    window = int(window_seconds * rate)
    total = len(samples)
    if window <= 0 or total <= window:
        return [(0, total)]
    rms = frame_rms(samples, rate, _FRAME)
    frame = int(rate * _FRAME)
    ranges: list[tuple[int, int]] = []
    start = 0
    while total - start > window:
        lo = (start + int(window * (1 - _SEARCH))) // frame
        hi = (start + window) // frame
        quiet = lo + int(rms[lo:hi].argmin()) if hi > lo else hi
        end = max(start + frame, min(quiet * frame + frame // 2, start + window))
        ranges.append((start, end))
        start = end
    ranges.append((start, total))
    return ranges
