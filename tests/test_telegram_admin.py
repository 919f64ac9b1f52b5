"""Admin and privacy commands on Telegram, end to end: the real bot over the fake Bot API, the real engine."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from core.admin.audit import AuditLog
from core.admin.gate import Gate
from core.admin.keys import KeyVault
from core.config import EngineConfig, ProviderConfig
from core.engine import Engine
from core.store import Database
from tests.admin_support import production_logs
from tests.conftest import TEST_KEY, make_llm
from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.telegram_server import FakeTelegram, FloodLimits
from tests.telegram_chat import TelegramChat, eventually

BOSS = 9001
BROADCAST = "Minato speaks Italian now! 🇮🇹"


@pytest.fixture
async def limited() -> AsyncIterator[FakeTelegram]:
    """A Bot API that answers 429 to anyone going faster than Telegram allows (30/s overall).

    The per-chat second is scaled to 50 ms; the timing jitter allowed is scaled less (20 ms rather than 5), as
    a write's way from its slot to the server takes a few ms more or less on a busy machine (a flaky 429).
    """
    fake = FakeTelegram(limits=FloodLimits(chat_interval=0.05, tolerance=0.6))
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def tga(limited: FakeTelegram, engine: Engine) -> AsyncIterator[TelegramChat]:
    chat = TelegramChat(limited, engine, admin_ids=frozenset({str(BOSS)}))
    await chat.start()
    yield chat
    await chat.stop()


def _texts_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [s.text for (chat, _), s in sorted(fake.sent.items()) if chat == chat_id]


async def test_a_stranger_is_refused_politely_in_french_and_the_attempt_is_audited(
    tga: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    mallory = tga.user("Mallory", language="fr")
    for command in ("/admin stats", "/admin ban 42", "/admin broadcast Achetez mes cryptos !"):
        heard = await mallory.says(command)
        assert heard.texts == ["Désolé, cette commande est réservée aux admins de Minato. J'ai noté la tentative."]
    entries = await AuditLog(tga.engine.db).recent()
    assert [(e.action, e.allowed) for e in reversed(entries)] == [("stats", False), ("ban", False),
                                                                 ("broadcast", False)]
    assert not fake_openai.requests


async def test_a_banned_user_gets_nothing_not_even_typing_and_costs_no_model_call(
    tga: TelegramChat, fake_openai: FakeOpenAI
) -> None:
    spammer = tga.user("Spam", language="en")
    await spammer.says("Hello, first message before the ban.")
    boss = tga.user("Boss", language="en", user_id=BOSS)
    heard = await boss.says(f"/admin ban {spammer.user.id}")
    assert heard.texts == [f"User {spammer.user.id} is banned: Minato won't answer them anymore."]
    calls = len(fake_openai.requests)
    assert (await spammer.says("Buy my stuff, buy my stuff!")).nothing
    assert len(fake_openai.requests) == calls


async def test_stats_reach_the_admin_as_a_table(tga: TelegramChat) -> None:
    await tga.user("Amélie").says("Bonjour Minato, comment vas-tu ?")
    heard = await tga.user("Boss", language="en", user_id=BOSS).says("/admin stats")
    assert heard.texts[0].startswith("📊 Minato statistics")
    assert "telegram" in heard.texts[0] and "gpt-4.1-mini" in heard.texts[0]


async def _audience(tg: TelegramChat, count: int = 50, quiet: int = 5) -> list[int]:
    people = [tg.user(f"Fan{i}", language="en") for i in range(count)]
    for person in people:
        await person.says("/start")
    for person in people[:quiet]:
        assert (await person.says("/quiet")).texts[0].startswith("Okay, no more announcements")
    return [p.user.id for p in people]


async def test_broadcast_to_50_users_stays_under_the_flood_limits_and_skips_opted_out(
    tga: TelegramChat, limited: FakeTelegram
) -> None:
    ids = await _audience(tga)
    limited.fail("sendMessage", 403, "Forbidden: bot was blocked by the user", chat_id=ids[10])
    pushed_back = limited.provoked_429s  # (the audience's own fast /start replies may have been)
    boss = tga.user("Boss", language="en", user_id=BOSS)
    started = await boss.says(f"/admin broadcast {BROADCAST}")
    assert started.texts == ["Broadcast #1 started for 51 users. I'll keep you posted on its progress."]

    await eventually(lambda: any("finished" in t for t in _texts_to(limited, BOSS)), timeout=20)
    reports = [t for t in _texts_to(limited, BOSS) if t.startswith("Broadcast #1")]
    assert reports[-1] == "Broadcast #1 finished: 45 delivered, 1 failed, 5 opted out."
    assert len(reports) == 5, "started, three progress reports, the final count"
    for uid in ids[:5]:
        assert BROADCAST not in _texts_to(limited, uid), "opted out"
    for uid in ids[5:10] + ids[11:]:
        assert _texts_to(limited, uid).count(BROADCAST) == 1
    sends = [c.at for c in limited.calls if c.method == "sendMessage" and c.params.get("text") == BROADCAST]
    assert (sends[-1] - sends[0]) / (len(sends) - 1) >= 0.95 / 20, "paced at 20 a second, not in a burst"
    assert limited.provoked_429s == pushed_back, "never over Telegram's limits (the fake enforces them)"


async def test_broadcast_resumes_after_a_restart_without_sending_anyone_twice(
    tga: TelegramChat, limited: FakeTelegram
) -> None:
    ids = await _audience(tga)
    await tga.user("Boss", language="fr", user_id=BOSS).says(f"/admin broadcast {BROADCAST}")

    def broadcast_sends() -> list[int]:
        return [c.chat_id or 0 for c in limited.calls
                if c.method == "sendMessage" and c.params.get("text") == BROADCAST]

    await eventually(lambda: len(broadcast_sends()) >= 15)
    await tga.stop()  # the process stops mid-broadcast
    stopped_at = len(broadcast_sends())
    assert stopped_at < 46, "the broadcast was still running"
    await tga.start()  # ... and starts again
    await eventually(lambda: any("terminée" in t for t in _texts_to(limited, BOSS)), timeout=20)

    received = Counter(uid for uid, _ in limited.sent if limited.sent[(uid, _)].text == BROADCAST)
    assert max(received.values()) == 1, "nobody gets the broadcast twice"
    assert set(received) <= set(ids[5:]) | {BOSS}
    assert len(received) >= 45, "at most the one send cut off by the stop is left unconfirmed"
    final = next(t for t in _texts_to(limited, BOSS) if "terminée" in t)
    assert final.endswith("5 désinscrits.")


async def _byok_engine(db: Database, provider: ProviderConfig) -> Engine:
    config = EngineConfig()
    return Engine(db, make_llm(provider, config), config,
                  gate=Gate(db, vault=KeyVault(db, "telegram-test-secret-0123456789")))


async def test_key_message_is_deleted_validated_and_never_echoed_nor_logged(
    fake_telegram: FakeTelegram, db: Database, provider: ProviderConfig, fake_openai: FakeOpenAI,
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str],
) -> None:
    engine = await _byok_engine(db, provider)
    tg = TelegramChat(fake_telegram, engine)
    with production_logs(caplog, [fake_telegram.token, TEST_KEY], raw=False):
        await tg.start()
        try:
            await _key_flow(tg, fake_telegram, fake_openai)
        finally:
            await tg.stop()
            await engine.llm.close()
    logged = caplog.text + capsys.readouterr().err
    assert "telegram-user-key" not in logged, "PTB logs whole updates at DEBUG: the key must be scrubbed"
    assert fake_telegram.token not in logged and TEST_KEY not in logged
    assert "Processing update" in logged, "DEBUG logging really was on"


async def _key_flow(tg: TelegramChat, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI) -> None:
    """/key in private (deleted, validated, used) and in a group (refused)."""
    key = "sk-proj-telegram-user-key-0123456789abcdef"
    amelie = tg.user("Amélie")
    heard = await amelie.says(f"/key {key}")
    assert (amelie.user.id, heard.message_id) in fake_telegram.deleted, "the key does not stay in the chat"
    assert heard.texts == ["Ta clé fonctionne et elle est stockée chiffrée. Désormais, nos conversations "
                           "l'utilisent. /key remove la supprime."]
    await amelie.says("Bonjour, c'est ma clé qui paie maintenant ?")
    assert fake_openai.headers[-1]["Authorization"] == f"Bearer {key}"

    group = tg.group()
    in_group = await amelie.says(f"/key {key}", chat=group)
    assert any(c.method == "deleteMessage" for c in in_group.calls), "deletion tried (needs admin rights)"
    assert in_group.texts[0].startswith("N'envoie une clé qu'en conversation privée")
    assert all(key not in s.text for s in fake_telegram.sent.values())


async def test_export_sends_a_json_file_in_private_and_refuses_in_a_group(tg: TelegramChat) -> None:
    amelie = tg.user("Amélie")
    await amelie.says("Je m'appelle Amélie et j'adore le thé au jasmin.")
    await tg.user("Bob", language="en").says("I'm Bob and I love coffee.")
    heard = await amelie.says("/export")
    [document] = heard.documents
    assert document.text == "Voici tout ce que je garde sur toi, dans un fichier JSON."
    data = json.loads(document.data)
    assert "Je m'appelle Amélie et j'adore le thé au jasmin." in [m["content"] for m in data["tables"]["messages"]]
    assert "coffee" not in document.data.decode()
    in_group = await amelie.says("/export", chat=tg.group())
    assert not in_group.documents and in_group.texts[0].startswith("Pour protéger ta vie privée")


async def test_admin_alone_lists_the_commands_with_their_arguments_intact(tga: TelegramChat) -> None:
    heard = await tga.user("Boss", language="en", user_id=BOSS).says("/admin")
    assert heard.texts[0].startswith("Admin commands:")
    assert "ban <id> · unban <id>" in heard.texts[0], "angle brackets survive the Markdown→HTML conversion"
