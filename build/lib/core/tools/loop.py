"""The function-calling loop over the Responses API: stream, run the round's tools concurrently, feed back.

With `store=False` the provider keeps nothing between requests, so every round re-sends the earlier
input plus the previous round's output items (reasoning items with their encrypted content included)
and one `function_call_output` per call. The tool list and instructions stay byte-identical across rounds,
so each round re-hits the prompt cache.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from core.config import is_reasoning_model
from core.i18n import t
from core.llm import LLM, Completion, Request
from core.tools.base import Source, Toolbox, ToolContext

log = logging.getLogger(__name__)

MAX_SOURCES = 5


@dataclass(frozen=True, slots=True)
class Citations:
    """The Markdown links to the cited pages, streamed after the text (to be shown, not spoken)."""

    text: str


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply the user gets: every round's text, then the sources it cites as Markdown links."""

    text: str


async def run_tools(
    llm: LLM, request: Request, toolbox: Toolbox, ctx: ToolContext, *, max_rounds: int
) -> AsyncIterator[str | Completion | Citations | Answer]:
    """Yield text deltas as they stream, each round's Completion (for usage), the Citations if any, one Answer.

    The last allowed round is sent with `tool_choice="none"`, so a model stuck calling tools still answers.
    Raises ProviderError like `LLM.stream`.
    """
    tools = toolbox.schemas()
    extra: dict[str, Any] = dict(request.extra)
    if tools and is_reasoning_model(request.role, llm.models.for_role(request.role)):
        # Reasoning items can only be echoed back statelessly with their encrypted content.
        extra["include"] = ["reasoning.encrypted_content"]
    items: list[dict[str, Any]] = list(request.input)
    text = ""
    sources: list[Source] = []
    for round_no in range(max_rounds):
        last = round_no == max_rounds - 1
        current = replace(
            request, input=list(items), tools=tools, extra=extra | ({"tool_choice": "none"} if last and tools else {})
        )
        completion: Completion | None = None
        fresh = True
        async for piece in llm.stream(current):
            if isinstance(piece, Completion):
                completion = piece
                continue
            if fresh and text:
                # A new round's text is a new paragraph after what the user already saw.
                text += "\n\n"
                yield "\n\n"
            fresh = False
            text += piece
            yield piece
        assert completion is not None
        yield completion
        sources.extend(citations(completion.output))
        if not completion.function_calls or last:
            break
        log.info("round %d: model called %s", round_no + 1, ", ".join(c.name for c in completion.function_calls))
        outcomes = await toolbox.run(completion.function_calls, ctx)
        items.extend(completion.output)
        items.extend(outcome.input_item() for outcome in outcomes)
        for outcome in outcomes:
            sources.extend(outcome.result.sources)
    appendix = render_sources(text, sources, t("sources", ctx.language))
    if appendix:
        yield Citations(appendix)
    yield Answer(text + appendix)


def citations(output: Sequence[dict[str, Any]]) -> list[Source]:
    """`url_citation` annotations of the message items (the built-in web search's citations)."""
    found: list[Source] = []
    for item in output:
        if item.get("type") != "message":
            continue
        for part in item.get("content") or ():
            for note in part.get("annotations") or ():
                if note.get("type") == "url_citation" and note.get("url"):
                    found.append(Source(str(note.get("title") or ""), str(note["url"])))
    return found


def render_sources(text: str, sources: Sequence[Source], label: str) -> str:
    """A Markdown list of the cited pages not already linked in the text (empty when there is none)."""
    seen: set[str] = set()
    lines: list[str] = []
    for source in sources:
        url = _safe_url(source.url)
        if not url or url in seen or source.url in text:
            continue
        seen.add(url)
        lines.append(f"- [{_safe_title(source.title, url)}]({url})")
        if len(lines) == MAX_SOURCES:
            break
    return f"\n\n{label}\n" + "\n".join(lines) if lines else ""


def _safe_url(url: str) -> str:
    url = url.strip()
    if not url.startswith(("https://", "http://")):
        return ""  # never turn javascript: or other schemes into clickable links
    # Characters that would end a Markdown link target early.
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _safe_title(title: str, url: str) -> str:
    cleaned = " ".join(title.replace("[", "(").replace("]", ")").split())
    if cleaned:
        return cleaned[:120]
    return url.split("//", 1)[-1].split("/", 1)[0]
