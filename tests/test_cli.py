"""The `minato` command as a user runs it: a child process with only the environment we give it."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, TEST_KEY
from tests.fakes.openai_server import FakeOpenAI
from tests.processes import child_env


def _minato(tmp_path: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bots.cli", *args], cwd=tmp_path, env=child_env(tmp_path, **env), input=stdin,
        capture_output=True, text=True, timeout=60,
    )


def test_run_without_any_token_names_the_variables(tmp_path: Path) -> None:
    result = _minato(tmp_path, "run")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "TELEGRAM_BOT_TOKEN" in lines[0] and "DISCORD_BOT_TOKEN" in lines[0]


def test_a_fresh_env_copied_from_the_example_names_the_platform_tokens(tmp_path: Path) -> None:
    """Regression: `TELEGRAM_BOT_TOKEN=` (empty, as in .env.example) counted as a token that was set."""
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = _minato(tmp_path, "run")
    assert result.returncode != 0
    assert "no platform token set" in result.stderr and "TELEGRAM_BOT_TOKEN" in result.stderr


def test_run_without_a_provider_key_says_which_to_set(tmp_path: Path) -> None:
    result = _minato(tmp_path, "run", "--platform", "telegram", TELEGRAM_BOT_TOKEN="123:abc")
    assert result.returncode != 0
    assert "OPENAI_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_settings_are_reported_without_values(tmp_path: Path) -> None:
    result = _minato(tmp_path, "run", MINATO_TEMPERATURE="hot", OPENAI_API_KEY=TEST_KEY)
    assert result.returncode != 0
    assert "temperature" in result.stderr and TEST_KEY not in result.stderr


async def test_chat_streams_and_remembers_across_runs(tmp_path: Path, fake_openai: FakeOpenAI) -> None:
    env = {"OPENAI_API_KEY": TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url}
    import asyncio

    first = await asyncio.to_thread(
        _minato, tmp_path, "chat", "--name", "Amélie", stdin="Bonjour, je m'appelle Amélie et j'adore la mer.\n",
        **env,
    )
    assert first.returncode == 0, first.stderr
    assert "Minato › Amélie, je suis là avec toi." in first.stdout
    second = await asyncio.to_thread(
        _minato, tmp_path, "chat", "--name", "Amélie", stdin="Tu te souviens de ce que j'aime ?\n", **env
    )
    assert second.returncode == 0, second.stderr
    remembered = fake_openai.last["input"]
    assert remembered[0]["content"] == "Bonjour, je m'appelle Amélie et j'adore la mer."
    assert TEST_KEY not in first.stdout + first.stderr + second.stdout + second.stderr
