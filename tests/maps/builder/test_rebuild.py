"""A rebuild through a warm ``BuildCache`` is a full build: the same input hash and the same
map bytes as a build with no cache, whatever one document's gold or the reviewers' decisions
changed, for every merge method, and whatever stale objects the cache still holds.

The input is the synthetic gold layer of ``bench/map_build_bench.py`` at a small size, with
reviewers' joins and splits on it.
"""

from dataclasses import replace

import pytest

from bench.map_build_bench import generate
from maps.builder import (
    COMBINED,
    LEXICAL,
    SEMANTIC,
    BuildCache,
    CurationDecision,
    EmbeddingTable,
    GoldSpan,
    WordLlamaEncoder,
    build_map,
    input_hash,
    map_to_json_bytes,
    merge_similarity,
)


@pytest.fixture(scope="module")
def base():
    data, _ = generate(spans=600, documents=60, arguments=40, actors=10, seed=7)
    return replace(data, decisions=_decisions(data))


def _decisions(data) -> list[CurationDecision]:
    """A join of two claims of one side from different documents, and a split of two others."""
    claims = [s for s in data.spans if s.role == "claim" and s.stance == "pro"]
    first, second, third, fourth = claims[0], claims[-1], claims[5], claims[9]
    return [
        CurationDecision(1, "join", (first.id,), (second.id,), "rev1", "2026-01-01T10:00:00"),
        CurationDecision(2, "split", (third.id,), (fourth.id,), "rev2", "2026-01-02T10:00:00"),
    ]


def _one_document(data):
    """The document whose gold the changes below touch: one with several spans."""
    counts = {}
    for span in data.spans:
        counts[span.document_id] = counts.get(span.document_id, 0) + 1
    return max(counts, key=lambda document: (counts[document], str(document)))


def _span_added(data):
    document = _one_document(data)
    like = next(s for s in data.spans if s.document_id == document)
    other = next(s for s in data.spans if s.document_id != document and s.role == like.role)
    # A paraphrase from another document joins an argument; its offsets are its own.
    added = GoldSpan(
        id=90_001,
        document_id=document,
        start=10_000,
        end=10_000 + len(other.quote),
        quote=other.quote,
        stance=other.stance,
        role=other.role,
        actor_id=like.actor_id,
    )
    return replace(data, spans=[*data.spans, added])


def _stance_changed(data):
    document = _one_document(data)
    span = next(s for s in data.spans if s.document_id == document and s.stance == "pro")
    moved = replace(span, stance="contra")
    return replace(data, spans=[moved if s is span else s for s in data.spans])


def _document_removed(data):
    document = _one_document(data)
    gone = {s.id for s in data.spans if s.document_id == document}
    # Decisions naming its spans become notes ("no longer in the gold layer").
    return replace(
        data,
        documents=[d for d in data.documents if d.id != document],
        spans=[s for s in data.spans if s.document_id != document],
        relations=[r for r in data.relations if r.source_id not in gone],
    )


def _relation_removed(data):
    return replace(data, relations=list(data.relations)[1:])


def _quote_edited_in_place(data):
    """The same span id and offsets with another quote of the same length: a stale cache
    that went by ids alone would keep the old text."""
    span = next(s for s in data.spans if len(s.quote) > 8)
    edited = replace(span, quote=span.quote[::-1])
    return replace(data, spans=[edited if s is span else s for s in data.spans])


def _join_undone(data):
    return replace(data, decisions=[d for d in data.decisions if d.kind != "join"])


def _split_added(data):
    claims = [s for s in data.spans if s.role == "claim" and s.stance == "contra"]
    split = CurationDecision(
        3, "split", (claims[1].id,), (claims[2].id,), "rev1", "2026-01-03T10:00:00"
    )
    return replace(data, decisions=[*data.decisions, split])


CHANGES = [
    _span_added,
    _stance_changed,
    _document_removed,
    _relation_removed,
    _quote_edited_in_place,
    _join_undone,
    _split_added,
]


def _similarity(method: str):
    # A fresh table for each build, as the map job makes one per build.
    return merge_similarity(method, EmbeddingTable(WordLlamaEncoder()))


def _cold(data, method: str) -> tuple[str, bytes]:
    similarity = _similarity(method)
    built = build_map(data, similarity=similarity)
    return input_hash(data, similarity=similarity), map_to_json_bytes(built)


def _warm(data, method: str, cache: BuildCache) -> tuple[str, bytes]:
    similarity = _similarity(method)
    # As the map job does it: the hash first, through the same cache.
    digest = input_hash(data, similarity=similarity, cache=cache)
    built = build_map(data, similarity=similarity, known_input_hash=digest, cache=cache)
    return digest, map_to_json_bytes(built, cache=cache)


@pytest.mark.parametrize("method", [LEXICAL, SEMANTIC, COMBINED])
@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
def test_a_rebuild_after_one_change_is_the_full_build_byte_for_byte(base, method, change):
    cache = BuildCache()
    before = _warm(base, method, cache)
    changed = change(base)

    after = _warm(changed, method, cache)

    assert after == _cold(changed, method)
    assert after != before
    # And back: the cache now holds the changed build's objects.
    assert _warm(base, method, cache) == before == _cold(base, method)


@pytest.mark.parametrize("method", [LEXICAL, COMBINED])
def test_changes_one_after_another_through_one_cache_stay_full_builds(base, method):
    cache = BuildCache()
    data = base
    _warm(data, method, cache)
    for change in CHANGES:
        data = change(data)
        assert _warm(data, method, cache) == _cold(data, method), change.__name__


def test_the_same_input_rebuilt_is_the_same_bytes_and_hash(base):
    cache = BuildCache()
    first = _warm(base, LEXICAL, cache)

    assert _warm(base, LEXICAL, cache) == first == _cold(base, LEXICAL)


def test_a_cache_warm_with_another_input_of_the_same_ids_gives_no_stale_part(base):
    # Another debate (or an old state of this one) with the very same ids: other quotes,
    # titles, stances and actors, so every id the cache knows now means something else.
    other = replace(
        base,
        documents=[replace(d, title=f"Other {d.title}") for d in base.documents],
        spans=[
            replace(
                s,
                quote=s.quote.upper(),
                stance={"pro": "contra", "contra": "pro"}.get(s.stance, s.stance),
                actor_id=None,
            )
            for s in base.spans
        ],
    )
    cache = BuildCache()
    _warm(other, LEXICAL, cache)

    assert _warm(base, LEXICAL, cache) == _cold(base, LEXICAL)
    assert _warm(other, LEXICAL, cache) == _cold(other, LEXICAL)


def test_a_cache_that_missed_builds_in_between_gives_no_stale_part(base):
    # A worker that built the first state, then not the next two (another worker did): its
    # cache is three states old when it builds the fourth.
    cache = BuildCache()
    _warm(base, LEXICAL, cache)
    skipped = _quote_edited_in_place(_stance_changed(_span_added(base)))

    assert _warm(skipped, LEXICAL, cache) == _cold(skipped, LEXICAL)


def test_the_reviewers_decisions_shape_the_maps_these_tests_compare(base):
    built = build_map(base)
    split = build_map(_split_added(base))

    joined = [(step.method, step.by, step.decision) for n in built.arguments for step in n.merges]
    assert joined.count(("reviewer-join", "rev1", "1")) == 1
    assert [[mark.decision for mark in n.curation] for n in built.arguments if n.curation] == [
        ["2"],
        ["2"],
    ]
    assert sum(1 for n in split.arguments if n.curation) == 4
    assert built.notes == ()


def test_the_input_hash_through_a_cache_is_the_hash_without_one(base):
    cache = BuildCache()
    changed = _quote_edited_in_place(_span_added(base))
    for data in (base, changed, base, _relation_removed(changed)):
        assert input_hash(data, cache=cache) == input_hash(data)
    # A value orjson refuses (an integer beyond 64 bits) falls back to json, cache or not.
    huge = replace(base, spans=[replace(base.spans[0], actor_id=2**70), *base.spans[1:]])
    assert input_hash(huge, cache=cache) == input_hash(huge)


def test_a_document_leaving_costs_no_span_read_again_and_its_spans_are_refused(base, monkeypatch):
    from maps.builder import MapInputError, spans

    made = []
    record = spans._record
    monkeypatch.setattr(spans, "_record", lambda *args: made.append(1) or record(*args))
    cache = BuildCache()
    _warm(base, LEXICAL, cache)
    made.clear()
    left = _document_removed(base)

    warm = _warm(left, LEXICAL, cache)

    # Every other span took its last record.
    assert made == []
    assert warm == _cold(left, LEXICAL)

    # The document's spans given again without it: each is named, none takes an old record.
    document = _one_document(base)
    stale = replace(
        left, spans=[*left.spans, *(s for s in base.spans if s.document_id == document)]
    )
    with pytest.raises(MapInputError) as raised:
        _warm(stale, LEXICAL, cache)
    assert sum("unknown document" in problem for problem in raised.value.problems) == sum(
        s.document_id == document for s in base.spans
    )
