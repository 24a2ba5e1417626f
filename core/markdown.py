"""Model answers as markdown, rendered safely: the server's half of one set of rules.

The browser renders the same answers while they stream (static/js/markdown.js: markdown-it and
DOMPurify from npm); both halves read `rules()` (the page gets it as JSON), so an answer looks the
same, and is held to the same rules, in the arena, the battle record, the expert review and my-data:

1. markdown-it's CommonMark preset with tables and strikethrough. Raw HTML in an answer is shown as
   text (`html` off): a model cannot write a tag, let alone a script or an event handler.
2. Math is left as the model wrote it: `$...$`, `$$...$$`, `\\(...\\)` and `\\[...\\]` become a span
   of their source text, so markdown does not eat the backslashes or read `a_1 b_1` as emphasis.
3. Links keep only absolute http(s) and mailto addresses and open in a new tab with
   rel="noopener noreferrer nofollow"; any other link (javascript:, data:, relative) becomes its text.
4. Images are never loaded (a model could track the citizen through one): their alt text and
   address are shown as text instead.
5. Tables sit in a box that scrolls on its own (and takes keyboard focus to do so), so a huge one
   cannot widen the page; column alignment becomes a class (the Content-Security-Policy forbids style
   attributes). Code blocks wrap rather than scroll.
6. The HTML is then sanitised against one allow-list of tags, attributes, classes and URL schemes
   (nh3 here, DOMPurify in the browser): the second wall if the first ever has a hole.

Code blocks keep their `language-*` class; highlight.js colours them in the browser, on every page,
after sanitising (one highlighter, so streamed and stored answers look alike).
"""

from __future__ import annotations

import functools
import re

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

TAGS = (
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "s",
    "del",
    "blockquote",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
    "div",
)
ATTRIBUTES = {
    "a": ("href", "title"),
    "ol": ("start",),
    "code": ("class",),
    "span": ("class",),
    "div": ("class", "tabindex"),  # the table's scrolling box takes keyboard focus, so it can scroll
    "th": ("class",),
    "td": ("class",),
}
CLASSES = {
    "span": ("math", "md-image", "md-address"),
    "div": ("md-table",),
    "th": ("md-align-left", "md-align-center", "md-align-right"),
    "td": ("md-align-left", "md-align-center", "md-align-right"),
}
CODE_CLASS = r"^language-[A-Za-z0-9_+#.-]{1,32}$"
SCHEMES = ("http", "https", "mailto")
REL = "noopener noreferrer nofollow"
ADDRESS_SHOWN = 120  # characters of an image address shown; a data: URL can run to megabytes

_LINK = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_ALIGN = re.compile(r"^text-align:(left|center|right)$")
_CODE_CLASS = re.compile(CODE_CLASS)


def rules() -> dict:
    """The rules both renderers follow, in the active language (the image label is translated)."""
    return {
        "tags": list(TAGS),
        "attributes": {tag: list(names) for tag, names in ATTRIBUTES.items()},
        "classes": {tag: list(names) for tag, names in CLASSES.items()},
        "codeClass": CODE_CLASS,
        "schemes": list(SCHEMES),
        "rel": REL,
        "addressShown": ADDRESS_SHOWN,
        "imageLabel": _("이미지"),
    }


def _math(state, silent: bool) -> bool:
    """Math as source text. `$` opens only before a non-space and closes only after one, and not
    before a digit, so "$5 and $6" stays money (pandoc's rule)."""
    src, start, end = state.src, state.pos, state.posMax
    close = None
    if src.startswith("$$", start):
        found = src.find("$$", start + 2, end)
        close = found + 2 if found > start + 2 else None
    elif src.startswith("\\(", start) or src.startswith("\\[", start):
        closer = "\\)" if src[start + 1] == "(" else "\\]"
        found = src.find(closer, start + 2, end)
        close = found + 2 if found > start + 2 else None
    elif src[start] == "$" and start + 1 < end and not src[start + 1].isspace() and src[start + 1] != "$":
        found = start + 1
        while (found := src.find("$", found + 1, end)) != -1:
            closes = not src[found - 1].isspace() and src[found - 1] != "\\"
            if closes and not (found + 1 < end and src[found + 1] in "0123456789"):
                close = found + 1
                break
    if close is None:
        return False
    if not silent:
        token = state.push("math_text", "", 0)
        token.content = src[start:close]
    state.pos = close
    return True


def _render_math(self, tokens, idx, options, env) -> str:
    return f'<span class="math">{escape(tokens[idx].content)}</span>'


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    address = token.attrGet("src") or ""
    if len(address) > ADDRESS_SHOWN:
        address = address[:ADDRESS_SHOWN] + "…"
    label = escape(env.get("image_label", "image"))
    return (
        f'<span class="md-image">[{label}: {escape(alt)}] '
        f'<span class="md-address">{escape(address)}</span></span>'
    )


def _safe_links(state) -> None:
    """Links to anything but http(s) and mailto become plain text; the rest open in a new tab."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        stack = []
        for token in block.children:
            if token.type == "link_open":
                href = token.attrGet("href") or ""
                allowed = bool(_LINK.match(href))
                stack.append(allowed)
                if not allowed:
                    token.tag, token.attrs = "span", {}
            elif token.type == "link_close" and stack and not stack.pop():
                token.tag = "span"


def _table_align(state) -> None:
    for token in state.tokens:
        if token.type in ("th_open", "td_open") and (style := token.attrGet("style")):
            token.attrs.pop("style", None)
            if match := _ALIGN.match(style):
                token.attrSet("class", f"md-align-{match.group(1)}")


@functools.cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.inline.ruler.before("escape", "math_text", _math)
    md.core.ruler.push("safe_links", _safe_links)
    md.core.ruler.push("table_align", _table_align)
    md.add_render_rule("math_text", _render_math)
    md.add_render_rule("image", _render_image)
    md.add_render_rule(
        "table_open", lambda self, tokens, idx, options, env: '<div class="md-table" tabindex="0"><table>\n'
    )
    md.add_render_rule("table_close", lambda self, tokens, idx, options, env: "</table></div>\n")
    return md


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "tabindex":
        return "0" if value == "0" else None
    if attribute != "class":
        return value
    if tag == "code":
        return value if _CODE_CLASS.match(value) else None
    kept = [name for name in value.split() if name in CLASSES.get(tag, ())]
    return " ".join(kept) or None


def sanitize(html: str) -> str:
    """The allow-list: tags, attributes per tag, classes, absolute http(s)/mailto URLs only."""
    return nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes=set(SCHEMES),
        url_relative="deny",
        link_rel=REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )


def render(text: str) -> SafeString:
    """An answer's markdown as sanitised HTML, safe to put in a page."""
    html = _parser().render(text or "", {"image_label": _("이미지")})
    return mark_safe(sanitize(html))  # noqa: S308 - sanitised just above
