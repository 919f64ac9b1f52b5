"""Running the Telegram bot: staying under Telegram's flood limits, webhook mode, and where settings lead."""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bots.logs import setup_logging
from bots.platforms import PlatformStartError
from bots.settings import Settings, TelegramSettings
from bots.telegram_bot import adapter_config, run
from core.engine import Engine
from tests.conftest import TEST_KEY
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.telegram_objects import FakeChat, FakeUser
from tests.fakes.telegram_server import FakeTelegram, FloodLimits
from tests.processes import child_env
from tests.telegram_chat import TelegramChat, eventually


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_no_429_is_provoked_when_the_fake_enforces_telegrams_limits(
    fake_openai: FakeOpenAI, engine: Engine
) -> None:
    # Telegram's limits with the per-chat second scaled to 0.1 s; group (20/min) and total (30/s) as published.
    fake = FakeTelegram(limits=FloodLimits(chat_interval=0.1, tolerance=0.8))
    await fake.start()
    tg = TelegramChat(fake, engine, stream_interval=0.1)
    await tg.start()
    try:
        fake_openai.latency.tokens_per_second = 600
        long = "\n\n".join(f"Partie {i} : " + "le vent souffle doucement sur la plage. " * 12 for i in range(10))
        long = "\n\n".join(part.strip() for part in long.split("\n\n"))
        fake_openai.script.extend([Reply(text=long), Reply(text=long)])
        private, group = await asyncio.gather(
            tg.user("Amélie").says("Raconte-moi une longue histoire."),
            tg.user("Chloé").says(f"{tg.mention} une histoire pour le groupe ?", chat=tg.group()),
        )
        assert fake.provoked_429s == 0
        assert "\n\n".join(private.texts) == long
        assert "\n\n".join(group.texts) == long
        assert len(private.drafts) > 3 and any(m.edits for m in group.messages), "both replies streamed"
    finally:
        await tg.stop()
        await fake.close()


async def test_the_fake_does_answer_429_when_a_bot_writes_too_fast() -> None:
    # Guards the test above: an enforcing fake must refuse a burst, or "0 provoked" would prove nothing.
    limited = FakeTelegram(limits=FloodLimits(chat_interval=1.0))
    await limited.start()
    try:
        async with Bot(limited.token, base_url=f"{limited.root}/bot") as bot:
            await bot.send_message(77, "un")
            with pytest.raises(RetryAfter) as refused:
                await bot.send_message(77, "deux")
        assert limited.provoked_429s == 1
        assert refused.value.retry_after == 1
    finally:
        await limited.close()


async def test_webhook_mode_answers_updates_telegram_posts(fake_telegram: FakeTelegram, engine: Engine) -> None:
    port = _free_port()
    tg = TelegramChat(fake_telegram, engine, webhook_port=port)
    await tg.start()
    try:
        assert fake_telegram.webhook_url == f"http://127.0.0.1:{port}/telegram-hook"
        assert not fake_telegram.polling.is_set(), "no long polling in webhook mode"
        heard = await tg.user("Amélie").says("Bonjour, tu reçois bien mes messages ?")
        assert heard.texts[0].startswith("Amélie, ")
        amelie = tg.user("Amélie")
        forged = fake_telegram.message(amelie.private, amelie.user, text="Je suis un imposteur.")
        assert await tg.post_to_webhook(forged, secret="wrong") == 403
    finally:
        await tg.stop()


def test_self_hosted_bot_api_lifts_the_download_limit() -> None:
    public = TelegramSettings(bot_token="1:x")
    local = TelegramSettings(bot_token="1:x", api_url="http://localhost:8081/")
    assert adapter_config(public).download_limit == 20 * 1024 * 1024
    assert local.api_url == "http://localhost:8081"
    assert adapter_config(local).download_limit is None
    assert adapter_config(TelegramSettings(api_url="http://localhost:8081", self_hosted=False)).download_limit


async def test_the_bot_token_never_reaches_the_logs(fake_telegram: FakeTelegram, engine: Engine) -> None:
    # The process's real logging setup, with nothing to redact: no logger may print the token at all.
    root = logging.getLogger()
    names = [*logging.root.manager.loggerDict, "httpx", "httpx2", "httpcore"]
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in names}
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    setup_logging("DEBUG", [])
    root.addHandler(Keep())
    try:
        tg = TelegramChat(fake_telegram, engine)
        await tg.start()
        fake_telegram.flood("sendMessage", retry_after=1)
        await tg.user("Amélie").says("Bonjour, tu peux m'aider ?")
        await tg.stop()
    finally:
        root.handlers[:], level, levels = saved
        root.setLevel(level)
        for name, old in levels.items():
            logging.getLogger(name).setLevel(old)
    assert any("flood control" in line for line in lines), "the logs were captured"
    assert not [line for line in lines if fake_telegram.token in line]


async def test_a_wrong_token_stops_telegram_with_one_clear_line(
    fake_telegram: FakeTelegram, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(telegram=TelegramSettings(bot_token="999:not-the-right-token", api_url=fake_telegram.root))
    with pytest.raises(PlatformStartError, match="Telegram refused the bot token: check TELEGRAM_BOT_TOKEN") as info:
        await asyncio.wait_for(run(settings, engine, asyncio.Event()), 10)
    assert "not-the-right-token" not in str(info.value) + caplog.text


async def test_minato_run_answers_on_telegram_and_stops_cleanly_on_sigterm(
    tmp_path: Path, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    env = {**child_env(tmp_path), "TELEGRAM_BOT_TOKEN": fake_telegram.token, "TELEGRAM_API_URL": fake_telegram.root,
           "OPENAI_API_KEY": TEST_KEY, "OPENAI_BASE_URL": fake_openai.base_url, "MINATO_LOG_LEVEL": "DEBUG"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bots.cli", "run", "--platform", "telegram", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        await eventually(fake_telegram.polling.is_set, timeout=30)
        amelie = FakeUser(4242, "Amélie", language_code="fr")
        private = FakeChat(4242, "private", first_name="Amélie")
        fake_telegram.push(fake_telegram.message(private, amelie, text="Bonjour Minato, tu es réveillé ?"))
        await eventually(lambda: any(c.method == "sendMessage" for c in fake_telegram.calls), timeout=30)
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    (sent,) = [s for s in fake_telegram.sent.values() if s.chat_id == 4242]
    assert sent.text == "Amélie, je suis là avec toi. Comment te sens-tu aujourd'hui ?"
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "Telegram: stopping" in log and "Traceback" not in log
    assert fake_telegram.token not in log and TEST_KEY not in log
