"""What can go wrong with a voice note or a voice reply, each with the locale key of what the user is told."""

from __future__ import annotations

from enum import StrEnum


class VoiceProblem(StrEnum):
    EMPTY = "voice_empty"  # no bytes or no samples
    SILENT = "voice_silent"  # decodes, but nothing audible (or no words heard)
    CORRUPT = "voice_corrupt"  # does not decode (here or at the provider)
    UNSUPPORTED = "voice_unsupported"  # no audio track
    TOO_LONG = "voice_too_long"  # longer than the configured maximum
    BUSY = "voice_busy"  # the speech provider rate-limits us
    UNAVAILABLE = "voice_unavailable"  # the speech provider cannot be reached or fails
    REPLY_FAILED = "voice_reply_failed"  # text to speech failed: the reply comes as text

    @property
    def retryable(self) -> bool:
        return self in (VoiceProblem.BUSY, VoiceProblem.UNAVAILABLE)


class VoiceError(Exception):
    def __init__(self, problem: VoiceProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem
