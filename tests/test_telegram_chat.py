"""Talking to Minato on Telegram: the real python-telegram-bot Application over the fake Bot API."""

from __future__ import annotations

from tests.fakes.openai_server import FakeOpenAI
from tests.telegram_chat import TelegramChat


async def test_french_text_in_private_streams_a_draft_then_a_final_message(
    tg: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency.tokens_per_second = 100
    heard = await tg.user("Amélie").says("Bonjour Minato, je suis contente de te parler ce soir !")
    assert heard.drafts, "the reply was previewed while it was written"
    assert heard.drafts[0] and all(heard.text.startswith(d.split(" ")[0]) for d in heard.drafts)
    assert heard.texts == ["Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"]
    assert heard.actions[0] == "typing"

