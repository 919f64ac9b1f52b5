"""n8n workflows as function tools: each POSTs the model's arguments to its webhook and returns the JSON.

The workflow file (JSON or TOML) lists `[[workflows]]` with name, description, parameters (a JSON schema
of the arguments), url and optional timeout (seconds).
"""

from __future__ import annotations

import copy
import json
import logging
import re
import tomllib
from pathlib import Path
from typing import Any

import aiohttp

from core.tools.base import FunctionTool, ToolContext, ToolResult
from core.tools.config import Workflow

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_OUTPUT_CHARS = 16000


class WorkflowFileError(ValueError):
    """The workflow file cannot be used; the message says which entry and why."""


def load_workflows(path: Path, reserved: frozenset[str] = frozenset()) -> tuple[Workflow, ...]:
    """Read and check the workflow file; names must be unique and not shadow Minato's own tools."""
    try:
        raw = path.read_text(encoding="utf-8")
        data = tomllib.loads(raw) if path.suffix == ".toml" else json.loads(raw)
    except (OSError, ValueError) as exc:
        raise WorkflowFileError(f"{path}: {exc}") from exc
    entries = data.get("workflows") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise WorkflowFileError(f"{path}: expected a list named `workflows`")
    workflows: list[Workflow] = []
    for number, entry in enumerate(entries, 1):
        where = f"{path}: workflow {number}"
        if not isinstance(entry, dict):
            raise WorkflowFileError(f"{where}: not a table/object")
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise WorkflowFileError(f"{where}: name must be 1-64 letters, digits, _ or -")
        if name in reserved or any(w.name == name for w in workflows):
            raise WorkflowFileError(f"{where}: the name {name!r} is already taken")
        url = entry.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise WorkflowFileError(f"{where}: url must be an http(s) webhook URL")
        parameters = entry.get("parameters", {"type": "object", "properties": {}})
        if not isinstance(parameters, dict) or parameters.get("type") != "object":
            raise WorkflowFileError(f"{where}: parameters must be a JSON schema of type object")
        timeout = entry.get("timeout", 30)
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise WorkflowFileError(f"{where}: timeout must be a positive number of seconds")
        workflows.append(Workflow(name, str(entry.get("description", "")), strictify(parameters), url, float(timeout)))
    return tuple(workflows)


def strictify(schema: dict[str, Any]) -> dict[str, Any]:
    """Make a schema valid for strict mode: every object closed and every property required.

    Optional arguments should be declared nullable (`"type": ["string", "null"]`): the model then sends null.
    """
    result = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" or "properties" in node:
                node.setdefault("properties", {})
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(result)
    return result


class WebhookCall:
    def __init__(self, workflow: Workflow) -> None:
        self._workflow = workflow

    async def __call__(self, ctx: ToolContext, args: dict[str, Any]) -> ToolResult:
        name = self._workflow.name
        try:
            async with aiohttp.ClientSession() as session, session.post(self._workflow.url, json=args) as response:
                body = await response.text()
                if response.status >= 400:
                    log.warning("workflow %s answered HTTP %d", name, response.status)
                    return ToolResult.error(f"the {name} workflow failed (HTTP {response.status})")
        except aiohttp.ClientError:
            log.warning("workflow %s unreachable", name, exc_info=True)
            return ToolResult.error(f"the {name} workflow is unreachable right now")
        if len(body) > MAX_OUTPUT_CHARS:
            # Everything returned rides in the next request; a huge answer would cost more than it helps.
            return ToolResult.of({"text": body[:MAX_OUTPUT_CHARS], "truncated": True})
        try:
            return ToolResult.of(json.loads(body) if body.strip() else {"ok": True})
        except json.JSONDecodeError:
            # n8n's "Respond to Webhook" can answer plain text; the model can still read it.
            return ToolResult.of({"text": body})


def workflow_tool(workflow: Workflow) -> FunctionTool:
    return FunctionTool(
        workflow.name, workflow.description, workflow.parameters, WebhookCall(workflow), timeout=workflow.timeout
    )
