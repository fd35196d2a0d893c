"""The map job with a worker's ``BuildCache``: a rebuild stores the version a build with no
cache stores, byte for byte, after the gold layer changed under the cache (even a span edited
in place, same id), and a restarted worker (an empty cache) finds the same version."""

import pytest
from django.db import connection

from annotations.models import Span
from maps import gold as gold_module
from maps.builder import (
    BuildCache,
    EmbeddingTable,
    WordLlamaEncoder,
    build_map,
    input_hash,
    map_to_json_bytes,
    merge_similarity,
)
from maps.gold import gold_map_input
from maps.models import MapVersion
from maps.selectors import map_version_graph_bytes
from maps.services import map_build_request, map_build_run
from tests.factories import SpanFactory, gold_claim_document

pytestmark = pytest.mark.django_db


def _run(debate, cache):
    build = map_build_request(debate=debate, reason="test")
    return map_build_run(build_id=build.pk, worker="w:1", cache=cache)


def _cold(debate) -> tuple[str, bytes]:
    """The input hash and the map of the gold layer as it is, built with nothing kept."""
    data = gold_map_input(debate=debate)
    similarity = merge_similarity(debate.merge_method, EmbeddingTable(WordLlamaEncoder()))
    built = build_map(data, similarity=similarity)
    return input_hash(data, similarity=similarity), map_to_json_bytes(built)


def _stored(outcome) -> tuple[str, bytes]:
    version = MapVersion.objects.get(pk=outcome.version_id)
    return version.input_hash, map_version_graph_bytes(version=version)


@pytest.mark.parametrize("method", ["lexical", "semantic", "combined"])
def test_a_rebuild_through_the_worker_cache_stores_the_full_build(
    debate, gold, no_dispatch, method
):
    debate.merge_method = method
    debate.save(update_fields=["merge_method"])
    cache = BuildCache()
    first = _run(debate, cache)
    # One more adjudicated document, and a gold span edited in place (same id, same offsets,
    # another quote of the same length): the cache holds the old objects of both.
    text = "A second firm said a backdoor would leave their services less secure for all."
    gold_claim_document(debate, text, stance="contra", like=gold[0])
    edited = gold[1]
    edited.quote = edited.quote.upper()
    edited.save(update_fields=["quote"])

    second = _run(debate, cache)

    assert second.version_id != first.version_id and not second.reused
    assert _stored(second) == _cold(debate)
    # A restarted worker (an empty cache) finds the same input, so keeps the same version.
    restarted = _run(debate, BuildCache())
    assert (restarted.version_id, restarted.reused) == (second.version_id, True)


def test_the_gold_read_gives_the_last_reads_objects_for_unchanged_rows(debate, gold):
    cache = BuildCache()
    first = gold_map_input(debate=debate, cache=cache)
    gold[1].quote = gold[1].quote.upper()
    gold[1].save(update_fields=["quote"])

    second = gold_map_input(debate=debate, cache=cache)

    assert [span.id for span in second.spans] == [gold[0].pk, gold[1].pk]
    assert second.spans[0] is first.spans[0]
    assert second.spans[1] is not first.spans[1]
    assert second.spans[1].quote == gold[1].quote
    assert all(new is old for new, old in zip(second.documents, first.documents, strict=True))
    assert second == gold_map_input(debate=debate)


def test_the_gold_read_reads_again_only_documents_whose_gold_revision_moved(
    debate, gold, monkeypatch
):
    cache = BuildCache()
    first = gold_map_input(debate=debate, cache=cache)
    read: list[list[int]] = []
    real = gold_module._read_documents
    monkeypatch.setattr(
        gold_module,
        "_read_documents",
        lambda spans, relations, ids, *rest: (
            read.append(sorted(ids)) or real(spans, relations, ids, *rest)
        ),
    )
    # An annotator's layer on the same document is not gold: nothing is read again.
    SpanFactory(document=gold[0].document, start=0, end=4)
    assert gold_map_input(debate=debate, cache=cache).spans[0] is first.spans[0]
    assert read == []
    # A gold row changed by SQL by hand is seen (the triggers move the revision).
    with connection.cursor() as cursor:
        cursor.execute("UPDATE annotations_span SET stance = 'contra' WHERE id = %s", [gold[0].pk])
    second = gold_map_input(debate=debate, cache=cache)
    assert read == [[gold[0].document_id]]
    assert second.spans[0].stance == "contra" and second == gold_map_input(debate=debate)


def test_a_gold_change_between_the_revisions_and_the_rows_is_read_again_next_time(
    debate, gold, monkeypatch
):
    cache = BuildCache()
    gold_map_input(debate=debate, cache=cache)
    gold[1].stance = "contra"
    gold[1].save(update_fields=["stance"])
    real = gold_module._read_documents

    def changed_meanwhile(*args):
        # Another writer commits after this read's revisions, before its rows.
        Span.objects.filter(pk=gold[1].pk).update(quote=gold[1].quote.upper())
        return real(*args)

    monkeypatch.setattr(gold_module, "_read_documents", changed_meanwhile)
    during = gold_map_input(debate=debate, cache=cache)
    monkeypatch.setattr(gold_module, "_read_documents", real)

    after = gold_map_input(debate=debate, cache=cache)

    assert during.spans[1].quote == gold[1].quote.upper()  # the rows as read
    assert after.spans[1] is not during.spans[1]  # read again: its revision had moved
    assert after == gold_map_input(debate=debate)
