"""The claim-embedding cache and the debate's merge method, through the map job."""

import pytest

from debate.models import DocumentStatus, MergeMethod
from maps.builder import WORDLLAMA_MODEL, WordLlamaEncoder, embedding_key, vector_from_bytes
from maps.embeddings import claim_embeddings_get, claim_embeddings_store
from maps.models import ClaimEmbedding, MapVersion
from maps.selectors import map_version_graph_bytes
from maps.services import map_build_request, map_build_run
from tests.factories import DocumentFactory, SpanFactory
from tests.maps.conftest import TEXT_A

# The tech firms' claim again, in other words, in a third document: a group of two to merge.
TEXT_C = "A backdoor, the firms warn, would make their services less safe for everybody."


@pytest.fixture
def paraphrase(debate, gold):
    document = DocumentFactory(debate=debate, text=TEXT_C, status=DocumentStatus.ADJUDICATED)
    return SpanFactory(
        document=document,
        annotator=None,
        created_by=gold[0].created_by,
        start=0,
        end=len(TEXT_C),
        stance="contra",
        role="claim",
        actor=gold[0].actor,
    )


@pytest.fixture
def encoded(monkeypatch):
    """Count the texts the packaged model is asked to encode."""
    calls = []
    original = WordLlamaEncoder.encode

    def counting(self, texts):
        calls.append(list(texts))
        return original(self, texts)

    monkeypatch.setattr(WordLlamaEncoder, "encode", counting)
    return calls


def build(debate):
    return map_build_run(build_id=map_build_request(debate=debate, reason="t").pk, worker="w:1")


def test_a_rebuild_reads_the_stored_vectors_and_encodes_nothing(
    debate, paraphrase, no_dispatch, encoded
):
    assert debate.merge_method == MergeMethod.SEMANTIC  # the default
    debate.merge_method = MergeMethod.COMBINED
    debate.save()
    first = build(debate)

    # Only the contra claims are compared (the pro one is alone on its side).
    assert sorted(text for call in encoded for text in call) == sorted([TEXT_A, TEXT_C])
    stored = ClaimEmbedding.objects.get(key=embedding_key(TEXT_A, WORDLLAMA_MODEL))
    assert (stored.model, len(bytes(stored.vector))) == (WORDLLAMA_MODEL, 512)
    assert ClaimEmbedding.objects.count() == 2

    # A new version (another method), so the build runs again: from the stored vectors.
    encoded.clear()
    debate.merge_method = MergeMethod.SEMANTIC
    debate.save()
    second = build(debate)

    assert encoded == []
    assert ClaimEmbedding.objects.count() == 2
    assert second.version_id != first.version_id and not second.reused


def test_a_later_group_reads_the_vectors_an_earlier_group_stored(
    debate, paraphrase, no_dispatch, encoded, monkeypatch
):
    from maps import embeddings

    read = []
    get = embeddings.claim_embeddings_get

    def reading(*, model, keys):
        found = get(model=model, keys=keys)
        read.append((len(keys), len(found)))
        return found

    monkeypatch.setattr(embeddings, "claim_embeddings_get", reading)
    # The contra claims' two texts again, as contra premises of two more documents: merged
    # after the claims, whose vectors were stored and let go by then.
    for text in (TEXT_A, TEXT_C):
        document = DocumentFactory(
            debate=debate, text=f"{text} So it was reported.", status=DocumentStatus.ADJUDICATED
        )
        SpanFactory(
            document=document,
            annotator=None,
            created_by=paraphrase.created_by,
            start=0,
            end=len(text),
            stance="contra",
            role="premise",
        )

    outcome = build(debate)

    assert outcome.status == "done"
    # Each text encoded once, for the claims; the premises read both from the database.
    assert sorted(text for call in encoded for text in call) == sorted([TEXT_A, TEXT_C])
    assert read == [(2, 0), (2, 2)]
    assert ClaimEmbedding.objects.count() == 2


def test_changing_the_merge_method_changes_the_input_hash_and_the_map(
    debate, paraphrase, no_dispatch
):
    versions = {}
    for method in (MergeMethod.COMBINED, MergeMethod.LEXICAL, MergeMethod.SEMANTIC):
        debate.merge_method = method
        debate.save()
        versions[method] = MapVersion.objects.get(pk=build(debate).version_id)
    assert len({v.input_hash for v in versions.values()}) == 3
    assert (
        '"method":"lexical-jaccard/v1'
        in map_version_graph_bytes(version=versions[MergeMethod.LEXICAL]).decode()
    )
    assert (
        '"method":"semantic-cosine/v1'
        in map_version_graph_bytes(version=versions[MergeMethod.SEMANTIC]).decode()
    )
    assert (
        '"method":"combined/v1'
        in map_version_graph_bytes(version=versions[MergeMethod.COMBINED]).decode()
    )
    # Back to the first method: its version is found again, not built twice.
    debate.merge_method = MergeMethod.COMBINED
    debate.save()
    again = build(debate)
    assert (again.version_id, again.reused) == (versions[MergeMethod.COMBINED].pk, True)


def test_stored_vectors_are_read_back_as_stored_and_a_second_store_keeps_the_first(db):
    vector = WordLlamaEncoder().encode([TEXT_A])[0]
    data = vector.astype("<f2").tobytes()
    key = embedding_key(TEXT_A, WORDLLAMA_MODEL)

    assert claim_embeddings_store(model=WORDLLAMA_MODEL, vectors={key: data}) == 1
    claim_embeddings_store(model=WORDLLAMA_MODEL, vectors={key: b"\x00" * 512})

    found = claim_embeddings_get(model=WORDLLAMA_MODEL, keys=[key, "0" * 64])
    assert list(found) == [key] and found[key] == data
    assert (vector_from_bytes(found[key]) == vector.astype("<f2").astype("float32")).all()
    assert claim_embeddings_get(model="another-model", keys=[key]) == {}


def test_the_job_stores_the_new_vectors_then_releases_its_table(
    debate, paraphrase, no_dispatch, monkeypatch
):
    from maps import services

    tables = []
    held_when_stored = []
    make_table, store = services.claim_embedding_table, services.claim_embeddings_store

    def made():
        tables.append(make_table())
        return tables[-1]

    def stored(*, model, vectors):
        held_when_stored.append((tables[-1].held, len(vectors)))
        return store(model=model, vectors=vectors)

    monkeypatch.setattr(services, "claim_embedding_table", made)
    monkeypatch.setattr(services, "claim_embeddings_store", stored)

    outcome = build(debate)

    assert outcome.status == "done"
    # Group by group, as each is merged: the contra claims (TEXT_A and TEXT_C) were encoded,
    # stored, then let go; the pro claims' one span is compared with nothing.
    assert held_when_stored == [(2, 2), (0, 0)]
    assert ClaimEmbedding.objects.count() == 2
    assert (tables[0].held, len(tables[0].new)) == (0, 0)
