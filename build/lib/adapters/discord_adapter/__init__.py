"""Discord adapter: turns discord.py messages and interactions into `Turn`s and delivers reply events back.

Named `discord_adapter` so it never shadows the `discord` library.
"""
