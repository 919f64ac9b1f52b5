"""The model's Markdown as Telegram HTML: what users see, and never something Telegram refuses to parse."""

from __future__ import annotations

import pytest

from adapters.telegram_adapter.markup import to_html
from tests.fakes.telegram_objects import visible_text


def test_emphasis_code_and_links() -> None:
    html = to_html("Un **grand** merci, *vraiment* : `pip install` et [la doc](https://ex.com/?a=1&b=2) ~~non~~")
    assert html == ('Un <b>grand</b> merci, <i>vraiment</i> : <code>pip install</code> et '
                    '<a href="https://ex.com/?a=1&amp;b=2">la doc</a> <s>non</s>')


def test_headings_lists_quotes_and_code_blocks() -> None:
    html = to_html("# Recette\n\n1. farine\n2. œufs\n\n- sel\n- sucre\n\n> Bon appétit\n\n```python\nif a < b:\n```")
    assert html == ("<b>Recette</b>\n\n1. farine\n2. œufs\n\n• sel\n• sucre\n\n<blockquote>Bon appétit</blockquote>"
                    '\n\n<pre><code class="language-python">if a &lt; b:</code></pre>')


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script> & <b>gras</b>",
    "a < b && c > d",
    "**pas fermé",
    "*un **mélange* bizarre**",
    "```\ncode jamais fermé",
    "![image](https://ex.com/x.png) et <https://ex.com>",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "Texte  \navec saut\\\nforcé",
])
def test_whatever_the_model_writes_telegram_can_parse_it(markdown: str) -> None:
    shown = visible_text(to_html(markdown))  # raises like Telegram's "can't parse entities"
    assert len(shown) <= len(markdown), "the visible text never outgrows the 4096-character split"


def test_raw_html_from_the_model_is_shown_not_interpreted() -> None:
    assert visible_text(to_html("<b>x</b>")) == "<b>x</b>"
