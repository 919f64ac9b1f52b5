"""Every user-facing text exists in every shipped language, with the same placeholders."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from core.i18n import available, t

LOCALES = Path(__file__).resolve().parent.parent / "core" / "locales"
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _load(feature: Path, code: str) -> dict[str, str]:
    return tomllib.loads((feature / f"{code}.toml").read_text(encoding="utf-8"))


def test_every_feature_speaks_every_language_with_the_same_placeholders() -> None:
    languages = available()
    assert len(languages) >= 9
    features = [p for p in LOCALES.iterdir() if p.is_dir()]
    for feature in features:
        english = _load(feature, "en")
        assert sorted(p.stem for p in feature.glob("*.toml")) == languages, feature.name
        for code in languages:
            catalog = _load(feature, code)
            assert set(catalog) == set(english), (feature.name, code, set(english) ^ set(catalog))
            for key, text in catalog.items():
                assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(english[key])), (code, key)


def test_no_key_is_defined_by_two_features() -> None:
    seen: dict[str, str] = {}
    for feature in sorted(p for p in LOCALES.iterdir() if p.is_dir()):
        for key in _load(feature, "en"):
            assert key not in seen, f"{key} in both {seen[key]} and {feature.name}"
            seen[key] = feature.name


def test_unknown_language_falls_back_to_english() -> None:
    assert t("reset_done", "sw", name="Juma") == t("reset_done", "en", name="Juma")
    assert t("reset_done", None, name="Juma").endswith("Juma?")


def test_texts_are_in_their_language() -> None:
    assert "Amélie" in t("start", "fr", name="Amélie") and "Salut" in t("start", "fr", name="Amélie")
    assert "さん" in t("start", "ja", name="Kenji")
