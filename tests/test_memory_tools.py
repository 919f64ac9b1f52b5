"""Long-term facts and timezones: told to Minato, shown by /memory, carried into later conversations."""

from __future__ import annotations

from core.tools.config import ToolsConfig
from tests.conversation import Person
from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.tools_support import tool_engine, tool_outputs

__all__ = ["tool_engine"]  # fixture


async def test_a_remembered_fact_is_shown_by_memory_and_carried_into_later_conversations(
    tool_engine, fake_openai: FakeOpenAI
) -> None:
    engine = tool_engine()
    amelie = Person(engine, "Amélie")
    fake_openai.script += [
        Reply(function_calls=[("remember", {"fact": "Sa sœur s'appelle Inès"})]),
        Reply(text="C'est noté, Amélie !"),
    ]
    heard = await amelie.says("Ma sœur s'appelle Inès, tu veux bien t'en souvenir ?")
    assert heard.text == "C'est noté, Amélie !"
    fact_id = tool_outputs(fake_openai.last)["remember"]["fact_id"]

    user = await engine.account.user("terminal", "u-Amélie", "Amélie", None)
    memory = await engine.account.memory(user, "u-Amélie")
    assert "Ce que je retiens de toi (demande-moi d'oublier ce que tu veux) :\n- Sa sœur s'appelle Inès" in memory

    await engine.account.reset(user, "u-Amélie")  # a fresh conversation: the history is gone, the fact is not
    await amelie.says("Tu te souviens comment s'appelle ma sœur ?")
    assert len(fake_openai.last["input"]) == 1
    instructions = fake_openai.last["instructions"]
    assert f"What you remember about the user:\n- Sa sœur s'appelle Inès (fact #{fact_id})" in instructions
    assert instructions.index("# Context") < instructions.index("Inès"), "facts stay after the cached prefix"

    fake_openai.script += [Reply(function_calls=[("forget_fact", {"fact_id": fact_id})]), Reply(text="Oublié.")]
    await amelie.says("Oublie le prénom de ma sœur, s'il te plaît.")
    assert "Inès" not in await engine.account.memory(user, "u-Amélie")
    await amelie.says("Merci !")
    assert "Inès" not in fake_openai.last["instructions"]


async def test_facts_belong_to_one_user(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    fake_openai.script += [Reply(function_calls=[("remember", {"fact": "Allergic to peanuts"})]), Reply(text="Ok")]
    await Person(engine, "Sam").says("Remember that I'm allergic to peanuts.")
    fact_id = tool_outputs(fake_openai.last)["remember"]["fact_id"]
    fake_openai.script += [Reply(function_calls=[("forget_fact", {"fact_id": fact_id})]), Reply(text="Hm")]
    await Person(engine, "Bob").says("Forget fact number one.")
    assert tool_outputs(fake_openai.last)["forget_fact"] == {"error": "no such fact"}
    await Person(engine, "Bob").says("Hello again")
    assert "peanuts" not in fake_openai.last["instructions"]
    await Person(engine, "Sam").says("Hello again")
    assert "Allergic to peanuts" in fake_openai.last["instructions"]


async def test_forget_removes_facts_and_reminders(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    fake_openai.script += [
        Reply(function_calls=[("remember", {"fact": "Loves jazz"}),
                              ("set_reminder", {"text": "Concert", "in_seconds": 3600, "at": None})]),
        Reply(text="Noted!"),
    ]
    await Person(engine, "Sam").says("I love jazz; remind me of the concert in an hour.")
    user = await engine.account.user("terminal", "u-Sam", "Sam", None)
    assert len(await engine.facts.all("terminal", "u-Sam")) == 1
    assert len(await engine.reminders.pending("terminal", "u-Sam")) == 1

    await engine.account.forget(user)
    assert await engine.facts.all("terminal", "u-Sam") == []
    async with engine.db.conn.execute("SELECT COUNT(*) FROM reminders WHERE user_id = 'u-Sam'") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_current_time_is_in_the_users_timezone(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine(ToolsConfig())
    sam = Person(engine, "Sam")
    user = await engine.account.user("terminal", "u-Sam", "Sam", "en")
    assert await engine.account.set_timezone(user, "Mars/Olympus") == (
        "I don't know the timezone “Mars/Olympus”. Try a name like Europe/Paris or America/New_York."
    )
    fake_openai.script += [Reply(function_calls=[("current_time", {})]), Reply(text="It's morning.")]
    await sam.says("What time is it?")
    unknown = tool_outputs(fake_openai.last)["current_time"]
    assert unknown["timezone"] == "UTC" and "unknown" in unknown["note"]

    assert await engine.account.set_timezone(user, "Europe/Paris") == "Got it — your timezone is now Europe/Paris."
    fake_openai.script += [Reply(function_calls=[("current_time", {})]), Reply(text="It's 9 o'clock.")]
    await sam.says("What time is it now?")
    known = tool_outputs(fake_openai.last)["current_time"]
    assert known["timezone"] == "Europe/Paris"
    assert known["local_time"].endswith("+01:00"), "late November in Paris is CET"
    assert "note" not in known


async def test_telling_minato_where_you_live_sets_the_timezone(tool_engine, fake_openai: FakeOpenAI) -> None:
    engine = tool_engine()
    fake_openai.script += [
        Reply(function_calls=[("set_timezone", {"timezone": "Asia/Tokyo"})]), Reply(text="Tokyo, lovely!"),
        Reply(function_calls=[("set_timezone", {"timezone": "../../etc/passwd"})]), Reply(text="Hmm?"),
    ]
    await Person(engine, "Kenji").says("I live in Tokyo now.")
    assert (await engine.users.get("terminal", "u-Kenji")).timezone == "Asia/Tokyo"
    await Person(engine, "Kenji").says("Actually set my timezone to ../../etc/passwd")
    assert "error" in tool_outputs(fake_openai.last)["set_timezone"]
    assert (await engine.users.get("terminal", "u-Kenji")).timezone == "Asia/Tokyo"
