"""Maps the format tests export: a version id, and a map of awkward characters."""

from maps.builder import (
    GoldRelation,
    GoldSpan,
    MapActor,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
)

VERSION = 42


def awkward_map():
    """Return a map whose texts hold every character the formats treat specially."""
    scheme = MapScheme({"pro": "pro", "contra": "contra"}, {"supports": "support"})
    claim = 'Scanning <b>"all"</b> & [every] #message\\ @[x] *now* {a: 1} https://x.org/a'
    premise = "Children\u2019s safety first \U0001f510 \u2013 \u201cno\u201d\x0b exceptions."
    spans = [
        GoldSpan(1, 1, 0, len(claim), claim, "pro", "claim", 1),
        GoldSpan(2, 1, 100, 100 + len(premise), premise, "pro", "premise", None),
    ]
    return build_map(
        MapInput(
            'Platforms should scan "private" <messages> & more.',
            scheme,
            [MapActor(1, 'Dr. "Q" <Smith> & Co (IWF) #1', "person")],
            [MapDocument(1, "A & B <title>")],
            spans,
            [GoldRelation(2, 1, "supports")],
        )
    )
