"""Merging: paraphrased spans of one kind and side become one argument, with the reasons why.

Claims merge only with claims and premises only with premises, of the same side, and a pair of
spans is only ever compared across documents (the same span annotated twice, with the same
document and offsets, is one argument too). Two spans are paraphrases when the
``ClaimSimilarity`` scores them at or above its threshold. Arguments are the connected
components of the paraphrase graph (single linkage), which do not depend on the order the
spans come in. Each records a spanning tree of its component as ``MergeStep``s, strongest pairs
first, so every source but the first is explained by a score, a method and the words it shares
with the source it matched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from maps.builder.cache import BuildCache, Memo
from maps.builder.hashing import id_key
from maps.builder.model import SAME_OFFSETS, MergeStep, Progress, SourceSpan
from maps.builder.similarity import ClaimSimilarity, find_root, union

Cluster = tuple[tuple[int, ...], tuple[MergeStep, ...]]


@dataclass(slots=True)
class BuildSpan:
    """A gold span as the builder works with it: its provenance, side, kind and sort key."""

    source: SourceSpan
    side: str
    kind: str
    key: tuple[Any, ...]


def merge_spans(
    spans: Mapping[str, BuildSpan],
    similarity: ClaimSimilarity,
    progress: Progress,
    cache: BuildCache | None,
) -> list[tuple[list[BuildSpan], tuple[MergeStep, ...]]]:
    """Return the argument clusters with the spanning-tree merges that explain each."""
    buckets: dict[tuple[str, str], list[BuildSpan]] = defaultdict(list)
    for span in spans.values():
        buckets[(span.kind, span.side)].append(span)
    clusters: list[tuple[list[BuildSpan], tuple[MergeStep, ...]]] = []
    done = 0
    for bucket_key in sorted(buckets):
        kind, side = bucket_key
        # Merging is most of a build: it runs from 5 to 80 percent, in proportion to spans.
        progress(0.05 + 0.75 * done / max(len(spans), 1), f"merging {side} {kind}s")
        done += len(buckets[bucket_key])
        members = sorted(buckets[bucket_key], key=lambda s: s.key)
        if cache is None:
            found = merge_group(members, similarity, None)
        else:
            # A group's clusters follow from its members' keys and texts alone: a rebuild
            # after one decision changes one group and takes the others' from the cache.
            signature = (bucket_key, tuple((m.key, m.source.quote) for m in members))
            found = cache.clusters(
                similarity,
                signature,
                lambda members=members: merge_group(members, similarity, cache),
            )
        clusters.extend(([members[i] for i in indexes], steps) for indexes, steps in found)
    return clusters


def merge_group(
    members: list[BuildSpan], similarity: ClaimSimilarity, cache: BuildCache | None
) -> tuple[Cluster, ...]:
    """Return one group's clusters as member positions, with the merges that explain each."""
    clusters: list[Cluster] = []
    texts = [m.source.quote for m in members]
    documents = [m.source.document_id for m in members]
    found = (
        similarity.similar_pairs(texts, documents)
        if cache is None
        else cache.similar_pairs(similarity, texts, documents)
    )
    pairs = [(i, j, score) for i, j, score in found if documents[i] != documents[j]]
    # The same span annotated twice (same document and offsets) is one argument; joining
    # these first also keeps every anchor, and so every argument id, unique.
    duplicates = {
        (i - 1, i) for i in range(1, len(members)) if members[i].key[:3] == members[i - 1].key[:3]
    }
    pairs.extend((i, j, 1.0) for i, j in duplicates)
    # Strongest pairs first (Kruskal), so a similarity that yields every pair gets the
    # maximum spanning forest as its explanation; ties are broken by position, which
    # depends only on content, never on input order.
    pairs.sort(key=lambda p: (-p[2], p[0], p[1]))
    parent = list(range(len(members)))

    accepted: list[tuple[int, int, float]] = []
    for i, j, score in pairs:
        root_i, root_j = find_root(parent, i), find_root(parent, j)
        if root_i != root_j:
            union(parent, i, j)
            accepted.append((i, j, score))
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(len(members)):
        groups[find_root(parent, index)].append(index)
    steps_by_root: dict[int, list[MergeStep]] = defaultdict(list)
    # The group changed by one decision keeps nearly all its merges: each is taken from the
    # last build's by everything it is made of (the similarity object itself included, since
    # its explanation is its own) instead of being explained again.
    remembered = Memo(cache, f"merges of {members[0].side} {members[0].kind}s")
    # A similarity that weighs several kinds of evidence names, for each merge, the one that
    # merged it (``CombinedSimilarity.describe``); the others give one method for all.
    describe = getattr(similarity, "describe", None)
    try:
        hash(similarity)
    except TypeError:
        similarity_key = None
    else:
        similarity_key = similarity
    for i, j, score in accepted:
        duplicate = (i, j) in duplicates
        score = round(score, 4)
        values = (
            similarity_key,
            members[j].source.span_id,
            members[i].source.span_id,
            type(score),  # 1 == 1.0, but they are written "1" and "1.0"
            score,
            duplicate,
            texts[i],
            texts[j],
        )
        step = None if similarity_key is None else remembered.get(values)
        if step is None:
            if duplicate:
                method, basis = SAME_OFFSETS, "same document, start and end"
            elif describe is not None:
                method, basis = describe(texts[i], texts[j])
            else:
                method, basis = similarity.method, similarity.explain(texts[i], texts[j])
            step = MergeStep(
                span_id=members[j].source.span_id,
                matched_span_id=members[i].source.span_id,
                score=score,
                method=method,
                basis=basis,
            )
        if similarity_key is not None:
            remembered.keep(values, step)
        steps_by_root[find_root(parent, i)].append(step)
    remembered.remember()
    for root, indexes in groups.items():
        steps = sorted(
            steps_by_root.get(root, ()),
            key=lambda step: (id_key(step.matched_span_id), id_key(step.span_id)),
        )
        clusters.append((tuple(indexes), tuple(steps)))
    return tuple(clusters)
