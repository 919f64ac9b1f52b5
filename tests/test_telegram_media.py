"""Files sent on Telegram: pictures reach the model; what cannot be used is explained in the user's language."""

from __future__ import annotations

import base64

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_server import FakeTelegram
from tests.telegram_chat import TelegramChat
from tests.test_engine import PNG_1PX


async def test_a_photo_with_caption_is_seen_with_its_words(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    amelie = tg.user("Amélie")
    photo = [amelie.file(PNG_1PX[:20], "photos/small.jpg", width=1, height=1),
             amelie.file(PNG_1PX, "photos/large.jpg", width=90, height=90)]
    heard = await amelie.sends(photo=photo, caption="Regarde mon chat, il est mignon non ?")
    content = fake_openai.last["input"][-1]["content"]
    assert content[0] == {"type": "input_text", "text": "Regarde mon chat, il est mignon non ?"}
    assert content[1]["image_url"] == "data:image/jpeg;base64," + base64.b64encode(PNG_1PX).decode()
    assert heard.texts[0].startswith("Amélie, ")


async def test_an_image_sent_as_a_file_is_seen_too(tg: TelegramChat, fake_openai: FakeOpenAI) -> None:
    amelie = tg.user("Amélie")
    document = amelie.file(PNG_1PX, "documents/cat.png", file_name="cat.png", mime_type="image/png")
    await amelie.sends(document=document, caption="Et celui-là ?")
    assert fake_openai.last["input"][-1]["content"][1]["image_url"].startswith("data:image/png;base64,iVBOR")


async def test_an_unsupported_file_gets_a_clear_answer_in_spanish(
    tg: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    lucia = tg.user("Lucía", language="es")
    document = lucia.file(b"%PDF-1.7 fake", "documents/a.pdf", file_name="factura.pdf", mime_type="application/pdf")
    heard = await lucia.sends(document=document)
    assert heard.texts == ["Sé leer texto, notas de voz, archivos de audio, videomensajes e imágenes, pero no "
                           "este tipo de archivo, lo siento."]
    assert not fake_openai.requests


async def test_a_file_over_20_mb_is_refused_before_downloading(
    tg: TelegramChat, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    amelie = tg.user("Amélie")
    voice = {**amelie.file(b"OggS", "voice/big.ogg"), "file_size": 25 * 1024 * 1024, "duration": 1500,
             "mime_type": "audio/ogg"}
    heard = await amelie.sends(voice=voice)
    assert heard.texts == ["Ce fichier dépasse 20 Mo, plus que ce que Telegram me laisse télécharger. "
                           "Tu peux m'en envoyer un plus petit ?"]
    assert not [c for c in fake_telegram.calls if c.method == "getFile"]
    assert not fake_openai.requests


async def test_a_file_that_cannot_be_downloaded_is_asked_again(tg: TelegramChat, fake_telegram: FakeTelegram) -> None:
    amelie = tg.user("Amélie")
    fake_telegram.fail("getFile", 400, "Bad Request: wrong file_id or the file is temporarily unavailable")
    photo = [amelie.file(PNG_1PX, "photos/p.jpg", width=1, height=1)]
    heard = await amelie.sends(photo=photo)
    assert heard.texts == ["Je n'ai pas réussi à télécharger ton fichier depuis Telegram. Tu peux le renvoyer ?"]


async def test_a_sticker_in_a_group_without_mention_is_ignored(tg: TelegramChat) -> None:
    sticker = {"file_id": "s1", "file_unique_id": "us1", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False}
    heard = await tg.user("Paul").sends(chat=tg.group(), sticker=sticker)
    assert heard.nothing
