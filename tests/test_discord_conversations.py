"""Talking to Minato on Discord: DMs, servers, mentions, replies, long answers — real discord.py, fake Discord."""

from __future__ import annotations

import pytest

from core.i18n import t
from tests.discord_world import DiscordWorld
from tests.fakes.openai_server import FakeOpenAI, Latency, Reply


async def test_a_dm_in_japanese_gets_a_streamed_reply_using_the_display_name(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency = Latency(tokens_per_second=40)
    fake_openai.script.append(Reply("アイコさん、こんにちは！ 今日は 何を して いたの？ 私は ずっと ここに いて、 "
                                    "あなたの 話を 聞くのを 楽しみに して いたよ。 ゆっくり 話そうね。"))
    aiko = dc.dm_user("aiko_99", global_name="アイコ")
    heard = await aiko.says("こんにちは、今日はちょっと疲れたよ")
    assert len(heard.posts) == 1 and len(heard.edits) >= 1  # sent once, then edited as the text grew
    assert heard.messages[0].startswith("アイコさん、こんにちは！")
    assert "アイコ" in fake_openai.last["instructions"]  # the display name (global name), not the username
    assert heard.typed


async def test_a_server_message_without_mention_gets_nothing(dc: DiscordWorld, fake_openai: FakeOpenAI) -> None:
    kenji = dc.member("Kenji", nick="Ken")
    heard = await kenji.says("does anyone know a good ramen place?")
    assert heard.calls == [] and fake_openai.requests == []


async def test_a_mention_gets_a_reply_using_the_members_nickname(dc: DiscordWorld, fake_openai: FakeOpenAI) -> None:
    kenji = dc.member("Kenji", nick="Ken", global_name="Kenji Tanaka")
    heard = await kenji.says("<@bot> hi Minato, how are you today?")
    assert heard.messages == ["Ken, I'm here with you. How are you feeling today?"]
    assert fake_openai.last["input"][-1]["content"] == "hi Minato, how are you today?"
    reference = heard.posts[0].json["message_reference"]
    assert reference["message_id"]  # in a server, the answer replies to the message it answers


async def test_replying_to_minato_counts_as_talking_to_it(dc: DiscordWorld, fake_openai: FakeOpenAI) -> None:
    mei = dc.member("Mei")
    first = await mei.says("<@bot> tell me something nice")
    heard = await mei.says("thank you, that was lovely", reply_to=dc.bot_message(first))
    assert heard.messages == ["mei, I'm here with you. How are you feeling today?"]


async def test_a_three_thousand_character_answer_arrives_as_two_messages(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    paragraph = "Minato talks about the sea and the stars. " * 12
    answer = "\n\n".join([paragraph.strip()] * 6)
    assert 2500 < len(answer) < 3500
    fake_openai.script.append(Reply(answer))
    heard = await dc.dm_user("Sora").says("tell me a long story")
    assert len(heard.messages) == 2
    assert all(len(m) <= 2000 for m in heard.messages)
    assert "\n\n".join(heard.messages) == answer  # split between paragraphs, nothing lost


async def test_a_redelivered_message_is_answered_once(dc: DiscordWorld, fake_openai: FakeOpenAI) -> None:
    sora = dc.dm_user("Sora")
    first = await sora.says("hello there, Minato", message_id="4242")
    again = await sora.says("hello there, Minato", message_id="4242")
    assert len(first.messages) == 1 and again.calls == []
    assert len(fake_openai.requests) == 1


async def test_a_reply_broken_midway_keeps_what_arrived_and_says_so(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    fake_openai.script.append(Reply("Once upon a time there was a little fox who lived by the sea", fail_after=6))
    heard = await dc.dm_user("Sora").says("tell me a story please")
    assert heard.messages == ["Once upon a time there was", t("stream_broken", "en", name="sora")]


@pytest.mark.parametrize(
    ("nick", "global_name", "expected"),
    [("Ken", "Kenji Tanaka", "Ken"), (None, "Kenji Tanaka", "Kenji Tanaka"), (None, None, "kenji")],
)
async def test_a_member_is_called_by_nick_then_global_name_then_username(
    dc: DiscordWorld, fake_openai: FakeOpenAI, nick: str | None, global_name: str | None, expected: str
) -> None:
    heard = await dc.member("Kenji", nick=nick, global_name=global_name).says("<@bot> hello, how are you?")
    assert heard.messages == [f"{expected}, I'm here with you. How are you feeling today?"]


async def test_a_long_answer_to_the_minato_command_continues_in_a_followup(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    paragraph = "The tide comes in and the tide goes out, and Minato listens. " * 10
    answer = "\n\n".join([paragraph.strip()] * 5)
    fake_openai.script.append(Reply(answer))
    heard = await dc.member("Kenji").uses("minato", message="tell me about the sea")
    assert len(heard.messages) == 2 and "\n\n".join(heard.messages) == answer
    assert any(c.method == "POST" and c.path.startswith("/api/v10/webhooks/") for c in heard.calls)
