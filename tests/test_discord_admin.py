"""Admin and privacy commands on Discord, end to end over the fake Discord and the real discord.py client."""

from __future__ import annotations

import pytest

from core.admin.audit import AuditLog
from core.engine import Engine
from core.store.free_channels import FreeChannels
from tests.discord_world import DiscordWorld, Speaker, discord_world
from tests.fakes.discord_payloads import user_payload
from tests.telegram_chat import eventually

EPHEMERAL = 64
MANAGE_GUILD = 1 << 5


def _answer(heard) -> str:  # type: ignore[no-untyped-def]
    [callback] = heard.calls
    assert callback.json["data"]["flags"] == EPHEMERAL, "admin answers are seen only by who asked"
    return callback.json["data"]["content"]


async def test_admin_command_is_hidden_from_members_without_manage_server(dc: DiscordWorld) -> None:
    admin = next(c for c in dc.fake.commands["global"] if c["name"] == "admin")
    assert admin["default_member_permissions"] == str(MANAGE_GUILD)
    key = next(c for c in dc.fake.commands["global"] if c["name"] == "key")
    assert key["default_member_permissions"] is None


async def test_a_member_trying_admin_commands_is_refused_in_their_language_and_audited(dc: DiscordWorld) -> None:
    kenji = dc.member("Kenji")
    for command in ("stats", "ban 42", "broadcast hello everyone"):
        answer = _answer(await kenji.uses("admin", action=command, locale="ja"))
        assert answer == "ごめんなさい、そのコマンドはMinatoの管理者専用です。この操作は記録しました。"
    entries = await AuditLog(dc.bot.engine.db).recent()
    assert [(e.user_id, e.action, e.allowed) for e in reversed(entries)] == [
        (kenji.user["id"], "stats", False), (kenji.user["id"], "ban", False), (kenji.user["id"], "broadcast", False)]


async def test_a_global_admin_runs_commands_in_a_dm_with_mentions_turned_into_ids(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_world(engine, monkeypatch, admin_ids=frozenset({"424242"})) as world:
        boss = Speaker(world, user_payload("424242", "boss"), dm_channel=str(world.fake.new_id()))
        assert _answer(await boss.uses("admin", action="ban <@!777>")) == (
            "User 777 is banned: Minato won't answer them anymore.")
        assert await engine.gate.moderation.banned_ids("discord") == {"777"}
        assert "📊" in _answer(await boss.uses("admin", action="stats"))


async def test_a_server_manager_opens_a_channel_for_free_conversation(dc: DiscordWorld) -> None:
    manager = dc.member("Aiko")
    assert manager.member is not None
    manager.member["permissions"] = str(MANAGE_GUILD)
    answer = _answer(await manager.uses("admin", action="channel on"))
    assert answer == "In this channel I now answer every message, no mention needed."
    assert await FreeChannels(dc.bot.engine.db).in_guild("discord", dc.guild["id"]) == [dc.general["id"]]
    refused = _answer(await dc.member("Kenji").uses("admin", action="channel off"))
    assert refused.startswith("Sorry")
    assert await FreeChannels(dc.bot.engine.db).in_guild("discord", dc.guild["id"]) == [dc.general["id"]]


async def test_quiet_and_key_answer_privately(dc: DiscordWorld) -> None:
    kenji = dc.member("Kenji")
    assert _answer(await kenji.uses("quiet")).startswith("Okay, no more announcements")
    assert _answer(await kenji.uses("key", key="sk-proj-whatever-0123456789abcdef")) == (
        "Using your own API key isn't enabled on this bot.")


async def test_a_broadcast_goes_to_each_users_dms_once_and_the_count_to_the_admin(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with discord_world(engine, monkeypatch, admin_ids=frozenset({"424242"})) as world:
        fans = [str(5000 + i) for i in range(4)]  # plus the admin, who has talked to Minato too
        for uid in fans:
            await engine.users.touch("discord", uid, f"Fan {uid}", "en")
        world.fake.closed_dms.add(fans[1])
        boss = Speaker(world, user_payload("424242", "boss"), dm_channel=str(world.fake.new_id()))
        started = _answer(await boss.uses("admin", action="broadcast Minato speaks Italian now!"))
        assert started == "Broadcast #1 started for 5 users. I'll keep you posted on its progress."

        def boss_dm() -> list[str]:
            return [m["content"] for m in world.fake.messages.get(world.fake.dm_channels.get("424242", ""), [])]

        await eventually(lambda: any("finished" in text for text in boss_dm()), timeout=15)
        assert boss_dm()[-1] == "Broadcast #1 finished: 4 delivered, 1 failed, 0 opted out."
        for uid in (fans[0], fans[2], fans[3]):
            assert [m["content"] for m in world.fake.messages[world.fake.dm_channels[uid]]] == [
                "Minato speaks Italian now!"]
