"""What Minato tells users outside of model replies (errors, confirmations, help), in their language.

Texts live in `core/locales/<code>.toml`; English is complete and the fallback for any missing text.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

FALLBACK = "en"


@cache
def _catalog(code: str) -> dict[str, str]:
    item = resources.files("core") / "locales" / f"{code}.toml"
    if not item.is_file():
        return {}
    data = tomllib.loads(item.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


def available() -> list[str]:
    folder = resources.files("core") / "locales"
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def t(key: str, lang: str | None, /, **values: object) -> str:
    """The text for `key` in language `lang` (English if missing there), with `{placeholders}` filled."""
    text = _catalog(lang or FALLBACK).get(key) or _catalog(FALLBACK)[key]
    return text.format(**values) if values else text
