"""Slash commands: each maps to one `engine.account` operation (or, for /minato, to a turn). No rules here.

Account answers are ephemeral (only the user sees their settings); /minato answers in the channel. Command
descriptions come from `core/locales/discord`, so Discord shows them in each user's client language.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
from discord import app_commands

from adapters.discord_adapter.incoming import PLATFORM
from adapters.discord_adapter.outgoing import InteractionSink, deliver
from core.engine import Engine
from core.i18n import FALLBACK, available, t
from core.language import normalize
from core.store.users import ReplyMode, User
from core.turn import ChatKind, Turn

log = logging.getLogger(__name__)

FORGET_TIMEOUT = 120.0


def text(key: str) -> app_commands.locale_str:
    """A command or option description: English by default, translated at sync time by `CatalogTranslator`."""
    return app_commands.locale_str(t(key, FALLBACK), key=key)


class CatalogTranslator(app_commands.Translator):
    """Gives Discord every command description in every language Minato speaks (names stay English)."""

    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: app_commands.TranslationContextTypes
    ) -> str | None:
        key = string.extras.get("key")
        code = normalize(locale.value)
        if key is None or code == FALLBACK or code not in available():
            return None
        return t(key, code)


async def user_of(engine: Engine, interaction: discord.Interaction) -> User:
    """The user behind an interaction; their Discord client language seeds a first-time user's language."""
    return await engine.account.user(
        PLATFORM, str(interaction.user.id), interaction.user.display_name, normalize(str(interaction.locale))
    )


def chat_of(interaction: discord.Interaction) -> str:
    return str(interaction.channel_id)


async def answer(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())


class ForgetConfirmation(discord.ui.View):
    """Yes / No buttons under the /forget question; only the asker can press them."""

    def __init__(self, engine: Engine, user: User, yes: str, no: str) -> None:
        super().__init__(timeout=FORGET_TIMEOUT)
        self.engine = engine
        self.user = user
        self.confirm.label = yes
        self.cancel.label = no

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        return str(interaction.user.id) == self.user.user_id

    async def _finish(self, interaction: discord.Interaction, text: str) -> None:
        self.stop()
        await interaction.response.edit_message(content=text, view=None)

    @discord.ui.button(style=discord.ButtonStyle.danger, custom_id="minato:forget:yes")
    async def confirm(self, interaction: discord.Interaction, _: discord.ui.Button[ForgetConfirmation]) -> None:
        await self._finish(interaction, await self.engine.account.forget(self.user))

    @discord.ui.button(style=discord.ButtonStyle.secondary, custom_id="minato:forget:no")
    async def cancel(self, interaction: discord.Interaction, _: discord.ui.Button[ForgetConfirmation]) -> None:
        await self._finish(interaction, self.engine.account.keep(self.user))


def install(tree: app_commands.CommandTree[discord.Client], engine: Engine, *, edit_interval: float) -> None:
    """Register Minato's slash commands on `tree` (synced by the bot at start)."""

    def command(name: str) -> Callable[..., object]:
        return tree.command(name=name, description=text(f"discord_cmd_{name}"))

    @command("help")
    async def help_(interaction: discord.Interaction) -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, f"{await engine.account.help(user)}\n\n{t('discord_help_servers', user.language)}")

    @command("reset")
    async def reset(interaction: discord.Interaction) -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await engine.account.reset(user, chat_of(interaction)))

    @command("name")
    @app_commands.describe(name=text("discord_cmd_name_name"))
    async def name(interaction: discord.Interaction, name: str = "") -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await engine.account.set_name(user, name))

    @command("language")
    @app_commands.describe(code=text("discord_cmd_language_code"))
    async def language(interaction: discord.Interaction, code: str = "auto") -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await engine.account.set_language(user, code))

    @command("voice")
    @app_commands.describe(mode=text("discord_cmd_voice_mode"))
    @app_commands.choices(mode=[app_commands.Choice(name=m.value, value=m.value) for m in ReplyMode])
    async def voice(interaction: discord.Interaction, mode: app_commands.Choice[str]) -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await engine.account.set_reply_mode(user, mode.value))

    @command("timezone")
    @app_commands.describe(name=text("discord_cmd_timezone_name"))
    async def timezone(interaction: discord.Interaction, name: str = "") -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await engine.account.set_timezone(user, name))

    @command("memory")
    async def memory(interaction: discord.Interaction) -> None:
        user = await user_of(engine, interaction)
        await answer(interaction, await engine.account.memory(user, chat_of(interaction)))

    @command("forget")
    async def forget(interaction: discord.Interaction) -> None:
        user = await user_of(engine, interaction)
        question, yes, no = engine.account.forget_prompt(user)
        view = ForgetConfirmation(engine, user, yes, no)
        await interaction.response.send_message(question, view=view, ephemeral=True)

    @command("minato")
    @app_commands.describe(message=text("discord_cmd_minato_message"))
    async def minato(interaction: discord.Interaction, message: str) -> None:
        await interaction.response.defer(thinking=True)
        private = interaction.guild_id is None
        turn = Turn(
            platform=PLATFORM,
            chat_id=chat_of(interaction),
            chat_kind=ChatKind.PRIVATE if private else ChatKind.GROUP,
            user_id=str(interaction.user.id),
            display_name=interaction.user.display_name,
            text=message,
            language_hint=normalize(str(interaction.locale)),
        )
        await deliver(engine.respond(turn), InteractionSink(interaction), interval=edit_interval)

    @tree.error
    async def on_error(interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        log.error("slash command /%s failed", interaction.command.name if interaction.command else "?",
                  exc_info=error)
        text = t("discord_something_broke", normalize(str(interaction.locale)))
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await answer(interaction, text)
        except discord.HTTPException:
            log.warning("could not tell the user that /%s failed", interaction.command)
