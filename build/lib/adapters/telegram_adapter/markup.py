"""The model's Markdown as Telegram HTML: markdown-it-py parses, this maps its tokens onto Telegram's tag set.

Telegram's HTML understands only b, i, s, u, code, pre, a, blockquote and tg-spoiler, and rejects anything
else with "can't parse entities". markdown-it-py (CommonMark, already a dependency) does the parsing, with
raw HTML disabled so `<` in the model's text is always escaped; this module only chooses tags: headings
become bold lines, lists get bullets or numbers, images become links, rules become a line.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from html import escape

from markdown_it import MarkdownIt
from markdown_it.token import Token

_INLINE_TAGS = {"strong": "b", "em": "i", "s": "s"}


@cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("strikethrough")


def _inline(children: Sequence[Token]) -> str:
    out: list[str] = []
    for tok in children:
        kind = tok.type
        if kind == "text":
            out.append(escape(tok.content, quote=False))
        elif kind == "code_inline":
            out.append(f"<code>{escape(tok.content, quote=False)}</code>")
        elif kind in ("softbreak", "hardbreak"):
            out.append("\n")
        elif kind.endswith("_open") and kind[:-5] in _INLINE_TAGS:
            out.append(f"<{_INLINE_TAGS[kind[:-5]]}>")
        elif kind.endswith("_close") and kind[:-6] in _INLINE_TAGS:
            out.append(f"</{_INLINE_TAGS[kind[:-6]]}>")
        elif kind == "link_open":
            out.append(f'<a href="{escape(str(tok.attrGet("href") or ""))}">')
        elif kind == "link_close":
            out.append("</a>")
        elif kind == "image":
            label = escape(tok.content or "image", quote=False)
            out.append(f'<a href="{escape(str(tok.attrGet("src") or ""))}">{label}</a>')
        else:  # html_inline (escaped, since raw HTML is off) and anything unforeseen: show it as text
            out.append(escape(tok.content, quote=False))
    return "".join(out)


def to_html(markdown: str) -> str:
    """Telegram HTML for `markdown`; the visible text is never longer than the Markdown source."""
    blocks: list[str] = []
    groups: list[int | None] = []  # per block: which top-level list it belongs to (items stay on adjacent lines)
    lists_seen = 0
    prefix: list[str] = []  # bullets/numbers waiting for the first paragraph of a list item
    counters: list[int | None] = []  # one per open list: None for bullets, the next number otherwise
    quote_start: list[int] = []
    pending = ""
    for tok in _parser().parse(markdown):
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            lists_seen += not counters
            counters.append(None if kind == "bullet_list_open" else int(tok.attrGet("start") or 1))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            counters.pop()
        elif kind == "list_item_open":
            number = counters[-1]
            indent = "  " * (len(counters) - 1)
            pending = f"{indent}• " if number is None else f"{indent}{number}. "
            if number is not None:
                counters[-1] = number + 1
        elif kind == "heading_open":
            prefix.append("<b>")
        elif kind == "heading_close":
            blocks[-1] += "</b>"
            prefix.pop()
        elif kind == "inline":
            blocks.append(pending + "".join(prefix) + _inline(tok.children or []))
            groups.append(lists_seen if counters else None)
            pending = ""
        elif kind in ("fence", "code_block"):
            language = (tok.info or "").split()[0] if tok.info else ""
            attr = f' class="language-{escape(language)}"' if language else ""
            code = escape(tok.content.rstrip("\n"), quote=False)
            blocks.append(f"{pending}<pre><code{attr}>{code}</code></pre>")
            groups.append(lists_seen if counters else None)
            pending = ""
        elif kind == "hr":
            blocks.append("———")
            groups.append(None)
        elif kind == "blockquote_open":
            quote_start.append(len(blocks))
        elif kind == "blockquote_close":
            start = quote_start.pop()
            quoted = "\n".join(blocks[start:])
            del blocks[start:], groups[start:]
            blocks.append(f"<blockquote>{quoted}</blockquote>")
            groups.append(lists_seen if counters else None)
    return _join(blocks, groups)


def _join(blocks: list[str], groups: list[int | None]) -> str:
    """Paragraphs apart by a blank line; the items of one list on consecutive lines."""
    out = blocks[0] if blocks else ""
    for index in range(1, len(blocks)):
        same_list = groups[index] is not None and groups[index] == groups[index - 1]
        out += ("\n" if same_list else "\n\n") + blocks[index]
    return out
