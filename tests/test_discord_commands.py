"""Slash commands end to end: synced at start, answered through interaction callbacks and webhooks."""

from __future__ import annotations

import pytest

from core.engine import Engine
from core.i18n import t
from tests.discord_world import DiscordWorld, discord_world

COMMANDS = {"help", "reset", "name", "language", "voice", "timezone", "memory", "forget", "minato",
            "admin", "key", "export", "quiet"}  # the last four: admin and privacy (core/admin)
EPHEMERAL = 64


async def test_commands_are_synced_globally_at_start(dc: DiscordWorld) -> None:
    assert {c["name"] for c in dc.fake.commands["global"]} == COMMANDS
    minato = next(c for c in dc.fake.commands["global"] if c["name"] == "minato")
    assert minato["options"][0]["name"] == "message" and minato["options"][0]["required"]


async def test_command_descriptions_are_shown_in_the_users_discord_language(dc: DiscordWorld) -> None:
    forget = next(c for c in dc.fake.commands["global"] if c["name"] == "forget")
    assert forget["description"] == t("discord_cmd_forget", "en")
    assert forget["description_localizations"]["ja"] == t("discord_cmd_forget", "ja")
    assert forget["description_localizations"]["pt-BR"] == t("discord_cmd_forget", "pt")
    assert "en-US" not in forget["description_localizations"] and "ko" not in forget["description_localizations"]
    minato = next(c for c in dc.fake.commands["global"] if c["name"] == "minato")
    assert minato["options"][0]["description_localizations"]["fr"] == t("discord_cmd_minato_message", "fr")


async def test_a_development_guild_gets_the_commands_instantly(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_world(engine, monkeypatch, dev_guild_id=987654321) as world:
        assert {c["name"] for c in world.fake.commands["987654321"]} == COMMANDS


async def test_name_then_a_reply_uses_the_new_name(dc: DiscordWorld) -> None:
    kenji = dc.member("Kenji", nick="Ken")
    answered = await kenji.uses("name", name="Ken-chan")
    [callback] = answered.calls
    assert callback.json["type"] == 4 and callback.json["data"]["flags"] == EPHEMERAL
    assert "Ken-chan" in callback.json["data"]["content"]
    heard = await kenji.says("<@bot> good morning!")
    assert heard.messages == ["Ken-chan, I'm here with you. How are you feeling today?"]


async def test_minato_command_answers_in_the_channel_by_editing_the_deferred_response(dc: DiscordWorld) -> None:
    kenji = dc.member("Kenji", nick="Ken")
    heard = await kenji.uses("minato", message="what should I cook tonight?")
    callback = heard.calls[0]
    assert callback.json["type"] == 5  # deferred: "Minato is thinking…"
    assert heard.messages == ["Ken, I'm here with you. How are you feeling today?"]
    assert any(c.method == "PATCH" and c.path.endswith("/messages/@original") for c in heard.calls)


async def test_the_command_language_follows_the_discord_client_locale(dc: DiscordWorld) -> None:
    heard = await dc.dm_user("amelie", global_name="Amélie").uses("reset", locale="fr")
    assert heard.calls[0].json["data"]["content"] == t("reset_done", "fr", name="Amélie")


async def test_voice_mode_is_a_choice_and_shows_in_memory(dc: DiscordWorld) -> None:
    sora = dc.dm_user("Sora")
    await sora.says("hello Minato, nice to meet you")
    await sora.uses("voice", mode="text")
    memory = await sora.uses("memory")
    assert "replies: text" in memory.calls[0].json["data"]["content"]


async def test_forget_asks_first_and_deletes_everything_on_yes(dc: DiscordWorld, engine: Engine) -> None:
    sora = dc.dm_user("Sora")
    await sora.says("my favourite colour is blue")
    asked = await sora.uses("forget")
    question = asked.calls[0].json["data"]
    assert question["content"].startswith("This deletes everything")
    labels = [b["label"] for row in question["components"] for b in row["components"]]
    assert labels == ["Yes, delete", "No, keep"]
    confirmed = await dc.press(sora, asked, "minato:forget:yes")
    assert confirmed.calls[0].json["type"] == 7 and confirmed.calls[0].json["data"]["components"] == []
    assert confirmed.calls[0].json["data"]["content"].startswith("Done. I've forgotten everything")
    assert await engine.users.get("discord", sora.user["id"]) is None


async def test_help_explains_where_minato_answers_in_servers(dc: DiscordWorld) -> None:
    heard = await dc.member("Mei").uses("help")
    text = heard.calls[0].json["data"]["content"]
    assert "/forget" in text and "/minato" in text
