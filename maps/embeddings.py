"""The claim-embedding cache: vectors the builder asks for, and the ones it made, in the database.

The builder is pure: it reads vectors through a lookup it is handed and returns what it had to
encode in its ``EmbeddingTable.new``; this module is that lookup and the write that keeps them.
"""

from collections.abc import Mapping, Sequence

from maps.builder import EmbeddingTable, WordLlamaEncoder
from maps.models import ClaimEmbedding

# Keys per query: SQLite allows 32,766 parameters a statement, PostgreSQL far more.
_CHUNK = 2000


def claim_embeddings_get(*, model: str, keys: Sequence[str]) -> dict[str, bytes]:
    """Return the stored vectors of the keys that have one."""
    found: dict[str, bytes] = {}
    for start in range(0, len(keys), _CHUNK):
        rows = ClaimEmbedding.objects.filter(model=model, key__in=keys[start : start + _CHUNK])
        found.update((key, bytes(vector)) for key, vector in rows.values_list("key", "vector"))
    return found


def claim_embeddings_store(*, model: str, vectors: Mapping[str, bytes]) -> int:
    """Store new vectors (a key stored meanwhile by another build is left as it is)."""
    ClaimEmbedding.objects.bulk_create(
        (ClaimEmbedding(key=key, model=model, vector=data) for key, data in vectors.items()),
        batch_size=_CHUNK,
        ignore_conflicts=True,
    )
    return len(vectors)


def claim_embedding_table(*, encoder=None) -> EmbeddingTable:
    """Return a build's table of sentence vectors, reading the stored ones from the database."""
    encoder = encoder or WordLlamaEncoder()
    model = encoder.name
    return EmbeddingTable(encoder, lambda keys: claim_embeddings_get(model=model, keys=list(keys)))
