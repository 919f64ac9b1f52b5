"""Web search per provider, and citations reaching the user as Markdown links."""

from __future__ import annotations

from core.config import ProviderConfig
from core.tools.config import ToolsConfig, WebSearchMode
from core.tools.web import resolve_mode
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.webhooks import FakeWebhooks
from tests.tools_support import tool_engine, tool_outputs, webhooks

__all__ = ["tool_engine", "webhooks"]  # fixtures


async def test_builtin_web_search_citations_become_markdown_links(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(ToolsConfig(web_search=WebSearchMode.BUILTIN))
    fake_openai.script.append(Reply(
        text="Demain il fera 14 °C et grand soleil à Lyon.",
        citations=[("Météo [Lyon] demain", "https://meteo.example/lyon"), ("javascript", "javascript:alert(1)"),
                   ("Météo [Lyon] demain", "https://meteo.example/lyon")],
    ))
    heard = await Person(engine, "Amélie").says("Quel temps fera-t-il demain à Lyon ?")

    assert fake_openai.last["tools"][0] == {"type": "web_search"}
    assert heard.text == (
        "Demain il fera 14 °C et grand soleil à Lyon.\n\nSources :\n- [Météo (Lyon) demain](https://meteo.example/lyon)"
    )
    assert heard.streamed == heard.text, "the links stream too, so a streamed draft already shows them"


async def test_searxng_results_are_searched_and_cited(
    tool_engine, fake_openai: FakeOpenAI, webhooks: FakeWebhooks
) -> None:
    webhooks.search_results = [
        {"title": "Horaires du musée", "url": "https://musee.example/horaires", "content": "Ouvert de 10 h à 18 h."},
        {"title": "", "url": "https://other.example/page?a=(1)", "content": "Autre"},
    ]
    engine = tool_engine(ToolsConfig(web_search=WebSearchMode.SEARXNG, searxng_url=f"{webhooks.root}/search"))
    fake_openai.script += [
        Reply(function_calls=[("web_search", {"query": "horaires musée"})]),
        Reply(text="Le musée est ouvert de 10 h à 18 h."),
    ]
    heard = await Person(engine, "Amélie").says("À quelle heure ouvre le musée ?")

    first = fake_openai.requests[0]
    assert first["tools"][0]["name"] == "web_search" and first["tools"][0]["type"] == "function"
    assert webhooks.searches == [{"q": "horaires musée", "format": "json", "language": "fr"}]
    results = tool_outputs(fake_openai.last)["web_search"]["results"]
    assert results[0] == {"title": "Horaires du musée", "url": "https://musee.example/horaires",
                          "snippet": "Ouvert de 10 h à 18 h."}
    assert heard.text.endswith(
        "Sources :\n- [Horaires du musée](https://musee.example/horaires)\n"
        "- [other.example](https://other.example/page?a=%281%29)"
    )


async def test_searxng_down_is_explained_not_a_crash(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(ToolsConfig(web_search=WebSearchMode.SEARXNG, searxng_url="http://127.0.0.1:9/search"))
    fake_openai.script += [Reply(function_calls=[("web_search", {"query": "news"})]),
                           Reply(text="I can't search the web right now.")]
    heard = await Person(engine, "Sam").says("Any news today?")
    assert heard.text == "I can't search the web right now."
    assert tool_outputs(fake_openai.last)["web_search"] == {"error": "the search service is unreachable right now"}


async def test_web_search_off_offers_no_search_tool(tool_engine, fake_openai: FakeOpenAI) -> None:
    await Person(tool_engine(ToolsConfig(web_search=WebSearchMode.OFF)), "Sam").says("Hello!")
    assert all(t.get("name") != "web_search" and t["type"] != "web_search" for t in fake_openai.last["tools"])


def test_auto_picks_what_each_provider_supports() -> None:
    openai = ProviderConfig(api_key="k")
    azure = ProviderConfig(azure_endpoint="https://x.openai.azure.com", azure_api_key="k")
    compatible = ProviderConfig(api_key="k", base_url="http://localhost:8000/v1")
    auto = ToolsConfig()
    with_searx = ToolsConfig(searxng_url="http://searx.local/search")
    assert resolve_mode(auto, openai) is WebSearchMode.BUILTIN
    assert resolve_mode(auto, azure) is WebSearchMode.OFF
    assert resolve_mode(with_searx, azure) is WebSearchMode.SEARXNG
    assert resolve_mode(with_searx, compatible) is WebSearchMode.SEARXNG
    assert resolve_mode(ToolsConfig(web_search=WebSearchMode.SEARXNG), openai) is WebSearchMode.OFF
    assert resolve_mode(ToolsConfig(web_search=WebSearchMode.OFF), openai) is WebSearchMode.OFF


async def test_a_spoken_reply_does_not_read_the_links_aloud(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(ToolsConfig(web_search=WebSearchMode.BUILTIN))
    user = await engine.account.user("terminal", "u-Sam", "Sam", "en")
    await engine.account.set_reply_mode(user, "voice")
    fake_openai.script.append(Reply(text="It will be sunny in Lyon tomorrow.",
                                    citations=[("Lyon weather", "https://meteo.example/lyon")]))
    heard = await Person(engine, "Sam").says("What's the weather in Lyon tomorrow?")

    assert heard.voice is not None
    spoken = " ".join(speech["input"] for speech in fake_openai.speeches)
    assert "sunny in Lyon" in spoken
    assert "meteo.example" not in spoken and "Sources" not in spoken
    assert "[Lyon weather](https://meteo.example/lyon)" in heard.voice.text, "the note's text keeps the links"
