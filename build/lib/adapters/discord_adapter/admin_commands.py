"""Discord mapping of the admin and privacy commands (`/admin <command>`, `/key`, `/export`, `/quiet`), and
the broadcast delivery port. What each command does is core.admin's business; this only translates.

`/admin` is hidden by default from members without *Manage Server* (server admins may still re-grant it in
their server's integration settings); global admins (DISCORD_ADMIN_IDS) can also use it in a DM with Minato.
Every answer is ephemeral: only the person who typed the command sees it, and so nobody sees a `/key`.
"""

from __future__ import annotations

import io
import logging
import re

import discord
from discord import app_commands

from adapters.discord_adapter.commands import answer, text, user_of
from adapters.discord_adapter.incoming import PLATFORM
from core.admin.broadcast import Outcome
from core.admin.own_key import OwnKey
from core.admin.privacy import Privacy
from core.admin.service import Admin, Caller
from core.engine import Engine
from core.text import split_message

log = logging.getLogger(__name__)

MESSAGE_LIMIT = 2000
_MENTION = re.compile(r"<@!?(\d+)>")


def admin_line(typed: str) -> str:
    """Mentions typed into /admin (`ban @Someone`) become the plain ids core expects."""
    return _MENTION.sub(r"\1", typed).strip()


class DiscordDelivery:
    """core.admin.broadcast.Delivery over DMs. discord.py waits out Discord's 429s by itself."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def _dm(self, user_id: str, body: str) -> None:
        user = self.client.get_user(int(user_id)) or await self.client.fetch_user(int(user_id))
        for part in split_message(body, MESSAGE_LIMIT):
            await user.send(part, allowed_mentions=discord.AllowedMentions.none())

    async def to_user(self, user_id: str, body: str) -> Outcome:
        try:
            await self._dm(user_id, body)
        except discord.HTTPException as exc:  # DMs closed, user gone, or Discord refusing
            log.info("broadcast not delivered to one user: HTTP %s", exc.status)
            return Outcome.FAILED
        return Outcome.DELIVERED

    async def to_chat(self, chat_id: str, body: str) -> None:
        # Progress goes to the admin's DMs (`reports_to` is their user id), never to a server channel.
        await self._dm(chat_id, body)


def caller_of(interaction: discord.Interaction, language: str | None) -> Caller:
    permissions = interaction.permissions
    return Caller(
        PLATFORM,
        str(interaction.user.id),
        str(interaction.channel_id),
        language,
        manages_server=interaction.guild_id is not None and permissions.manage_guild,
        server_id=str(interaction.guild_id) if interaction.guild_id is not None else None,
        reports_to=str(interaction.user.id),
    )


def install(tree: app_commands.CommandTree[discord.Client], engine: Engine, admin: Admin) -> None:
    """Register /admin, /key, /export and /quiet on `tree`."""
    keys = OwnKey(engine)
    privacy = Privacy(engine)

    @tree.command(name="admin", description=text("discord_cmd_admin"))
    @app_commands.describe(action=text("discord_cmd_admin_command"))
    @app_commands.default_permissions(manage_guild=True)
    async def admin_(interaction: discord.Interaction, action: str = "") -> None:
        user = await user_of(engine, interaction)
        reply = await admin.run(caller_of(interaction, user.language), admin_line(action))
        await answer(interaction, split_message(reply, MESSAGE_LIMIT)[0])

    @tree.command(name="key", description=text("discord_cmd_key"))
    @app_commands.describe(key=text("discord_cmd_key_key"))
    async def key(interaction: discord.Interaction, key: str = "") -> None:
        user = await user_of(engine, interaction)
        # A slash command's options and its ephemeral answer are seen by nobody else, even in a server.
        await answer(interaction, await keys.command(user, key, private=True))

    @tree.command(name="export", description=text("discord_cmd_export"))
    async def export(interaction: discord.Interaction) -> None:
        user = await user_of(engine, interaction)
        data = await privacy.export(user)
        await interaction.response.send_message(
            privacy.export_caption(user), file=discord.File(io.BytesIO(data), filename="minato-export.json"),
            ephemeral=True,
        )

    @tree.command(name="quiet", description=text("discord_cmd_quiet"))
    @app_commands.describe(mode=text("discord_cmd_quiet_mode"))
    @app_commands.choices(mode=[app_commands.Choice(name=m, value=m) for m in ("on", "off")])
    async def quiet(interaction: discord.Interaction, mode: app_commands.Choice[str] | None = None) -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await privacy.quiet(user, on=mode is None or mode.value == "on"))
