"""Pure translation from Telegram updates to Turns, tested on real python-telegram-bot objects built from payloads."""

from __future__ import annotations

from typing import Any

from telegram import Message, Update

from adapters.telegram_adapter.turns import (
    MediaKind,
    attachment_of,
    display_name,
    is_addressed,
    text_of,
    to_turn,
)
from core.turn import ChatKind

BOT_ID = 777
BOT = {"id": BOT_ID, "is_bot": True, "first_name": "Minato", "username": "minato_bot"}
MARIE = {"id": 1, "is_bot": False, "first_name": "Marie", "last_name": "Curie", "language_code": "pt-br"}
GROUP = {"id": -100123, "type": "supergroup", "title": "Les copains"}


def message(text: str | None = None, *, chat: dict[str, Any] = GROUP, **extra: Any) -> Message:
    body: dict[str, Any] = {"message_id": 10, "date": 0, "chat": chat, "from": MARIE, **extra}
    if text is not None:
        body["text"] = text
    update = Update.de_json({"update_id": 1, "message": body}, None)
    assert update is not None and update.message is not None
    return update.message


def entity(kind: str, text: str, part: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "offset": text.index(part), "length": len(part), **extra}


def addressed(msg: Message) -> bool:
    return is_addressed(msg, BOT_ID, "minato_bot")


def test_a_mention_in_any_case_addresses_minato() -> None:
    text = "coucou @Minato_Bot tu es là ?"
    assert addressed(message(text, entities=[entity("mention", text, "@Minato_Bot")]))
    other = "coucou @someone_else"
    assert not addressed(message(other, entities=[entity("mention", other, "@someone_else")]))


def test_a_text_mention_of_the_bot_addresses_it() -> None:
    text = "Minato, viens voir"
    assert addressed(message(text, entities=[entity("text_mention", text, "Minato", user=BOT)]))


def test_a_caption_mention_addresses_minato() -> None:
    caption = "@minato_bot regarde"
    photo = [{"file_id": "p", "file_unique_id": "up", "width": 1, "height": 1}]
    msg = message(caption=caption, caption_entities=[entity("mention", caption, "@minato_bot")], photo=photo)
    assert addressed(msg)


def test_a_reply_to_minato_addresses_it_but_a_topic_root_does_not() -> None:
    mine = {"message_id": 5, "date": 0, "chat": GROUP, "from": BOT, "text": "Bonjour !"}
    assert addressed(message("et toi ?", reply_to_message=mine))
    topic_root = {**mine, "forum_topic_created": {"name": "Livres", "icon_color": 0}}
    assert not addressed(message("bonsoir", reply_to_message=topic_root, message_thread_id=5,
                                 is_topic_message=True))


def test_commands_address_minato_unless_meant_for_another_bot() -> None:
    assert addressed(message("/help", entities=[{"type": "bot_command", "offset": 0, "length": 5}]))
    assert addressed(message("/help@minato_bot", entities=[{"type": "bot_command", "offset": 0, "length": 16}]))
    assert not addressed(message("/help@other_bot", entities=[{"type": "bot_command", "offset": 0, "length": 15}]))


def test_group_chatter_is_not_addressed_but_private_always_is() -> None:
    assert not addressed(message("on mange où ?"))
    assert addressed(message("on mange où ?", chat={"id": 1, "type": "private", "first_name": "Marie"}))


def test_display_name_is_the_first_name_unless_a_namesake_is_around() -> None:
    msg = message("salut")
    assert msg.from_user is not None
    assert display_name(msg.from_user) == "Marie"
    assert display_name(msg.from_user, {"marie": {1}}) == "Marie", "only herself: no ambiguity"
    assert display_name(msg.from_user, {"marie": {1, 2}}) == "Marie Curie"
    anonymous = Update.de_json({"update_id": 2, "message": {
        "message_id": 1, "date": 0, "chat": GROUP, "text": "x",
        "from": {"id": 3, "is_bot": False, "first_name": " ", "username": "kiki"}}}, None)
    assert anonymous and anonymous.message and anonymous.message.from_user
    assert display_name(anonymous.message.from_user) == "kiki"


def test_the_mention_is_removed_from_what_the_user_said() -> None:
    assert text_of(message("@minato_bot  tu aimes la pluie ?"), "minato_bot") == "tu aimes la pluie ?"
    assert text_of(message("Dis @MINATO_BOT, ça va ?"), "minato_bot") == "Dis , ça va ?"


def test_attachments_are_chosen_like_a_person_would() -> None:
    photo = [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90, "file_size": 10},
             {"file_id": "large", "file_unique_id": "l", "width": 1280, "height": 1280, "file_size": 99}]
    picked = attachment_of(message(photo=photo))
    assert picked is not None and (picked.kind, picked.file_id, picked.mime) == (MediaKind.IMAGE, "large", "image/jpeg")
    note = attachment_of(message(video_note={"file_id": "vn", "file_unique_id": "u", "length": 240, "duration": 3}))
    assert note is not None and (note.kind, note.mime) == (MediaKind.AUDIO, "video/mp4")
    voice = attachment_of(message(voice={"file_id": "v", "file_unique_id": "u", "duration": 2}))
    assert voice is not None and (voice.kind, voice.mime) == (MediaKind.AUDIO, "audio/ogg")
    pdf = {"file_id": "d", "file_unique_id": "u", "file_name": "a.pdf", "mime_type": "application/pdf"}
    document = attachment_of(message(document=pdf))
    assert document is not None and document.kind is MediaKind.UNSUPPORTED
    png = {**pdf, "file_name": "cat.png", "mime_type": "image/png"}
    image = attachment_of(message(document=png))
    assert image is not None and image.kind is MediaKind.IMAGE
    assert attachment_of(message("juste du texte")) is None


def test_the_turn_carries_who_where_and_the_language_hint() -> None:
    msg = message("@minato_bot regarde", photo=[{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}])
    attachment = attachment_of(msg)
    turn = to_turn(msg, kind=ChatKind.GROUP, name="Marie", addressed=True, text="regarde", attachment=attachment,
                   data=b"\xff\xd8jpeg")
    assert (turn.platform, turn.chat_id, turn.user_id, turn.display_name) == ("telegram", "-100123", "1", "Marie")
    assert turn.language_hint == "pt"
    assert turn.images[0].data == b"\xff\xd8jpeg" and turn.audio is None
