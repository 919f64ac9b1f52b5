"""Every user-facing text exists in every shipped language, with the same placeholders."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from core.i18n import available, t

LOCALES = Path(__file__).resolve().parent.parent / "core" / "locales"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _load(code: str) -> dict[str, str]:
    return tomllib.loads((LOCALES / f"{code}.toml").read_text(encoding="utf-8"))


def test_every_locale_has_every_english_key_with_the_same_placeholders() -> None:
    english = _load("en")
    assert len(available()) >= 9
    for code in available():
        catalog = _load(code)
        assert set(catalog) == set(english), (code, set(english) ^ set(catalog))
        for key, text in catalog.items():
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (code, key)


def test_unknown_language_falls_back_to_english() -> None:
    assert t("reset_done", "sw", name="Juma") == t("reset_done", "en", name="Juma")
    assert t("reset_done", None, name="Juma").endswith("Juma?")


def test_texts_are_in_their_language() -> None:
    assert "Amélie" in t("start", "fr", name="Amélie") and "Salut" in t("start", "fr", name="Amélie")
    assert "さん" in t("start", "ja", name="Kenji")
