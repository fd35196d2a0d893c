"""Markdown written by managers (a debate's guidelines) as HTML that is safe to show anyone.

Two locks, so one mistake does not let markup through: markdown-it renders CommonMark with raw
HTML turned off (a ``<script>`` in the text stays text) and refuses ``javascript:``-like link
targets; nh3 (the ammonia sanitizer) then keeps only the tags and attributes listed here and
links of the listed schemes (and relative ones), and gives every link
``rel="noopener noreferrer"`` and ``target="_blank"``.

Images are written as links to the image: the Content-Security-Policy loads images from this
site only and guidelines have no uploads, so an image from elsewhere could never show. Headings
move one level down (``#`` becomes ``<h2>``) under the page's own ``<h1>``. Tables lose their
``style`` alignment, which the policy would refuse as an inline style.
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml

ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "em",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})


def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])

    def heading_open(renderer, tokens, index, options, env):
        level = min(int(tokens[index].tag[1]) + 1, 6)
        return f"<h{level}>"

    def heading_close(renderer, tokens, index, options, env):
        level = min(int(tokens[index].tag[1]) + 1, 6)
        return f"</h{level}>\n"

    def image(renderer, tokens, index, options, env):
        token = tokens[index]
        alt = renderer.renderInlineAsText(token.children or [], options, env)
        href = escapeHtml(str(token.attrGet("src") or ""))
        return f'<a href="{href}">{escapeHtml(alt or "image")}</a>'

    parser.add_render_rule("heading_open", heading_open)
    parser.add_render_rule("heading_close", heading_close)
    parser.add_render_rule("image", image)
    return parser


_PARSER = _parser()  # configured once; render() keeps no state between calls


def markdown_html(text: str) -> SafeString:
    """Return Markdown ``text`` as sanitized HTML, safe to put in a page as it is."""
    html = _PARSER.render(text)
    cleaned = nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        # A link opens beside the page, so an annotator reading in the side panel keeps
        # their place in the document.
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above
