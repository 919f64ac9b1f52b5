"""What users can ask of Minato about themselves, shared by every platform's commands.

Each operation returns the text to show, already in the user's language.
"""

from __future__ import annotations

from core.i18n import t
from core.language import NAMES, name_of, normalize
from core.store.conversations import Conversations, Scope
from core.store.facts import Facts
from core.store.users import ReplyMode, User, Users
from core.tools.time_tools import zone

MAX_NAME = 64


class Account:
    def __init__(self, users: Users, conversations: Conversations, *, facts: Facts | None = None) -> None:
        self.users = users
        self.conversations = conversations
        self.facts = facts

    async def user(self, platform: str, user_id: str, display_name: str, language_hint: str | None) -> User:
        return await self.users.touch(platform, user_id, display_name, language_hint)

    async def start(self, user: User) -> str:
        return t("start", user.language, name=user.name)

    async def help(self, user: User) -> str:
        return t("help", user.language)

    async def reset(self, user: User, chat_id: str) -> str:
        await self.conversations.reset(Scope(user.platform, chat_id, user.user_id))
        return t("reset_done", user.language, name=user.name)

    async def set_name(self, user: User, name: str) -> str:
        """An empty name goes back to the platform display name."""
        name = " ".join(name.split())[:MAX_NAME]
        await self.users.update(user.platform, user.user_id, preferred_name=name or None)
        if not name:
            return t("name_cleared", user.language, name=user.display_name)
        return t("name_set", user.language, name=name)

    async def set_language(self, user: User, choice: str) -> str:
        """`auto` follows each message's language; a code pins it."""
        choice = choice.strip().lower()
        if choice in ("", "auto"):
            await self.users.update(user.platform, user.user_id, language_pinned=0)
            return t("language_auto", user.language)
        code = normalize(choice)
        if code not in NAMES:
            return t("language_unknown", user.language, code=choice)
        await self.users.update(user.platform, user.user_id, language=code, language_pinned=1)
        return t("language_set", code, language=name_of(code))

    async def set_reply_mode(self, user: User, choice: str) -> str:
        try:
            mode = ReplyMode(choice.strip().lower())
        except ValueError:
            return t("voice_mode_usage", user.language)
        await self.users.update(user.platform, user.user_id, reply_mode=mode.value)
        return t("voice_mode_set", user.language, mode=mode.value)

    async def set_timezone(self, user: User, choice: str) -> str:
        """An IANA name (Europe/Paris); an empty choice shows the current one."""
        choice = choice.strip()
        if not choice:
            return t("timezone_current", user.language, timezone=user.timezone or "UTC")
        if zone(choice) is None:
            return t("timezone_unknown", user.language, timezone=choice)
        await self.users.update(user.platform, user.user_id, timezone=choice)
        return t("timezone_set", user.language, timezone=choice)

    async def memory(self, user: User, chat_id: str) -> str:
        count = await self.conversations.count_for_user(user.platform, user.user_id)
        facts = await self.facts.all(user.platform, user.user_id) if self.facts else []
        if count == 0 and not facts:
            return t("memory_empty", user.language)
        lines = [
            t("memory_header", user.language, name=user.name),
            t("memory_profile", user.language, name=user.name, language=name_of(user.language or "en"),
              mode=user.reply_mode.value),
        ]
        conversation_id = await self.conversations.current(Scope(user.platform, chat_id, user.user_id))
        summary = await self.conversations.summary(conversation_id)
        if summary:
            lines.append(t("memory_summary", user.language, summary=summary))
        if facts:
            lines.append(t("memory_facts", user.language))
            lines.extend(f"- {fact.text}" for fact in facts)
        lines.append(t("memory_messages", user.language, count=count))
        return "\n".join(lines)

    def forget_prompt(self, user: User) -> tuple[str, str, str]:
        """The confirmation question and its two answers."""
        return t("forget_confirm", user.language), t("yes", user.language), t("no", user.language)

    async def forget(self, user: User) -> str:
        """Delete every row about this user, everywhere. Answers in the language they used, before it is gone."""
        language = user.language
        await self.users.forget(user.platform, user.user_id)
        return t("forget_done", language)

    def keep(self, user: User) -> str:
        return t("forget_cancelled", user.language)
