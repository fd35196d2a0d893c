"""The map's JSON and the input hash are written by orjson, byte for byte what json writes.

``map_to_json`` and ``input_hash`` define a version's stored bytes and identity, so the faster
writer must not change a single byte: not for floats json writes in exponent form (small
DF-QuAD strengths), nor for non-ASCII or control characters, nor for values orjson refuses.
"""

import hashlib
import json
import tracemalloc
from dataclasses import replace

import orjson
import pytest

from maps.builder import (
    DEFAULT_SIMILARITY,
    GoldSpan,
    LexicalSimilarity,
    MapActor,
    MapDocument,
    MapInput,
    MapScheme,
    build_map,
    input_hash,
    map_json_pieces,
    map_to_dict,
    map_to_json,
    map_to_json_bytes,
    serialise,
)
from maps.builder.hashing import canonical_input
from maps.builder.json_text import kept_fragment

SCHEME = MapScheme(
    stance_sides={"pro": "pro", "contra": "contra"},
    relation_polarities={"supports": "support", "attacks": "attack"},
)
QUOTES = [
    "Encryption keeps journalists and their sources safe from criminals.",
    "Encryption keeps journalists and sources safe from criminals \u2014 \u201csays\u201d X.",
    "Scanning tools find abuse images before they spread\tfurther.\u2028Next line \U0001f512.",
    'A "backdoor" weakens\\everyone\u2019s security, caf\u00e9 owners too.\x01',
]
TRICKY_FLOATS = [
    2.9e-05,
    1e-05,
    9.999999e-05,
    0.0001,
    0.0,
    -0.0,
    0.123457,
    1.0,
    1e16,
    1.5e300,
    float("nan"),
    float("inf"),
]


def reference(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def small_input() -> MapInput:
    spans = [
        GoldSpan(
            id=index + 1,
            document_id=index % 2 + 1,
            start=index * 200,
            end=index * 200 + len(quote),
            quote=quote,
            stance="pro" if index < 2 else "contra",
            role="claim",
            actor_id=1 if index % 2 else None,
        )
        for index, quote in enumerate(QUOTES)
    ]
    return MapInput(
        proposition="Platforms should scan private messages \u00e0 la carte.",
        scheme=SCHEME,
        actors=[MapActor(1, "Ren\u00e9e \u201cR\u201d Dupont", aliases=("R.D.",))],
        documents=[MapDocument(1, "Le Monde \u2014 \u00e9dition"), MapDocument(2, "Two\nlines")],
        spans=spans,
    )


@pytest.fixture
def built():
    return build_map(small_input())


def test_the_map_json_is_the_reference_bytes(built):
    assert any(len(node.sources) > 1 for node in built.arguments)  # a merge with its score
    text = map_to_json(built)

    assert text == reference(map_to_dict(built))
    assert map_to_json_bytes(built) == text.encode("utf-8")
    assert b"".join(map_json_pieces(built)) == text.encode("utf-8")


@pytest.mark.parametrize("value", TRICKY_FLOATS, ids=repr)
def test_floats_json_writes_in_its_own_way_stay_as_json_writes_them(built, value):
    merged = next(node for node in built.arguments if node.merges)
    step = replace(merged.merges[0], score=value)
    arguments = tuple(
        replace(node, strength=value, merges=(step, *node.merges[1:]) if node.merges else ())
        for node in built.arguments
    )
    tricky = replace(
        built,
        arguments=arguments,
        proposition=replace(built.proposition, strength=value),
        similarity={**built.similarity, "threshold": value},
        strength=replace(built.strength, base_score=value),
    )
    expected = reference(map_to_dict(tricky))
    assert json.dumps(value) in expected

    assert map_to_json(tricky) == expected
    assert map_to_json_bytes(tricky) == expected.encode("utf-8")
    assert b"".join(map_json_pieces(tricky)) == expected.encode("utf-8")


def test_a_value_orjson_refuses_is_written_by_json(built):
    # orjson writes integers of at most 64 bits; json writes any.
    node = built.arguments[0]
    source = replace(node.sources[0], start=2**70, end=2**70 + 5)
    huge = replace(built, arguments=(replace(node, sources=(source,)), *built.arguments[1:]))

    text = map_to_json(huge)

    assert f'"start":{2**70}' in text
    assert text == reference(map_to_dict(huge))
    assert map_to_json_bytes(huge) == text.encode("utf-8")
    assert b"".join(map_json_pieces(huge)) == text.encode("utf-8")


@pytest.mark.parametrize("batch", [1, 2, 3, 1024])
def test_the_map_json_in_pieces_is_its_bytes_with_lists_of_any_length(built, monkeypatch, batch):
    monkeypatch.setattr(serialise, "_BATCH", batch)
    many = replace(built, arguments=built.arguments * 3, edges=built.edges * 5)
    empty = replace(built, arguments=(), edges=(), actors=(), positions=(), notes=())

    for argument_map in (built, many, empty):
        pieces = list(map_json_pieces(argument_map))
        text = map_to_json_bytes(argument_map)

        assert b"".join(pieces) == text
        # Each batch of arguments and edges is a piece of its own.
        assert len(pieces) == 23 + sum(
            -(-len(items) // batch) for items in (argument_map.arguments, argument_map.edges)
        )
    assert b'"arguments":[]' in map_to_json_bytes(empty)


@pytest.mark.parametrize(
    ("similarity", "base_score"),
    [(DEFAULT_SIMILARITY, 0.5), (LexicalSimilarity(threshold=2.5e-05), 1e-05)],
    ids=["default", "exponent-floats"],
)
def test_the_input_hash_is_the_sha256_of_the_reference_bytes(similarity, base_score):
    data = small_input()
    canonical = reference(canonical_input(data, similarity, base_score))

    assert input_hash(data, similarity=similarity, base_score=base_score) == (
        hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    )


def test_the_input_hash_of_an_input_orjson_refuses_is_json_s(built):
    data = small_input()
    huge = replace(data, spans=[replace(data.spans[0], start=2**70, end=2**70 + 66)])
    canonical = reference(canonical_input(huge, DEFAULT_SIMILARITY, 0.5))

    assert input_hash(huge) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_a_kept_fragment_is_orjson_s_text_in_memory_of_its_size():
    # A worker's cache keeps one fragment per span, relation, argument and edge between
    # builds: orjson's own buffer (kilobytes each) made that 570 MB at 100,000 spans.
    row = ["101", "7", 3, 40, "Ein Zitat, nicht ASCII: é", "pro", "claim", None]
    assert orjson.dumps(kept_fragment(row)) == orjson.dumps(row)
    tracemalloc.start()
    try:
        kept = [kept_fragment(row) for _ in range(1000)]
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(kept) == 1000
    assert held < 1000 * 256
