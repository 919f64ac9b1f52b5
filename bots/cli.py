"""The `minato` command: `minato run [--platform telegram|discord]` and `minato chat [--name NAME]`."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import signal
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from bots.logs import setup_logging
from bots.platforms import PLATFORMS, PlatformStartError, runner, with_tokens
from bots.settings import Settings
from bots.wiring import engine_from
from core.providers import MissingProviderKey


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minato", description="Minato, a warm AI companion.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot on every platform whose token is set")
    run.add_argument("--platform", choices=PLATFORMS, help="run only this platform")
    chat = sub.add_parser("chat", help="talk to Minato in this terminal")
    chat.add_argument("--name", help="your display name (default: your login name)")
    return parser


def _fail(message: str) -> int:
    print(f"minato: {message}", file=sys.stderr)
    return 2


def _secrets(settings: Settings) -> list[str]:
    values = [
        settings.provider.openai_api_key,
        settings.provider.azure_openai_api_key,
        settings.telegram.bot_token,
        settings.telegram.webhook_secret,
        settings.discord.bot_token,
        settings.safety.secret_key,
    ]
    return [v.get_secret_value() for v in values if v is not None]


def freeze_startup_objects() -> None:
    """Take what is loaded so far (libraries, their types, the engine) out of the garbage collector's scans.

    It lives as long as the process anyway, and it is most of the heap: every full collection walked it,
    pausing the event loop 200-350 ms under load (bench/scale.py), long enough to bunch writes into 429s.
    """
    gc.collect()
    gc.freeze()


async def _run(settings: Settings, platform: str | None) -> int:
    platforms = with_tokens(settings, platform)
    if not platforms:
        wanted = {"telegram": "TELEGRAM_BOT_TOKEN", "discord": "DISCORD_BOT_TOKEN"}
        names = wanted[platform] if platform else "TELEGRAM_BOT_TOKEN and/or DISCORD_BOT_TOKEN"
        return _fail(f"no platform token set: set {names} (in .env or the environment).")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with engine_from(settings) as engine:
        freeze_startup_objects()
        # A platform that cannot start is reported; the others keep running until stopped.
        outcomes = await asyncio.gather(
            *(runner(name)(settings, engine, stop) for name in platforms), return_exceptions=True
        )
    failed = [o for o in outcomes if isinstance(o, BaseException)]
    for failure in failed:
        if not isinstance(failure, PlatformStartError):
            raise failure
        _fail(str(failure))
    return 2 if failed else 0


async def _chat(settings: Settings, name: str) -> int:
    from adapters.terminal import chat

    async with engine_from(settings) as engine:
        await chat(engine, name, sys.stdin, sys.stdout)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return _fail(f"invalid settings: {problems}")
    setup_logging(settings.engine.log_level, _secrets(settings))
    try:
        if args.command == "run":
            return asyncio.run(_run(settings, args.platform))
        return asyncio.run(_chat(settings, args.name or getpass.getuser()))
    except MissingProviderKey as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
