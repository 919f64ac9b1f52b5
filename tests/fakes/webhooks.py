"""A fake n8n (webhooks) and a fake SearXNG on 127.0.0.1, for the aiohttp clients of Minato's tools.

`hooks.on("/webhook/weather", handler)` where `handler(body) -> (status, json)` may await anything
(a barrier, a sleep). Every POSTed body is kept in `hooks.received[path]`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.fakes.loopback import serve

Handler = Callable[[dict[str, Any]], Awaitable[tuple[int, Any]]]


class FakeWebhooks:
    def __init__(self) -> None:
        self.handlers: dict[str, Handler] = {}
        self.received: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.searches: list[dict[str, str]] = []
        self.search_results: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.root = ""

    def on(self, path: str, handler: Handler) -> str:
        self.handlers[path] = handler
        return f"{self.root}{path}"

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._post)
        app.router.add_get("/search", self._search)
        self._runner, self.root = await serve(app)
        return self.root

    async def close(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.received[request.path].append(body)
        handler = self.handlers.get(request.path)
        if handler is None:
            return web.json_response({"message": "webhook not registered"}, status=404)
        status, answer = await handler(body)
        return web.json_response(answer, status=status)

    async def _search(self, request: web.Request) -> web.Response:
        """SearXNG's JSON API: `GET /search?q=...&format=json`."""
        self.searches.append(dict(request.query))
        if request.query.get("format") != "json":
            return web.Response(status=403, text="format not allowed")
        return web.json_response({"query": request.query.get("q", ""), "results": self.search_results})
