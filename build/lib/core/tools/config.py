"""Tool settings as plain frozen values, built once by bots/ from validated settings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class WebSearchMode(StrEnum):
    AUTO = "auto"  # built-in on OpenAI itself, else SearXNG when a URL is set, else off
    BUILTIN = "builtin"  # the Responses API's own web_search tool
    SEARXNG = "searxng"  # a function tool backed by a SearXNG JSON endpoint
    OFF = "off"


@dataclass(frozen=True, slots=True)
class Workflow:
    """One n8n workflow offered to the model as a function tool."""

    name: str
    description: str
    parameters: dict[str, Any]
    url: str
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class ToolsConfig:
    web_search: WebSearchMode = WebSearchMode.AUTO
    searxng_url: str | None = None
    searxng_results: int = 5
    # Default time limit of one tool call; n8n workflows bring their own.
    timeout: float = 20.0
    # Model requests per turn, tool rounds included; the last one must answer in words.
    max_rounds: int = 5
    workflows: tuple[Workflow, ...] = ()
