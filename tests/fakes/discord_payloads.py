"""Raw Discord API objects (users, guilds, threads) shaped like discord.py's `types/` TypedDicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

ALL_PERMISSIONS = "2251799813685247"


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def user_payload(user_id: str, username: str, global_name: str | None = None) -> dict[str, Any]:
    return {"id": user_id, "username": username, "discriminator": "0", "global_name": global_name,
            "avatar": None, "bot": False}


def guild_payload(new_id: Callable[[], int], name: str, channel_names: tuple[str, ...], *,
                  bot_user: dict[str, Any], owner_id: str) -> dict[str, Any]:
    """A GUILD_CREATE payload: text channels, @everyone with every permission, and the bot as a member."""
    gid = str(new_id())
    channels = [{"id": str(new_id()), "type": 0, "name": n, "position": i, "guild_id": gid,
                 "permission_overwrites": []} for i, n in enumerate(channel_names)]
    return {"id": gid, "name": name, "icon": None, "owner_id": owner_id, "unavailable": False,
            "roles": [{"id": gid, "name": "@everyone", "permissions": ALL_PERMISSIONS, "position": 0,
                       "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}],
            "channels": channels, "threads": [], "member_count": 2, "large": False, "features": [],
            "emojis": [], "stickers": [], "voice_states": [], "presences": [], "joined_at": now_iso(),
            "members": [{"user": bot_user, "roles": [], "joined_at": now_iso(), "deaf": False, "mute": False,
                         "flags": 0}]}


def thread_payload(thread_id: str, guild_id: str, parent_id: str, name: str, owner_id: str) -> dict[str, Any]:
    return {"id": thread_id, "type": 11, "name": name, "guild_id": guild_id, "parent_id": parent_id,
            "owner_id": owner_id, "message_count": 0, "member_count": 1,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "locked": False,
                                "archive_timestamp": now_iso()}}
