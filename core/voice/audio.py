"""Audio with PyAV, in-process (no system ffmpeg): probe, decode to PCM, encode OGG/Opus, measure, waveform.

Every function here is CPU-bound and synchronous; async callers run them with `asyncio.to_thread`.
PCM is always mono float32 in [-1, 1] at a rate the caller names.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import av
import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

OPUS_RATE = 48000  # OGG/Opus always plays back at 48 kHz; Telegram and Discord voice notes use it
WAVEFORM_POINTS = 256  # Discord's voice messages accept at most 256 waveform bytes
# Quieter than this everywhere (RMS of 20 ms frames, about -46 dBFS) is a silent recording, not speech.
SILENCE_RMS = 0.005


class AudioProblem(StrEnum):
    EMPTY = "empty"  # no bytes, or no samples
    CORRUPT = "corrupt"  # the container or its audio does not decode
    UNSUPPORTED = "unsupported"  # decodes, but carries no audio track


class AudioError(Exception):
    def __init__(self, problem: AudioProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class Probe:
    """What a file is, without decoding it."""

    container: str  # PyAV demuxer name, e.g. "ogg", "mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"
    codec: str  # audio codec, e.g. "opus", "aac", "mp3"
    duration: float  # seconds as the container declares it (0.0 when it does not say)
    size: int
    has_video: bool


@dataclass(frozen=True, slots=True)
class VoiceNote:
    """A finished OGG/Opus voice note with what platforms show next to it."""

    ogg: bytes
    duration: float
    waveform: bytes


def probe(data: bytes) -> Probe:
    if not data:
        raise AudioError(AudioProblem.EMPTY)
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                raise AudioError(AudioProblem.UNSUPPORTED)
            stream = container.streams.audio[0]
            duration = container.duration / av.time_base if container.duration else 0.0
            return Probe(
                container=container.format.name,
                codec=stream.codec_context.name,
                duration=float(duration),
                size=len(data),
                has_video=bool(container.streams.video),
            )
    except av.FFmpegError as exc:
        raise AudioError(AudioProblem.CORRUPT) from exc


def _as_wanted(frame: av.AudioFrame, rate: int) -> bool:
    """Whether a decoded frame already is mono float32 PCM at `rate`."""
    return frame.sample_rate == rate and frame.layout.nb_channels == 1 and frame.format.name in ("flt", "fltp")


def decode(data: bytes, rate: int) -> Samples:
    """The first audio track as mono float32 PCM at `rate` Hz."""
    if not data:
        raise AudioError(AudioProblem.EMPTY)
    resampler: av.AudioResampler | None = None
    parts: list[Samples] = []
    try:
        with av.open(io.BytesIO(data), "r") as container:
            if not container.streams.audio:
                raise AudioError(AudioProblem.UNSUPPORTED)
            for frame in container.decode(container.streams.audio[0]):
                if resampler is None and _as_wanted(frame, rate):
                    # Opus at 48 kHz mono (every voice reply chunk) needs no resampler: half the decoding time.
                    parts.append(frame.to_ndarray()[0])
                    continue
                resampler = resampler or av.AudioResampler(format="flt", layout="mono", rate=rate)
                parts.extend(f.to_ndarray()[0].astype(np.float32) for f in resampler.resample(frame))
            if resampler is not None:
                parts.extend(f.to_ndarray()[0].astype(np.float32) for f in resampler.resample(None))
    except av.FFmpegError as exc:
        raise AudioError(AudioProblem.CORRUPT) from exc
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)


class OpusWriter:
    """OGG/Opus encoding fed in pieces: each `write` encodes the whole frames it can, `close` the rest.

    Mono PCM at `rate` (48000, 24000, 16000, 12000 or 8000: what Opus takes). libopus complexity 6 instead of its
    default 10: on speech about 2.7x faster (~120x real time instead of ~45x) and as faithful, for ~70% more bytes
    (~53 kbit/s: a minute of reply is ~400 KB). See bench/audio_codec.py. Not thread-safe: one call at a time.
    """

    def __init__(self, rate: int = OPUS_RATE, *, bitrate: int = 32000, complexity: int = 6) -> None:
        self._buf = io.BytesIO()
        self._container = av.open(self._buf, "w", format="ogg")
        self._stream = self._container.add_stream(
            "libopus", rate=rate, layout="mono", options={"compression_level": str(complexity)}
        )
        self._stream.bit_rate = bitrate
        self._rate = rate
        self._size = self._stream.codec_context.frame_size or rate // 50
        # Samples short of a whole frame wait for the next piece: only the very last frame may be short.
        self._pending = np.zeros(0, dtype=np.float32)
        self._pts = 0

    def write(self, samples: Samples) -> None:
        pcm = np.concatenate([self._pending, np.clip(samples, -1.0, 1.0).astype(np.float32)])
        whole = len(pcm) - len(pcm) % self._size
        self._encode(pcm[:whole])
        self._pending = pcm[whole:]

    def close(self) -> bytes:
        self._encode(self._pending)
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return self._buf.getvalue()

    def _encode(self, pcm: Samples) -> None:
        for start in range(0, len(pcm), self._size):
            frame = av.AudioFrame.from_ndarray(pcm[None, start : start + self._size], format="flt", layout="mono")
            frame.sample_rate = self._rate
            frame.pts = self._pts
            self._pts += frame.samples
            for packet in self._stream.encode(frame):
                self._container.mux(packet)


def encode_ogg(samples: Samples, rate: int = OPUS_RATE, *, bitrate: int = 32000, complexity: int = 6) -> bytes:
    """Mono PCM at `rate` → OGG/Opus bytes (see OpusWriter)."""
    writer = OpusWriter(rate, bitrate=bitrate, complexity=complexity)
    writer.write(samples)
    return writer.close()


def seconds(samples: Samples, rate: int) -> float:
    return len(samples) / rate


def frame_rms(samples: Samples, rate: int, frame_seconds: float = 0.02) -> npt.NDArray[np.float64]:
    """Loudness of consecutive short frames: how silence and speech are told apart."""
    size = max(1, int(rate * frame_seconds))
    count = len(samples) // size
    if count == 0:
        return np.zeros(0)
    frames = samples[: count * size].astype(np.float64).reshape(count, size)
    rms: npt.NDArray[np.float64] = np.sqrt(np.mean(np.square(frames), axis=1))
    return rms


def is_silent(samples: Samples, rate: int) -> bool:
    rms = frame_rms(samples, rate)
    return not len(rms) or float(rms.max()) < SILENCE_RMS


def waveform(samples: Samples, points: int = WAVEFORM_POINTS) -> bytes:
    """Discord-style waveform: up to `points` bytes, each the loudness (0–255) of one slice of the note."""
    count = min(points, len(samples))
    if count == 0:
        return b""
    # `count` slices as np.array_split cuts them (the first len % count one sample longer), summed in one pass:
    # this runs after the reply's last chunk arrives, so it is on the voice note's critical path.
    sizes = np.full(count, len(samples) // count)
    sizes[: len(samples) % count] += 1
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    rms = np.sqrt(np.add.reduceat(np.square(samples, dtype=np.float64), starts) / sizes)
    peak = float(rms.max())
    if peak == 0.0:
        return bytes(count)
    return bytes(np.round(rms / peak * 255).astype(np.uint8).tolist())


class NoteWriter:
    """One voice note made of pieces of 48 kHz PCM added in order, each encoded as it is added.

    A reply's chunks come back from text-to-speech while the model still writes, so when the last one arrives
    only it is left to encode. Encoding once into one writer (rather than remuxing each chunk's pages) gives one
    clean Opus stream with a single pre-skip and continuous timestamps, whatever rate each chunk came in.
    Not thread-safe: one call at a time.
    """

    def __init__(self) -> None:
        self._writer: OpusWriter | None = None  # opened with the first piece: a reply may have none
        self._parts: list[Samples] = []

    def add(self, samples: Samples) -> None:
        if self._writer is None:
            self._writer = OpusWriter()
        self._writer.write(samples)
        self._parts.append(samples)

    def finish(self) -> VoiceNote:
        samples = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=np.float32)
        ogg = (self._writer or OpusWriter()).close()
        return VoiceNote(ogg, seconds(samples, OPUS_RATE), waveform(samples))


def note_from(samples: Samples) -> VoiceNote:
    """Encode 48 kHz PCM as the one voice note a reply sends, with its duration and waveform."""
    note = NoteWriter()
    note.add(samples)
    return note.finish()


def join_ogg(chunks: Sequence[bytes]) -> VoiceNote:
    """Several OGG/Opus files, in this order, as one voice note (see NoteWriter)."""
    note = NoteWriter()
    for chunk in chunks:
        note.add(decode(chunk, OPUS_RATE))
    return note.finish()
