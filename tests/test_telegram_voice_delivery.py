"""Delivering the engine's voice replies on Telegram, against the event contract (core/events.py VoiceReply).

A real python-telegram-bot `Bot` talks to the fake Bot API; the events are what the voice pipeline emits,
with real OGG/Opus audio.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot

from adapters.telegram_adapter.delivery import Delivery
from adapters.telegram_adapter.pacing import Limits, Pacing
from adapters.telegram_adapter.sender import Sender, Target
from core.events import Activity, ActivityKind, FinalText, ReplyEvent, TextDelta, VoiceReply
from tests.fakes.openai_server import audio_seconds, tone_ogg
from tests.fakes.telegram_server import FakeTelegram

CHAT = 5555
ASKED = 42  # the user's voice note
SPOKEN = "Hola Lucía, qué alegría escucharte. Cuéntame cómo te fue el día."


@pytest.fixture
async def bot(fake_telegram: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(fake_telegram.token, base_url=f"{fake_telegram.root}/bot",
              base_file_url=f"{fake_telegram.root}/file/bot")
    async with bot:
        yield bot


async def _deliver(bot: Bot, *events: ReplyEvent, private: bool = True) -> None:
    async def stream() -> AsyncIterator[ReplyEvent]:
        for event in events:
            yield event

    target = Target(CHAT if private else -CHAT, private, message_id=ASKED)
    await Delivery(Sender(bot, Pacing(Limits(chat_interval=0.01))), target, 0.01).run(stream())


def _voice(text: str = SPOKEN, seconds: float = 1.4) -> VoiceReply:
    return VoiceReply(tone_ogg(seconds), seconds, b"\x10" * 64, text, "es")


async def test_a_voice_reply_is_a_voice_note_replying_to_the_user(bot: Bot, fake_telegram: FakeTelegram) -> None:
    await _deliver(bot, Activity(ActivityKind.RECORDING), _voice())
    (note,) = fake_telegram.sent.values()
    assert note.kind == "voice" and note.reply_to == ASKED
    assert note.duration == 1
    assert audio_seconds(note.data) == pytest.approx(1.4, abs=0.05), "the audio decodes, whole"
    actions = [c.params["action"] for c in fake_telegram.calls if c.method == "sendChatAction"]
    assert actions[0] == "record_voice" and "upload_voice" in actions


async def test_voice_forbidden_by_privacy_falls_back_to_a_document_with_the_text(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.forbid_voice()
    await _deliver(bot, _voice())
    (document,) = fake_telegram.sent.values()
    assert document.kind == "document" and document.reply_to == ASKED
    assert document.text == SPOKEN
    assert audio_seconds(document.data) == pytest.approx(1.4, abs=0.05)


async def test_voice_fallback_with_a_long_text_puts_the_rest_in_messages(
    bot: Bot, fake_telegram: FakeTelegram
) -> None:
    fake_telegram.forbid_voice()
    text = "\n\n".join(f"Párrafo {i}: hoy el mar estaba tranquilo y el cielo muy azul." * 3 for i in range(8))
    await _deliver(bot, _voice(text, 2.0))
    document, *messages = fake_telegram.sent.values()
    assert document.kind == "document" and len(document.text) <= 1024
    assert messages and all(m.kind == "text" for m in messages)
    assert "\n\n".join([document.text, *(m.text for m in messages)]) == text, "nothing lost"


async def test_voice_fallback_after_the_text_was_sent_adds_no_caption(bot: Bot, fake_telegram: FakeTelegram) -> None:
    fake_telegram.forbid_voice()
    await _deliver(bot, TextDelta(SPOKEN), FinalText(SPOKEN, "es"), _voice())
    text, document = fake_telegram.sent.values()
    assert text.text == SPOKEN
    assert document.kind == "document" and document.text == ""


async def test_a_voice_reply_in_a_group_replies_to_the_speaker(bot: Bot, fake_telegram: FakeTelegram) -> None:
    await _deliver(bot, _voice(), private=False)
    (note,) = fake_telegram.sent.values()
    assert note.chat_id == -CHAT and note.reply_to == ASKED and note.kind == "voice"
