"""The one port to text and vision models: OpenAI Responses API, always streaming, errors made plain."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncGenerator, Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

import openai
from openai import AsyncOpenAI, AsyncStream

from core.config import Models, ProviderConfig, Role, is_reasoning_model
from core.providers import build_client

log = logging.getLogger(__name__)

# After its last event a stream should simply end; this is how long its end may take to arrive.
_TAIL_SECONDS = 2.0


class Failure(StrEnum):
    BUSY = "busy"  # rate limited after the SDK's retries
    UNAVAILABLE = "unavailable"  # timeouts, 5xx, connection or auth trouble before any text
    REFUSED = "refused"  # content filtered
    BROKEN = "broken"  # the stream died after some text was shown


class ProviderError(Exception):
    def __init__(self, failure: Failure, partial: str = "") -> None:
        super().__init__(failure.value)
        self.failure = failure
        self.partial = partial


@dataclass(frozen=True, slots=True)
class FunctionCall:
    call_id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class Completion:
    """A finished response: its text, what it cost, and any tool calls it asks for."""

    text: str
    model: str
    input_tokens: int = 0
    cached_tokens: int = 0
    output_tokens: int = 0
    function_calls: tuple[FunctionCall, ...] = ()
    # Output items as sent back by the API, to echo into the next request of a tool loop.
    output: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class Request:
    role: Role
    instructions: str
    input: Sequence[dict[str, Any]]
    cache_key: str | None = None
    tools: Sequence[dict[str, Any]] = ()
    api_key: str | None = field(default=None, repr=False)  # a user's own key, when they brought one
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. `text` for Structured Outputs


def cache_key_for(*parts: str) -> str:
    """A stable, opaque per-user `prompt_cache_key`: routes a user's requests to the same cache, reveals no id."""
    return "minato-" + hashlib.sha256(":".join(parts).encode()).hexdigest()[:24]


class LLM:
    def __init__(
        self,
        provider: ProviderConfig,
        models: Models,
        *,
        temperature: float,
        reasoning_effort: str,
        max_output_tokens: int,
        client_factory: Callable[[ProviderConfig, str | None], AsyncOpenAI] = build_client,
    ) -> None:
        self.provider = provider
        self.models = models
        self._temperature = temperature
        self._reasoning_effort = reasoning_effort
        self._max_output_tokens = max_output_tokens
        self._factory = client_factory
        self._clients: dict[str | None, AsyncOpenAI] = {}

    def client(self, api_key: str | None = None) -> AsyncOpenAI:
        """One client per key, built on first use (no I/O happens until a request)."""
        if api_key not in self._clients:
            self._clients[api_key] = self._factory(self.provider, api_key)
        return self._clients[api_key]

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()
        self._clients.clear()

    def params(self, request: Request) -> dict[str, Any]:
        model = self.models.for_role(request.role)
        params: dict[str, Any] = {
            "model": model,
            "instructions": request.instructions,
            "input": list(request.input),
            "stream": True,
            "store": False,
            "max_output_tokens": self._max_output_tokens,
        }
        if request.cache_key:
            params["prompt_cache_key"] = request.cache_key
        if request.tools:
            params["tools"] = list(request.tools)
        if is_reasoning_model(request.role, model):
            params["reasoning"] = {"effort": self._reasoning_effort}
        else:
            params["temperature"] = self._temperature
        params.update(request.extra)
        return params

    async def stream(self, request: Request) -> AsyncGenerator[str | Completion, None]:
        """Yield text deltas as they arrive, then exactly one Completion. Raises ProviderError."""
        params = self.params(request)
        shown: list[str] = []
        finished: Completion | None = None
        try:
            # Through the SDK's client (auth, retries, errors, SSE), with the body and events as plain JSON:
            # `responses.create` re-walks the body against its TypedDicts (~7 ms a turn) and builds a pydantic
            # model per event (~150 µs a token); our body is already JSON and we read five fields (bench/README).
            # (`object` is the SDK's "hand the JSON over as is".)
            stream = await self.client(request.api_key).post(
                "/responses", body=params, cast_to=object, stream=True, stream_cls=AsyncStream[object]
            )
            async with stream, asyncio.timeout(None) as tail:  # closes the HTTP response whatever happens
                async for data in stream:
                    event = cast(dict[str, Any], data)
                    kind = event.get("type")
                    if kind == "response.output_text.delta":
                        shown.append(event["delta"])
                        yield event["delta"]
                    elif kind == "response.completed":
                        finished = _completion(event["response"], params["model"])
                        tail.reschedule(asyncio.get_running_loop().time() + _TAIL_SECONDS)
                    elif kind == "response.incomplete":
                        details = event["response"].get("incomplete_details") or {}
                        if details.get("reason") == "content_filter":
                            raise ProviderError(Failure.REFUSED, "".join(shown))
                        # Ran out of output tokens: what arrived is still a reply worth keeping.
                        finished = _completion(event["response"], params["model"])
                        tail.reschedule(asyncio.get_running_loop().time() + _TAIL_SECONDS)
                    elif kind in ("error", "response.failed"):
                        log.warning("model stream failed: %s", kind)
                        raise ProviderError(_midway(shown), "".join(shown))
            # Read to the end of the body first: a response closed early takes its connection with it.
            if finished is None:
                raise ProviderError(_midway(shown), "".join(shown))
            yield finished
        except ProviderError:
            raise
        except TimeoutError:
            # Only the tail after the last event has a deadline: a server that keeps the stream open
            # costs this response's connection, not the user's reply.
            if finished is None:
                raise
            log.warning("model stream stayed open after its last event; closed it")
            yield finished
        except openai.RateLimitError as exc:
            raise ProviderError(Failure.BUSY, "".join(shown)) from exc
        except openai.BadRequestError as exc:
            refused = (exc.code or "") == "content_filter" or "content_filter" in (exc.message or "")
            log.warning("model request rejected (status %s)", exc.status_code)
            raise ProviderError(Failure.REFUSED if refused else _midway(shown), "".join(shown)) from exc
        except openai.APIStatusError as exc:
            log.warning("model request failed (status %s)", exc.status_code)
            raise ProviderError(_midway(shown), "".join(shown)) from exc
        except openai.OpenAIError as exc:
            log.warning("model request failed: %s", type(exc).__name__)
            raise ProviderError(_midway(shown), "".join(shown)) from exc

    async def complete(self, request: Request) -> Completion:
        """The whole response at once (still streamed underneath, as every call is)."""
        # Closed here, not by the garbage collector: returning mid-iteration would leave the HTTP stream's
        # generators suspended, to be finalised later in whatever task happens to be running.
        async with contextlib.aclosing(self.stream(request)) as events:
            async for item in events:
                if isinstance(item, Completion):
                    return item
        raise ProviderError(Failure.UNAVAILABLE)


def _midway(shown: list[str]) -> Failure:
    return Failure.BROKEN if shown else Failure.UNAVAILABLE


def _completion(response: dict[str, Any], model: str) -> Completion:
    usage = response.get("usage") or {}
    output = [_without_nulls(item) for item in response.get("output") or ()]
    calls = tuple(
        FunctionCall(item["call_id"], item["name"], item["arguments"])
        for item in output
        if item.get("type") == "function_call"
    )
    return Completion(
        text="".join(
            part.get("text", "")
            for item in output
            if item.get("type") == "message"
            for part in item.get("content") or ()
            if part.get("type") == "output_text"
        ),
        model=response.get("model") or model,
        input_tokens=usage.get("input_tokens") or 0,
        cached_tokens=(usage.get("input_tokens_details") or {}).get("cached_tokens") or 0,
        output_tokens=usage.get("output_tokens") or 0,
        function_calls=calls,
        output=tuple(output),
    )


def _without_nulls(item: dict[str, Any]) -> dict[str, Any]:
    """An output item as it may be echoed back as input: the API rejects some fields when sent as null."""
    return {key: value for key, value in item.items() if value is not None}
