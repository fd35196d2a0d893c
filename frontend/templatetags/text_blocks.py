"""``text_blocks``: a long text in blocks of whole lines, as the annotate page draws it.

The page's script draws the text again in its own blocks (``textBlocks`` in segments.js, which
offsets depend on); these only let the browser show the text before the script runs without
laying out all of it: blocks out of view are skipped (``content-visibility`` in annotate.css).
"""

from django import template

register = template.Library()

BLOCK_SIZE = 1500  # as textBlocks in segments.js


@register.filter
def text_blocks(text: str, size: int = BLOCK_SIZE) -> list[str]:
    """Return ``text`` cut after the first line break at or past every ``size`` characters."""
    blocks = []
    start = 0
    while start < len(text):
        newline = text.find("\n", start + size - 1)
        end = len(text) if newline == -1 else newline + 1
        blocks.append(text[start:end])
        start = end
    return blocks
