"""Which bytes go to speech to text: the user's own file when the API reads it, else OGG/Opus made here.

Also the checks that spare a provider call: empty, silent, corrupt, audio-less or too-long recordings are
refused here, and long ones are cut at pauses into pieces the API accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.config import VoiceConfig
from core.voice.audio import AudioError, AudioProblem, Probe, decode, encode_ogg, is_silent, probe, seconds
from core.voice.problems import VoiceError, VoiceProblem
from core.voice.split import cut_points

# Speech recognisers work at 16 kHz; analysing and re-encoding there is cheap and loses nothing they use.
SPEECH_RATE = 16000

# Codec names as PyAV's decoders report them (FFmpeg has several decoders for some codecs).
_MP3 = frozenset({"mp3", "mp3float"})
_AAC = frozenset({"aac", "aac_fixed", "libfdk_aac"})
_OPUS_VORBIS = frozenset({"opus", "libopus", "vorbis", "libvorbis"})
# PyAV demuxer name → (extension, mime, audio codecs the API decodes inside it). The API takes
# flac, mp3, mp4, mpeg, mpga, m4a, ogg, wav and webm; anything else is converted.
_ACCEPTED: dict[str, tuple[str, str, frozenset[str]]] = {
    "ogg": ("ogg", "audio/ogg", _OPUS_VORBIS),
    "mp3": ("mp3", "audio/mpeg", _MP3),
    "wav": ("wav", "audio/wav", frozenset({"pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le", "pcm_u8"})),
    "flac": ("flac", "audio/flac", frozenset({"flac"})),
    "mov,mp4,m4a,3gp,3g2,mj2": ("m4a", "audio/mp4", _AAC | _MP3),
    "matroska,webm": ("webm", "audio/webm", _OPUS_VORBIS),
}
_PROBLEM = {
    AudioProblem.EMPTY: VoiceProblem.EMPTY,
    AudioProblem.CORRUPT: VoiceProblem.CORRUPT,
    AudioProblem.UNSUPPORTED: VoiceProblem.UNSUPPORTED,
}


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    data: bytes
    mime: str


@dataclass(frozen=True, slots=True)
class Prepared:
    """What to send, in order, and how long the recording is (for usage)."""

    uploads: tuple[Upload, ...]
    seconds: float


def as_sent(info: Probe) -> tuple[str, str] | None:
    """(extension, mime) when the API reads this file as it is; None when it must be converted."""
    accepted = _ACCEPTED.get(info.container)
    if accepted is None or info.codec not in accepted[2]:
        return None
    extension, mime, _ = accepted
    if extension == "m4a" and info.has_video:
        return "mp4", "video/mp4"  # a video note: the API takes mp4 and reads its audio track
    return extension, mime


def prepare(data: bytes, config: VoiceConfig) -> Prepared:
    """Check a recording and decide the uploads. Raises VoiceError. CPU-bound: run it in a thread."""
    try:
        info = probe(data)
        # The container's own duration refuses a very long file before decoding it all; decoding checks again.
        if info.duration > config.max_seconds:
            raise VoiceError(VoiceProblem.TOO_LONG)
        pcm = decode(data, SPEECH_RATE)
    except AudioError as exc:
        raise VoiceError(_PROBLEM[exc.problem]) from exc
    length = seconds(pcm, SPEECH_RATE)
    if length == 0.0:
        raise VoiceError(VoiceProblem.EMPTY)
    if length > config.max_seconds:
        raise VoiceError(VoiceProblem.TOO_LONG)
    if is_silent(pcm, SPEECH_RATE):
        raise VoiceError(VoiceProblem.SILENT)
    sent = as_sent(info)
    if sent is not None and len(data) <= config.max_upload_bytes and length <= config.chunk_seconds:
        return Prepared((Upload(f"voice.{sent[0]}", data, sent[1]),), length)
    pieces = cut_points(pcm, SPEECH_RATE, config.chunk_seconds)
    uploads = tuple(
        Upload(f"voice-{index}.ogg", encode_ogg(pcm[start:end], SPEECH_RATE, bitrate=24000), "audio/ogg")
        for index, (start, end) in enumerate(pieces)
    )
    return Prepared(uploads, length)
