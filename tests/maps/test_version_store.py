"""Storing a map version: without the worker's cache its JSON is written and cut as it goes,
its chunks stored a few at a time in the version's transaction, the same chunks as with one."""

import pytest

from bench.map_build_bench import generate
from maps import services as map_services
from maps.builder import BuildCache, build_map, map_to_json_bytes
from maps.chunks import chunked
from maps.models import MapChunk, MapVersion
from maps.selectors import map_version_graph_bytes
from maps.services import map_chunks, map_version_store

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def built():
    data, _ = generate(spans=6_000, documents=600, arguments=150, actors=20, seed=5)
    return build_map(data)


@pytest.fixture
def writes(monkeypatch):
    """The number of chunks each statement wrote."""
    counted = []
    insert = map_services.text_bytes_insert_missing

    def counting(model, **kwargs):
        counted.append(len(kwargs["rows"]))
        return insert(model, **kwargs)

    monkeypatch.setattr(map_services, "text_bytes_insert_missing", counting)
    return counted


def test_the_chunks_cut_as_the_json_is_written_are_those_of_the_whole_text(built):
    whole = chunked(map_to_json_bytes(built))
    cache = BuildCache()

    streamed = list(map_chunks(built))
    cached = list(map_chunks(built, cache=cache))

    assert len(whole.chunks) > 10
    assert streamed == cached == list(zip(whole.digests, whole.chunks, strict=True))
    # The worker's cache keeps the cut for the next map; without one nothing is kept.
    assert cache.last("stored chunks")[None].digests == whole.digests


def test_without_a_cache_the_chunks_are_written_a_few_at_a_time(debate, built, writes, monkeypatch):
    monkeypatch.setattr(map_services, "WRITE_BYTES", 200_000)
    expected = chunked(map_to_json_bytes(built))

    version, created = map_version_store(
        debate=debate, digest="c" * 64, graph=built, document_count=600
    )

    assert created is True
    version = MapVersion.objects.get(pk=version.pk)
    assert version.chunks == list(expected.digests)
    assert map_version_graph_bytes(version=version) == map_to_json_bytes(built)
    # Statements of about WRITE_BYTES each (the last one what was left), every chunk once.
    assert len(writes) > 3 and sum(writes) == len(expected.chunks)
    assert all(
        sum(len(c) for c in expected.chunks[sum(writes[:n]) : sum(writes[: n + 1])]) >= 200_000
        for n in range(len(writes) - 1)
    )
    assert MapChunk.objects.count() == len(set(expected.digests))


def test_with_the_worker_s_cache_the_chunks_are_written_at_once(debate, built, writes):
    version, _ = map_version_store(
        debate=debate, digest="d" * 64, graph=built, document_count=600, cache=BuildCache()
    )

    assert writes == [len(MapVersion.objects.get(pk=version.pk).chunks)]


def test_a_failed_write_halfway_leaves_no_chunk_and_no_version(debate, built, monkeypatch):
    monkeypatch.setattr(map_services, "WRITE_BYTES", 200_000)
    insert = map_services.text_bytes_insert_missing
    calls = []

    def failing_third(model, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the database went away")
        return insert(model, **kwargs)

    monkeypatch.setattr(map_services, "text_bytes_insert_missing", failing_third)

    with pytest.raises(RuntimeError, match="went away"):
        map_version_store(debate=debate, digest="e" * 64, graph=built, document_count=600)

    assert len(calls) == 3
    assert MapChunk.objects.count() == 0
    assert MapVersion.objects.count() == 0
