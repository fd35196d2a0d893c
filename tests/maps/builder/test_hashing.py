"""Input hashes and ids: stable across input order and id types, changed by any content."""

from dataclasses import replace

from maps.builder import (
    LexicalSimilarity,
    build_map,
    input_hash,
)
from maps.builder.hashing import digest
from tests.maps.seed import (
    BACKDOOR_000,
    TOOLS_000,
    gold_span,
    node_of,
    seed_map_input,
)


def test_string_and_integer_ids_hash_alike():
    data = seed_map_input()
    as_strings = replace(
        data,
        spans=[replace(s, id=str(s.id), document_id=str(s.document_id)) for s in data.spans],
    )
    assert input_hash(as_strings) == input_hash(data)


def test_ids_stay_when_an_unrelated_span_is_added(seed_map):
    quote = TOOLS_000
    extra = gold_span(0, 100, quote, "pro", "claim", None)
    data = seed_map_input()
    bigger = build_map(replace(data, spans=[extra, *data.spans]))
    before_nodes = {n.id: [s.span_id for s in n.sources] for n in seed_map.arguments}
    after_nodes = {n.id: [s.span_id for s in n.sources] for n in bigger.arguments}
    assert set(after_nodes) - set(before_nodes) == {node_of(bigger, quote).id}
    assert {k: after_nodes[k] for k in before_nodes} == before_nodes
    assert {e.id for e in seed_map.edges} < {e.id for e in bigger.edges}
    assert bigger.input_hash != seed_map.input_hash


def test_argument_ids_derive_from_the_anchor_source(seed_map):
    node = node_of(seed_map, BACKDOOR_000)
    anchor = node.sources[0]
    assert node.id == "claim-" + digest(
        "claim", "contra", anchor.document_id, anchor.start, anchor.end
    )


def test_input_hash_depends_on_content_and_settings():
    data = seed_map_input()
    base = input_hash(data)
    assert len(base) == 64
    assert input_hash(data, similarity=LexicalSimilarity(threshold=0.6)) != base
    assert input_hash(data, base_score=0.4) != base
    assert input_hash(replace(data, proposition=data.proposition + "!")) != base
    renamed = [replace(d, title=d.title + " (updated)") for d in data.documents]
    assert input_hash(replace(data, documents=renamed)) != base
    dated = [replace(d, published="2023-03-01") for d in data.documents]
    assert input_hash(replace(data, documents=dated)) != base
    assert build_map(data).input_hash == base
