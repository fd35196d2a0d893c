"""Names in brat files: labels as brat names, actors as tokens.

Layers are folders as in every archive export (``zip_stream.layer_folder``).
"""

import re
from collections.abc import Iterable

from annotations.formats.rows import ExportActor

BRAT_STANCE = "Stance"
BRAT_ACTOR = "Actor"
BRAT_NOTE = "AnnotatorNotes"
BRAT_CONFIG_FILES = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")
# Every character str.splitlines() breaks at: a reader that splits lines there must never
# see one inside a brat line.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
LINE_BREAK_RUN = re.compile(f"[{re.escape(LINE_BREAKS)}]+")
_NOT_BRAT_NAME = re.compile(r"[^A-Za-z0-9_-]")


def brat_name(key: str) -> str:
    """Return a label as a brat type, attribute or value name (letters, digits, _ and -)."""
    return _NOT_BRAT_NAME.sub("_", key) or "_"


def actor_tokens(actors: Iterable[ExportActor]) -> dict[int, str]:
    """Return each actor's brat attribute value: its name made a token, unique in the debate."""
    tokens: dict[int, str] = {}
    taken: set[str] = set()
    for actor in sorted(actors, key=lambda actor: actor.id):
        token = brat_name(actor.name)
        if token in taken:
            token = f"{token}-{actor.id}"
        taken.add(token)
        tokens[actor.id] = token
    return tokens


def brat_fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return ``[start, end)`` as brat fragments: the runs between line breaks.

    A brat line cannot hold a line break, so brat itself stores a span over several lines as
    fragments; breaks at the very edges of a span cannot be represented and are left out.
    """
    fragments: list[tuple[int, int]] = []
    position = start
    for match in LINE_BREAK_RUN.finditer(text, start, end):
        if match.start() > position:
            fragments.append((position, match.start()))
        position = match.end()
    if end > position:
        fragments.append((position, end))
    return fragments
