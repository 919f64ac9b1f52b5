"""Declaring n8n workflows in a file: loaded at startup, checked, and callable by the model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bots.settings import ToolSettings
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.webhooks import FakeWebhooks
from tests.processes import child_env
from tests.tools_support import tool_engine, tool_outputs, webhooks

__all__ = ["tool_engine", "webhooks"]  # fixtures

TOML = """
[[workflows]]
name = "add_shopping_item"
description = "Add an item to the family shopping list."
url = "{root}/webhook/shopping"
timeout = 5

[workflows.parameters]
type = "object"
[workflows.parameters.properties.item]
type = "string"
[workflows.parameters.properties.quantity]
type = ["integer", "null"]
"""


async def test_a_declared_workflow_posts_the_models_arguments_and_returns_its_json(
    tmp_path: Path, tool_engine, fake_openai: FakeOpenAI, webhooks: FakeWebhooks
) -> None:
    async def shopping(body: dict[str, Any]) -> tuple[int, Any]:
        return 200, {"added": body["item"], "list": ["milk", body["item"]]}

    webhooks.on("/webhook/shopping", shopping)
    path = tmp_path / "workflows.toml"
    path.write_text(TOML.format(root=webhooks.root), encoding="utf-8")
    tools = ToolSettings(n8n_workflows=path).to_core()
    engine = tool_engine(tools)
    fake_openai.script += [
        Reply(function_calls=[("add_shopping_item", {"item": "croissants", "quantity": 6})]),
        Reply(text="C'est ajouté à la liste !"),
    ]
    heard = await Person(engine, "Amélie").says("Ajoute six croissants à la liste de courses.")

    assert heard.text == "C'est ajouté à la liste !"
    assert webhooks.received["/webhook/shopping"] == [{"item": "croissants", "quantity": 6}]
    assert tool_outputs(fake_openai.last)["add_shopping_item"] == {"added": "croissants",
                                                                    "list": ["milk", "croissants"]}
    declared = fake_openai.requests[0]["tools"][-1]
    assert declared["name"] == "add_shopping_item"
    assert declared["parameters"]["required"] == ["item", "quantity"], "strict mode: every property required"
    assert declared["parameters"]["additionalProperties"] is False


def test_json_files_work_too(tmp_path: Path) -> None:
    path = tmp_path / "workflows.json"
    path.write_text(json.dumps({"workflows": [{
        "name": "lights", "description": "Switch lights", "url": "http://n8n.local/webhook/lights",
        "parameters": {"type": "object", "properties": {"on": {"type": "boolean"},
                                                        "where": {"type": "object", "properties": {
                                                            "room": {"type": "string"}}}}},
    }]}), encoding="utf-8")
    (workflow,) = ToolSettings(n8n_workflows=path).to_core().workflows
    assert workflow.timeout == 30
    assert workflow.parameters["properties"]["where"]["additionalProperties"] is False


@pytest.mark.parametrize(("entry", "reason"), [
    ({"name": "remember", "url": "http://n8n/x"}, "already taken"),
    ({"name": "has space", "url": "http://n8n/x"}, "name must be"),
    ({"name": "ok", "url": "file:///etc/passwd"}, "url must be"),
    ({"name": "ok", "url": "http://n8n/x", "timeout": -1}, "timeout must be"),
    ({"name": "ok", "url": "http://n8n/x", "parameters": {"type": "string"}}, "type object"),
])
def test_a_broken_workflow_file_says_what_is_wrong(tmp_path: Path, entry: dict[str, Any], reason: str) -> None:
    path = tmp_path / "workflows.json"
    path.write_text(json.dumps({"workflows": [entry]}), encoding="utf-8")
    with pytest.raises(ValidationError, match=reason):
        ToolSettings(n8n_workflows=path)


def test_minato_refuses_to_start_with_a_broken_workflow_file(tmp_path: Path) -> None:
    path = tmp_path / "workflows.toml"
    path.write_text("[[workflows]\nname = ", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bots.cli", "chat"], cwd=tmp_path, input="",
        env=child_env(tmp_path, OPENAI_API_KEY="sk-test", MINATO_N8N_WORKFLOWS=str(path)),
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "workflows.toml" in result.stderr and "Traceback" not in result.stderr
