"""Persistence: one SQLite file (WAL) behind small repositories. Every SQL statement is parameterised."""

from core.store.db import Database, open_database

__all__ = ["Database", "open_database"]
