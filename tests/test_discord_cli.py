"""`minato run --platform discord` as an operator runs it: a child process, the real CLI, SIGTERM to stop."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tests.conftest import TEST_KEY
from tests.discord_world import TOKEN
from tests.fakes.discord_payloads import now_iso, user_payload
from tests.fakes.discord_server import FakeDiscord
from tests.fakes.openai_server import FakeOpenAI, Latency
from tests.processes import child_env


async def test_sigterm_in_the_middle_of_a_reply_lets_it_finish_then_exits_cleanly(
    tmp_path: Path, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency = Latency(tokens_per_second=20)  # the reply takes about half a second to stream
    fake = FakeDiscord()
    await fake.start()
    env = child_env(tmp_path, OPENAI_API_KEY=TEST_KEY, OPENAI_BASE_URL=fake_openai.base_url, DISCORD_BOT_TOKEN=TOKEN,
               DISCORD_API_URL=fake.api_url, DISCORD_GATEWAY_URL=fake.gateway_url, MINATO_LOG_LEVEL="DEBUG")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", "run", "--platform", "discord", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await asyncio.wait_for(fake.connected.wait(), 30)
        dm = str(fake.new_id())
        await fake.dispatch("MESSAGE_CREATE", {
            "id": str(fake.new_id()), "channel_id": dm, "author": user_payload(str(fake.new_id()), "yuki"),
            "content": "hello Minato, are you awake?", "timestamp": now_iso(), "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": [], "pinned": False, "type": 0, "flags": 0,
        })
        await fake.wait_for_call("POST", f"/channels/{dm}/messages", timeout=30)
        child.send_signal(signal.SIGTERM)  # the reply has started streaming, not finished
        out, err = await asyncio.wait_for(child.communicate(), 30)
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
        await fake.close()
    assert child.returncode == 0, err.decode()
    assert fake.messages[dm][0]["content"] == "yuki, I'm here with you. How are you feeling today?"
    assert TOKEN not in (out + err).decode()
