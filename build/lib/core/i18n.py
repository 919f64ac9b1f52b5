"""What Minato tells users outside of model replies (errors, confirmations, help), in their language.

Texts live in `core/locales/<feature>/<code>.toml` (one folder per feature, so features don't share files);
English is complete and the fallback for any missing text.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

FALLBACK = "en"


def _features() -> list[Traversable]:
    root = resources.files("core") / "locales"
    return sorted((p for p in root.iterdir() if p.is_dir()), key=lambda p: p.name)


@cache
def _catalog(code: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for feature in _features():
        item = feature / f"{code}.toml"
        if item.is_file():
            data = tomllib.loads(item.read_text(encoding="utf-8"))
            merged.update({str(k): str(v) for k, v in data.items()})
    return merged


def available() -> list[str]:
    """Languages with a catalog in the core feature folder (the reference set)."""
    core = resources.files("core") / "locales" / "core"
    return sorted(p.name.removesuffix(".toml") for p in core.iterdir() if p.name.endswith(".toml"))


def t(key: str, lang: str | None, /, **values: object) -> str:
    """The text for `key` in language `lang` (English if missing there), with `{placeholders}` filled."""
    text = _catalog(lang or FALLBACK).get(key) or _catalog(FALLBACK)[key]
    return text.format(**values) if values else text
