"""The toolbox Minato offers, always in the same order: web search, time, reminders, memory, then workflows."""

from __future__ import annotations

import logging

from core.config import ProviderConfig
from core.store.facts import Facts
from core.store.reminders import Reminders
from core.store.users import Users
from core.tools.base import FunctionTool, Toolbox
from core.tools.config import ToolsConfig, WebSearchMode
from core.tools.memory_tools import MemoryTools
from core.tools.n8n import workflow_tool
from core.tools.reminder_tools import ReminderTools
from core.tools.time_tools import TimeTools
from core.tools.web import BUILTIN, SearxSearch, resolve_mode

log = logging.getLogger(__name__)

# Names n8n workflows may not take.
RESERVED = frozenset({
    "web_search", "current_time", "set_timezone", "set_reminder", "list_reminders", "cancel_reminder",
    "remember", "forget_fact",
})


def build_toolbox(
    config: ToolsConfig, provider: ProviderConfig, *, users: Users, reminders: Reminders, facts: Facts
) -> Toolbox:
    mode = resolve_mode(config, provider)
    functions: list[FunctionTool] = []
    if mode is WebSearchMode.SEARXNG and config.searxng_url:
        functions.append(SearxSearch(config.searxng_url, config.searxng_results).tool())
    functions += TimeTools(users).tools()
    functions += ReminderTools(reminders).tools()
    functions += MemoryTools(facts).tools()
    functions += [workflow_tool(w) for w in config.workflows if w.name not in RESERVED]
    log.info("web search: %s; %d n8n workflow(s)", mode.value, len(config.workflows))
    return Toolbox(functions, builtins=[BUILTIN] if mode is WebSearchMode.BUILTIN else [], timeout=config.timeout)
