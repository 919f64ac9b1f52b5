"""A terminal conversation with the same engine and store: `minato chat`."""

from __future__ import annotations

import asyncio
import getpass
from typing import TextIO

from core.engine import Engine
from core.events import FinalText, Notice, TextDelta
from core.turn import ChatKind, Turn

PROMPT = "you › "


class TerminalDelivery:
    """Due reminders appear in the terminal between turns (the engine's delivery port for `terminal`)."""

    def __init__(self, stdout: TextIO) -> None:
        self._stdout = stdout

    async def deliver(
        self, platform: str, chat_id: str, user_id: str, text: str, language: str, as_voice: bool
    ) -> None:
        self._stdout.write(f"\n{text}\n{PROMPT}")
        self._stdout.flush()


async def chat(engine: Engine, name: str, stdin: TextIO, stdout: TextIO) -> None:
    """Read lines until EOF or /quit; stream each answer token by token. `/reset` starts afresh."""
    user_id = f"local-{getpass.getuser()}"
    engine.deliveries.register("terminal", TerminalDelivery(stdout))
    while True:
        stdout.write(PROMPT)
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line or line.strip() in ("/quit", "/exit"):
            stdout.write("\n")
            return
        text = line.strip()
        if not text:
            continue
        if text == "/reset":
            user = await engine.users.touch("terminal", user_id, name, None)
            stdout.write(await engine.account.reset(user, user_id) + "\n")
            continue
        turn = Turn("terminal", user_id, ChatKind.PRIVATE, user_id, name, text=text)
        stdout.write("Minato › ")
        async for event in engine.respond(turn):
            if isinstance(event, TextDelta):
                stdout.write(event.text)
                stdout.flush()
            elif isinstance(event, FinalText):
                stdout.write("\n")
            elif isinstance(event, Notice):
                stdout.write(f"\n[{event.text}]\n")
        stdout.flush()
