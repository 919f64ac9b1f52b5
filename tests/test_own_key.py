"""Bring your own key: validated, encrypted at rest, used only for its owner's calls, never logged or echoed."""

from __future__ import annotations

import logging

import pytest

from core.admin.own_key import OwnKey
from tests.admin_support import SECRET, build, production_logs
from tests.conftest import TEST_KEY
from tests.conversation import Person
from tests.fakes.openai_server import Reply
from tests.voice_samples import recognise, speech

USER_KEY = "sk-proj-amelie-0123456789abcdefghijklmnopqrstuvwxyz"
BOT_TOKEN = "123456:AAE-telegram-bot-token-secret"


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture):  # type: ignore[no-untyped-def]
    with production_logs(caplog, [TEST_KEY, BOT_TOKEN, SECRET], raw=True):
        yield caplog


async def test_own_key_is_encrypted_used_only_for_its_owner_and_never_logged(
    db, provider, fake_openai, all_logs, capsys
) -> None:
    engine = build(db, provider, secret=SECRET)
    keys = OwnKey(engine)
    amelie = Person(engine, "Amélie", user_id="7", language_hint="fr")
    user = await engine.users.touch("terminal", "7", "Amélie", "fr")

    answer = await keys.command(user, USER_KEY, private=True)
    assert answer.startswith("Ta clé fonctionne et elle est stockée chiffrée")
    assert USER_KEY not in answer
    assert fake_openai.headers[-1]["Authorization"] == f"Bearer {USER_KEY}", "validated with a real call"
    assert fake_openai.last["max_output_tokens"] == 16

    async with db.conn.execute("SELECT ciphertext FROM user_keys") as cur:
        (stored,) = await cur.fetchone()
    assert USER_KEY.encode() not in bytes(stored) and b"sk-proj" not in bytes(stored)

    await amelie.says("Bonjour Minato, tu utilises ma clé maintenant ?")
    assert fake_openai.headers[-1]["Authorization"] == f"Bearer {USER_KEY}"
    await Person(engine, "Bob", user_id="8").says("Hello, whose key pays for me?")
    assert fake_openai.headers[-1]["Authorization"] == f"Bearer {TEST_KEY}"

    assert (await keys.command(user, "", private=True)).startswith("J'utilise ta propre clé")
    assert (await keys.command(user, "remove", private=True)).startswith("Ta clé est supprimée")
    await amelie.says("Et maintenant, c'est la clé de qui ?")
    assert fake_openai.headers[-1]["Authorization"] == f"Bearer {TEST_KEY}"

    logged = all_logs.text + capsys.readouterr().err
    assert "sk-proj-amelie" not in logged
    assert BOT_TOKEN not in logged and TEST_KEY not in logged
    assert any(r.levelno == logging.DEBUG for r in all_logs.records), "DEBUG logging really was on"


async def test_rejected_key_is_not_stored_and_provider_trouble_is_not_a_rejection(db, provider, fake_openai) -> None:
    engine = build(db, provider, secret=SECRET)
    keys = OwnKey(engine)
    user = await engine.users.touch("terminal", "7", "Sam", "en")
    fake_openai.script.append(Reply(status=401))
    assert (await keys.command(user, USER_KEY, private=True)).startswith("The provider refused that key")
    fake_openai.script.extend([Reply(status=503), Reply(status=503)])
    assert (await keys.command(user, USER_KEY, private=True)).startswith("I couldn't check your key right now")
    async with db.conn.execute("SELECT COUNT(*) FROM user_keys") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_key_in_a_group_is_refused_and_the_feature_is_off_without_a_secret(db, provider, fake_openai) -> None:
    user = await build(db, provider).users.touch("terminal", "7", "Sam", "en")
    assert "isn't enabled" in await OwnKey(build(db, provider)).command(user, USER_KEY, private=True)
    in_group = await OwnKey(build(db, provider, secret=SECRET)).command(user, USER_KEY, private=False)
    assert in_group.startswith("Please only send me a key in a private chat") and USER_KEY not in in_group
    assert not fake_openai.requests, "a key shown in a group is never even tried"


async def test_key_stored_under_another_secret_falls_back_to_the_shared_key(db, provider, fake_openai) -> None:
    user = await build(db, provider).users.touch("terminal", "7", "Sam", "en")
    await OwnKey(build(db, provider, secret=SECRET)).command(user, USER_KEY, private=True)
    await Person(build(db, provider, secret="a-different-secret-after-rotation"), "Sam", user_id="7").says(
        "Hello, does this still work after the secret changed?")
    assert fake_openai.headers[-1]["Authorization"] == f"Bearer {TEST_KEY}"


async def test_own_key_also_pays_for_voice_notes_heard_and_spoken(db, provider, fake_openai) -> None:
    """Regression: speech-to-text and text-to-speech used the shared key even for users with their own."""
    engine = build(db, provider, secret=SECRET)
    fake_openai.transcriber = recognise
    user = await engine.users.touch("terminal", "7", "Amélie", "fr")
    await OwnKey(engine).command(user, USER_KEY, private=True)

    heard = await Person(engine, "Amélie", user_id="7").speaks(speech("fr"))
    assert heard.voice is not None
    assert {auth for _, auth in fake_openai.audio_auth} == {f"Bearer {USER_KEY}"}
    assert {endpoint for endpoint, _ in fake_openai.audio_auth} == {"transcriptions", "speech"}

    fake_openai.audio_auth.clear()
    assert (await Person(engine, "Bob", user_id="8").speaks(speech("en"))).voice is not None
    assert {auth for _, auth in fake_openai.audio_auth} == {f"Bearer {TEST_KEY}"}
