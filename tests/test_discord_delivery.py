"""Showing a reply stream on Discord, event by event: edits, splits, shrinking answers, notices."""

from __future__ import annotations

from collections.abc import AsyncIterator

from adapters.discord_adapter.outgoing import ChannelSink, deliver
from core.events import FinalText, Notice, ReplyEvent, TextDelta
from tests.discord_world import DiscordWorld
from tests.fakes.openai_server import FakeOpenAI


async def events(*items: ReplyEvent) -> AsyncIterator[ReplyEvent]:
    for item in items:
        yield item


async def test_a_final_answer_shorter_than_the_stream_removes_the_extra_message(dc: DiscordWorld) -> None:
    long_draft = ("draft words " * 100).strip() + "\n\n" + ("more draft " * 100).strip()
    await deliver(events(TextDelta(long_draft), FinalText("Short and sweet.", "en")), ChannelSink(dc.channel()))
    assert [m["content"] for m in dc.fake.messages[dc.general["id"]]] == ["Short and sweet."]
    assert len(dc.fake.calls_to("DELETE", "/messages/")) == 1


async def test_a_notice_before_the_answer_is_its_own_message(dc: DiscordWorld) -> None:
    stream = events(Notice("text_truncated", "That was long! I read the first part."),
                    TextDelta("Here is "), TextDelta("my answer."), FinalText("Here is my answer.", "en"))
    await deliver(stream, ChannelSink(dc.channel()))
    assert [m["content"] for m in dc.fake.messages[dc.general["id"]]] == [
        "That was long! I read the first part.", "Here is my answer."]


async def test_model_text_never_pings_anyone(dc: DiscordWorld) -> None:
    await deliver(events(FinalText("Hello @everyone and <@123>!", "en")), ChannelSink(dc.channel()))
    [post] = dc.fake.calls_to("POST", "/messages")
    assert post.json["allowed_mentions"]["parse"] == []


async def test_an_attachment_that_cannot_be_downloaded_is_explained_and_the_text_answered(
    dc: DiscordWorld, fake_openai: FakeOpenAI
) -> None:
    gone = dc.file_attachment("photo.png", b"x", "image/png")
    gone["url"] = gone["url"].replace("/attachments/", "/attachments/missing-")
    heard = await dc.dm_user("Sora").says("what do you think of this photo?", attachments=(gone,))
    assert heard.messages[0] == "I couldn't download your attachment. Could you send it again?"
    assert heard.messages[1].startswith("sora, ")
    assert fake_openai.last["input"][-1]["content"] == "what do you think of this photo?"
