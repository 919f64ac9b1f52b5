"""What users can change about themselves: name, language, reply mode, reset, memory."""

from __future__ import annotations

from core.store.users import ReplyMode


async def _user(engine, name: str = "Amélie", hint: str | None = "fr"):
    return await engine.account.user("terminal", f"u-{name}", name, hint)


async def test_start_greets_by_name_in_the_users_language(engine) -> None:
    assert (await engine.account.start(await _user(engine))).startswith("Salut Amélie")


async def test_asked_for_name_is_used_in_replies(engine, person, fake_openai) -> None:
    text = await engine.account.set_name(await _user(engine), "Mimi")
    assert "Mimi" in text
    heard = await person("Amélie").says("Tu peux m'appeler Mimi maintenant, d'accord ?")
    assert "User: Mimi ·" in fake_openai.last["instructions"]
    assert heard.text.startswith("Mimi,")
    cleared = await engine.account.set_name(await _user(engine), "  ")
    assert "Amélie" in cleared


async def test_pinned_language_holds_until_auto(engine, person, fake_openai) -> None:
    answer = await engine.account.set_language(await _user(engine), "de")
    assert answer == "Ich antworte ab jetzt auf German."
    assert (await person("Amélie").says("Bonjour, comment ça va ce matin ?")).language == "de"
    await engine.account.set_language(await _user(engine), "auto")
    assert (await person("Amélie").says("Bonjour, comment ça va ce matin ?")).language == "fr"
    unknown = await engine.account.set_language(await _user(engine), "klingon")
    assert "klingon" in unknown


async def test_reply_mode_is_stored(engine) -> None:
    assert "both" in await engine.account.set_reply_mode(await _user(engine), "BOTH")
    assert (await _user(engine)).reply_mode is ReplyMode.BOTH
    assert "auto" in await engine.account.set_reply_mode(await _user(engine), "loud")
    assert (await _user(engine)).reply_mode is ReplyMode.BOTH


async def test_reset_starts_a_fresh_context(engine, person, fake_openai) -> None:
    amelie = person("Amélie")
    await amelie.says("Je prépare un voyage au Japon cet été.")
    await engine.account.reset(await _user(engine), "u-Amélie")
    await amelie.says("Tu te souviens de quoi on parlait ?")
    assert len(fake_openai.last["input"]) == 1


async def test_memory_shows_profile_and_count(engine, person) -> None:
    assert "rien" in await engine.account.memory(await _user(engine), "u-Amélie")
    await person("Amélie").says("Je prépare un voyage au Japon cet été.")
    memory = await engine.account.memory(await _user(engine), "u-Amélie")
    assert "Amélie" in memory and "French" in memory and ": 2" in memory
