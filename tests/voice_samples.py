"""Real speech for voice tests: the committed espeak-ng fixtures, the same speech in other containers, and a
fake transcriber that recognises a fixture by its duration (as a real STT would by its words).
"""

from __future__ import annotations

import io
import json
from functools import cache
from pathlib import Path

import av
import numpy as np

from core.voice.audio import OPUS_RATE, decode, frame_rms
from tests.fakes.openai_server import AudioUpload, audio_seconds

VOICE = Path(__file__).resolve().parent / "fixtures" / "voice"


@cache
def manifest() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads((VOICE / "manifest.json").read_text(encoding="utf-8"))
    return data


def speech(code: str) -> bytes:
    return (VOICE / f"{code}.ogg").read_bytes()


def text_of(code: str) -> str:
    return str(manifest()[code]["text"])


def seconds_of(code: str) -> float:
    return float(manifest()[code]["seconds"])  # type: ignore[arg-type]


def voiced_seconds(data: bytes) -> float:
    """From the first to the last audible moment: the same for a fixture alone or inside a longer piece."""
    pcm = decode(data, 16000)
    loud = np.flatnonzero(frame_rms(pcm, 16000) > 0.02)
    return float(loud[-1] - loud[0] + 1) * 0.02 if len(loud) else 0.0


@cache
def _fixture_voiced() -> dict[str, float]:
    return {code: voiced_seconds(speech(code)) for code in manifest()}


def recognise(upload: AudioUpload) -> str:
    """The text of the fixture this upload holds, told by its voiced length; '' when it holds none.

    The upload must decode (the fake server checks that first), as a real transcriber would need.
    """
    audio_seconds(upload.data)
    length = voiced_seconds(upload.data)
    code = min(_fixture_voiced(), key=lambda c: abs(_fixture_voiced()[c] - length))
    return text_of(code) if abs(_fixture_voiced()[code] - length) < 0.25 else ""


def convert(ogg: bytes, container: str, codec: str, *, rate: int = 48000, video: bool = False) -> bytes:
    """The same speech re-encoded by PyAV into another container/codec (optionally with a video track)."""
    pcm = decode(ogg, rate)
    buf = io.BytesIO()
    with av.open(buf, "w", format=container) as out:
        audio = out.add_stream(codec, rate=rate, layout="mono")
        picture = None
        if video:
            picture = out.add_stream("libx264", rate=10)
            picture.width, picture.height, picture.pix_fmt = 64, 64, "yuv420p"
        # PyAV's encoder converts float frames to whatever sample format and frame size the codec wants.
        for start in range(0, len(pcm), 1024):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + 1024], format="flt", layout="mono")
            frame.sample_rate = rate
            frame.pts = start
            out.mux(audio.encode(frame))
        out.mux(audio.encode(None))
        if picture is not None:
            for index in range(int(len(pcm) / rate * 10)):
                image = av.VideoFrame.from_ndarray(np.full((64, 64, 3), index % 255, np.uint8), format="rgb24")
                image.pts = index
                out.mux(picture.encode(image))
            out.mux(picture.encode(None))
    return buf.getvalue()


def sine(seconds: float, pitch: float, *, rate: int = OPUS_RATE, loudness: float = 0.4) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (loudness * np.sin(2 * np.pi * pitch * t)).astype(np.float32)
