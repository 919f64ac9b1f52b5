"""The admin commands, the same on every platform: who may run them, what they do, the text to show.

Global admins come from TELEGRAM_ADMIN_IDS / DISCORD_ADMIN_IDS. A Discord member who manages a server may change
Minato's settings for that server only (`may_configure_server`). Every attempt is written to the audit log;
everyone else gets a polite refusal in their language.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.admin import stats
from core.admin.audit import AuditLog
from core.admin.broadcast import Broadcasts, Delivery
from core.admin.config import AdminConfig, Quota
from core.admin.defaults import ROLES, VOICES, apply_model, apply_voice, valid_model_name
from core.i18n import t
from core.store.free_channels import FreeChannels

if TYPE_CHECKING:
    from core.engine import Engine

log = logging.getLogger(__name__)

_MAX_USER_ID = 32
_MAX_BROADCAST = 4000


@dataclass(frozen=True, slots=True)
class Caller:
    """Who typed the command, where, and whether the platform says they manage the server they typed it in."""

    platform: str
    user_id: str
    chat_id: str
    language: str | None = None
    manages_server: bool = False
    server_id: str | None = None  # the Discord server (guild) the command was typed in
    reports_to: str | None = None  # where broadcast progress goes, for the adapter's delivery (default: chat_id)


def _user_ref(text: str) -> str | None:
    """A platform user id (Telegram and Discord ids are digits); adapters turn mentions into ids."""
    text = text.strip().lstrip("@")
    return text if text.isdigit() and len(text) <= _MAX_USER_ID else None


class Admin:
    def __init__(self, engine: Engine, config: AdminConfig) -> None:
        self.engine = engine
        self.config = config
        self.moderation = engine.gate.moderation
        self.runtime = engine.gate.runtime
        self.audit_log = AuditLog(engine.db)
        self.broadcasts = Broadcasts(engine.db, rate=config.rate, retries=config.broadcast_retries)
        self._deliveries: dict[str, Delivery] = {}

    async def attach(self, platform: str, delivery: Delivery) -> None:
        """An adapter offers its delivery port; broadcasts a restart interrupted continue now."""
        self._deliveries[platform] = delivery
        await self.broadcasts.resume(platform, delivery)

    async def shutdown(self) -> None:
        await self.broadcasts.shutdown()

    def is_admin(self, caller: Caller) -> bool:
        return self.config.is_admin(caller.platform, caller.user_id)

    async def may_configure_server(self, caller: Caller, what: str) -> bool:
        """Server settings (enabled channels, free conversation): global admins and the server's managers."""
        allowed = self.is_admin(caller) or caller.manages_server
        await self.audit_log.write(caller.platform, caller.user_id, "server", what, allowed=allowed)
        return allowed

    def refusal(self, caller: Caller) -> str:
        return t("admin_refused", caller.language)

    async def run(self, caller: Caller, line: str) -> str:
        """`line` is the command without its prefix, e.g. `ban 12345` or `quota default 50 10 20000`."""
        parts = line.strip().split(maxsplit=1)  # any whitespace, so "broadcast\nText" works too
        op = parts[0].lower() if parts else ""
        rest = parts[1] if len(parts) > 1 else ""
        if op == "channel":
            return await self._channel(caller, rest.strip().lower())
        allowed = self.is_admin(caller)
        await self.audit_log.write(caller.platform, caller.user_id, op or "help", rest.strip()[:200], allowed=allowed)
        if not allowed:
            log.info("refused admin command %r from %s/%s", op, caller.platform, caller.user_id)
            return self.refusal(caller)
        handlers: dict[str, Callable[[Caller, str], Awaitable[str]]] = {
            "stats": self._stats, "ban": self._ban, "unban": self._unban, "allowlist": self._allowlist,
            "allow": self._allow, "quota": self._quota, "broadcast": self._broadcast, "model": self._model,
            "voice": self._voice, "audit": self._audit,
        }
        handler = handlers.get(op)
        if handler is None:
            return t("admin_usage", caller.language)
        return await handler(caller, rest.strip())

    async def _channel(self, caller: Caller, choice: str) -> str:
        """A server setting: answer every message in this channel (free conversation), or only when addressed."""
        if caller.server_id is None or choice not in ("on", "off"):
            return t("admin_channel_usage", caller.language)
        if not await self.may_configure_server(caller, f"channel {caller.chat_id} {choice}"):
            return self.refusal(caller)
        channels = FreeChannels(self.engine.db)
        if choice == "on":
            await channels.enable(caller.platform, caller.server_id, caller.chat_id, caller.user_id)
        else:
            await channels.disable(caller.platform, caller.server_id, caller.chat_id)
        return t(f"admin_channel_{choice}", caller.language)

    async def _stats(self, caller: Caller, _: str) -> str:
        platforms, costs = await stats.collect(self.engine.db)
        return stats.render(platforms, costs, caller.language)

    async def _ban(self, caller: Caller, args: str, banned: bool = True) -> str:
        user = _user_ref(args)
        if user is None:
            return t("admin_bad_user", caller.language, user=args[:40])
        await self.moderation.ban(caller.platform, user, banned)
        return t("admin_banned" if banned else "admin_unbanned", caller.language, user=user)

    async def _unban(self, caller: Caller, args: str) -> str:
        return await self._ban(caller, args, banned=False)

    async def _allowlist(self, caller: Caller, args: str) -> str:
        choice = args.lower()
        if choice not in ("on", "off"):
            return t("admin_usage", caller.language)
        await self.moderation.set_allowlist(caller.platform, choice == "on")
        return t(f"admin_allowlist_{choice}", caller.language)

    async def _allow(self, caller: Caller, args: str) -> str:
        user = _user_ref(args)
        if user is None:
            return t("admin_bad_user", caller.language, user=args[:40])
        await self.moderation.allow(caller.platform, user)
        return t("admin_allowed", caller.language, user=user)

    async def _quota(self, caller: Caller, args: str) -> str:
        parts = args.split()
        try:
            who, messages, minutes, tokens = parts[0], int(parts[1]), float(parts[2]), int(parts[3])
        except (IndexError, ValueError):
            return t("admin_quota_usage", caller.language)
        if len(parts) != 4 or min(messages, minutes, tokens) < 0:
            return t("admin_quota_usage", caller.language)
        quota = Quota(messages, minutes, tokens)
        if who.lower() == "default":
            await self.runtime.set("quota:default", [messages, minutes, tokens])
            who = t("admin_everyone", caller.language)
        else:
            user = _user_ref(who)
            if user is None:
                return t("admin_bad_user", caller.language, user=who[:40])
            await self.moderation.set_quota(caller.platform, user, quota)
        return t("admin_quota_set", caller.language, who=who, messages=messages, minutes=f"{minutes:g}",
                 tokens=tokens)

    async def _broadcast(self, caller: Caller, text: str) -> str:
        if not text or len(text) > _MAX_BROADCAST:
            return t("admin_broadcast_usage", caller.language, limit=_MAX_BROADCAST)
        delivery = self._deliveries.get(caller.platform)
        if delivery is None:
            return t("admin_broadcast_unavailable", caller.language)
        if await self.broadcasts.running(caller.platform):
            return t("admin_broadcast_running", caller.language)
        excluded = await self.moderation.banned_ids(caller.platform)
        broadcast_id, total = await self.broadcasts.start(
            caller.platform, caller.user_id, caller.reports_to or caller.chat_id, caller.language, text, excluded
        )
        self.broadcasts.run(broadcast_id, delivery)
        return t("admin_broadcast_started", caller.language, id=broadcast_id, total=total)

    async def _model(self, caller: Caller, args: str) -> str:
        role, _, name = args.partition(" ")
        role, name = role.lower(), name.strip()
        if role not in ROLES or not valid_model_name(name):
            return t("admin_model_usage", caller.language, roles=", ".join(ROLES))
        await self.runtime.set(f"model:{role}", name)
        apply_model(self.engine, role, name)
        return t("admin_model_set", caller.language, role=role, name=name)

    async def _voice(self, caller: Caller, args: str) -> str:
        name = args.strip().lower()
        if name not in VOICES:
            return t("admin_voice_usage", caller.language, voices=", ".join(VOICES))
        await self.runtime.set("voice:default", name)
        apply_voice(self.engine, name)
        return t("admin_voice_set", caller.language, name=name)

    async def _audit(self, caller: Caller, _: str) -> str:
        entries = await self.audit_log.recent()
        if not entries:
            return t("admin_audit_empty", caller.language)
        lines = [t("admin_audit_header", caller.language)]
        for e in entries:
            when = dt.datetime.fromtimestamp(e.created_at, dt.UTC).strftime("%m-%d %H:%M")
            mark = "✓" if e.allowed else "✗"
            lines.append(f"{when} {mark} {e.platform}/{e.user_id} {e.action} {e.detail}".rstrip())
        return "\n".join([lines[0], "```", *lines[1:], "```"])
