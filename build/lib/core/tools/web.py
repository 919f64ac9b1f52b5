"""`web_search`: the Responses API's built-in tool where the provider has it, else SearXNG, else nothing."""

from __future__ import annotations

import logging
from typing import Any

import aiohttp

from core.config import ProviderConfig
from core.tools.base import FunctionTool, Source, ToolContext, ToolResult, strict_object
from core.tools.config import ToolsConfig, WebSearchMode

log = logging.getLogger(__name__)

BUILTIN: dict[str, Any] = {"type": "web_search"}
MAX_SNIPPET = 400


def resolve_mode(config: ToolsConfig, provider: ProviderConfig) -> WebSearchMode:
    """`auto`: built-in on OpenAI's own API (Azure and compatible servers lack it), else SearXNG if configured."""
    if config.web_search is not WebSearchMode.AUTO:
        if config.web_search is WebSearchMode.SEARXNG and not config.searxng_url:
            log.warning("web search set to searxng but no SearXNG URL is configured: web search is off")
            return WebSearchMode.OFF
        return config.web_search
    if not provider.is_azure and not provider.base_url:
        return WebSearchMode.BUILTIN
    return WebSearchMode.SEARXNG if config.searxng_url else WebSearchMode.OFF


class SearxSearch:
    """Searches a SearXNG instance through its JSON API (`format=json` must be enabled on the instance)."""

    def __init__(self, url: str, results: int) -> None:
        self._url = url
        self._results = results

    async def __call__(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        query = str(args.get("query", "")).strip()
        if not query:
            return ToolResult.error("empty query")
        params = {"q": query, "format": "json", "language": ctx.language}
        try:
            async with aiohttp.ClientSession() as session, session.get(self._url, params=params) as response:
                if response.status != 200:
                    log.warning("SearXNG answered HTTP %d", response.status)
                    return ToolResult.error(f"the search service answered HTTP {response.status}")
                data = await response.json(content_type=None)
        except (aiohttp.ClientError, ValueError):
            log.warning("SearXNG unreachable or answered something other than JSON", exc_info=True)
            return ToolResult.error("the search service is unreachable right now")
        results = [r for r in data.get("results", []) if isinstance(r, dict) and r.get("url")][: self._results]
        found = [
            {"title": str(r.get("title") or ""), "url": str(r["url"]),
             "snippet": str(r.get("content") or "")[:MAX_SNIPPET]}
            for r in results
        ]
        sources = [Source(item["title"], item["url"]) for item in found]
        return ToolResult.of({"query": query, "results": found}, sources)

    def tool(self) -> FunctionTool:
        return FunctionTool(
            "web_search",
            "Search the web for current information (news, facts, opening hours, prices). Returns titles, URLs "
            "and snippets; cite the pages you use.",
            strict_object({"query": {"type": "string"}}),
            self,
        )
