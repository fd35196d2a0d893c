"""Merging: paraphrased spans of one kind and side become one argument, with the reasons why.

Claims merge only with claims and premises only with premises, of the same side, and a pair of
spans is only ever compared across documents (the same span annotated twice, with the same
document and offsets, is one argument too). Two spans are paraphrases when the
``ClaimSimilarity`` scores them at or above its threshold. Arguments are the connected
components of the paraphrase graph (single linkage), which do not depend on the order the
spans come in. Each records a spanning tree of its component as ``MergeStep``s, strongest pairs
first, so every source but the first is explained by a score, a method and the words it shares
with the source it matched.

Reviewers curate the result (``CurationDecision``), applied to the group whose spans they
name, newest first so that a later decision wins over an earlier one it contradicts:

- a **join** is a forced union of its two groups' first spans (a ``reviewer-join`` step,
  recorded before any similarity), unless a later split keeps them apart;
- a **split** is a cannot-link between its two groups: no union, by similarity or by an
  earlier join, ever puts a span of one group into the argument of a span of the other
  (unless a later join already did: then the split is overruled). After similarity, each
  group's spans are held together (``reviewer-split`` steps where similarity did not already
  merge them), so the split-off spans form their own argument.

A decision naming a span that left the gold layer, spans of different groups, or a group
with no span is not applicable; one a later decision overrules is reported as overruled.
Both go into the map's notes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from operator import eq, itemgetter
from typing import Any

from maps.builder.cache import BuildCache, Memo, records_in_order, same_ends
from maps.builder.forest import Constraints, unconstrained_forest
from maps.builder.hashing import id_key
from maps.builder.members import GroupColumns, group_columns, member_columns
from maps.builder.model import (
    JOIN,
    REVIEWER_JOIN,
    SAME_OFFSETS,
    SPLIT,
    CurationDecision,
    CurationNote,
    MergeStep,
    Progress,
    SourceSpan,
)
from maps.builder.similarity import ClaimSimilarity, find_root, step_explainer

REVIEWER_SPLIT = "reviewer-split"
Cluster = tuple[tuple[int, ...], tuple[MergeStep, ...], tuple[CurationNote, ...]]
GroupKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Curation:
    """An applicable reviewer decision, its span ids as strings, in one group."""

    decision: str
    kind: str
    by: str
    at: str
    spans: tuple[str, ...]
    other_spans: tuple[str, ...]


@dataclass(slots=True)
class BuildSpan:
    """A gold span as the builder works with it: its provenance, side, kind and sort key."""

    source: SourceSpan
    side: str
    kind: str
    key: tuple[Any, ...]


def curations_by_group(
    decisions: Sequence[CurationDecision], spans: Mapping[str, BuildSpan], notes: list[str]
) -> dict[GroupKey, tuple[Curation, ...]]:
    """Return the applicable decisions of each (kind, side) group, oldest first; note the
    ones that are not applicable and why."""
    found: dict[GroupKey, list[Curation]] = defaultdict(list)
    ordered = sorted(decisions, key=lambda d: (d.at, id_key(str(d.id))))
    for decision in ordered:
        name = f"decision {decision.id!s} ({decision.kind} by {decision.by})"
        first = tuple(sorted({str(s) for s in decision.spans}, key=id_key))
        second = tuple(sorted({str(s) for s in decision.other_spans}, key=id_key))
        gone = sorted({s for s in (*first, *second) if s not in spans}, key=id_key)
        if decision.kind not in (JOIN, SPLIT):
            notes.append(f"{name} is not applicable: unknown kind")
        elif gone:
            notes.append(
                f"{name} is not applicable: span {', '.join(gone)} is no longer in the gold layer"
            )
        elif not first or not second or set(first) & set(second):
            notes.append(f"{name} is not applicable: it needs two separate groups of spans")
        elif len({(spans[s].kind, spans[s].side) for s in (*first, *second)}) != 1:
            notes.append(f"{name} is not applicable: its spans are of different sides or kinds")
        else:
            span = spans[first[0]]
            found[(span.kind, span.side)].append(
                Curation(str(decision.id), decision.kind, decision.by, decision.at, first, second)
            )
    return {key: tuple(items) for key, items in found.items()}


Group = tuple[GroupKey, list[BuildSpan], tuple[Cluster, ...]]


def merge_spans(
    spans: Mapping[str, BuildSpan],
    similarity: ClaimSimilarity,
    progress: Progress,
    cache: BuildCache | None,
    curations: Mapping[GroupKey, tuple[Curation, ...]] | None = None,
    notes: list[str] | None = None,
) -> list[tuple[list[BuildSpan], tuple[MergeStep, ...], tuple[CurationNote, ...]]]:
    """Return the argument clusters with the merges that explain each and the reviewers'
    splits that shaped it; ``notes`` gets the decisions a later one overruled."""
    return [
        ([members[i] for i in indexes], steps, marks)
        for _, members, found in merge_groups(spans, similarity, progress, cache, curations, notes)
        for indexes, steps, marks in found
    ]


def merge_groups(
    spans: Mapping[str, BuildSpan],
    similarity: ClaimSimilarity,
    progress: Progress,
    cache: BuildCache | None,
    curations: Mapping[GroupKey, tuple[Curation, ...]] | None = None,
    notes: list[str] | None = None,
    after_group: Callable[[], None] | None = None,
) -> list[Group]:
    """Return each (kind, side) group's members in order and its clusters as positions among
    them, with their merges and splits, as ``merge_spans`` describes them.

    With a cache, a group made of the very span objects of the last build's group (the
    builder keeps them while their values stay the same), under the same decisions and
    similarity, is the last build's group, the same objects: neither sorted nor clustered
    again, and recognised downstream by identity.
    """
    curations = curations or {}
    overruled: list[str] = []
    buckets: dict[GroupKey, list[BuildSpan]] = defaultdict(list)
    for span in spans.values():
        buckets[(span.kind, span.side)].append(span)
    same_groups = Memo(cache, "groups")
    # Each group's members and what merging reads of them, whatever the similarity: the
    # next build edits them where its group changed.
    kept_columns = Memo(cache, "group columns")
    try:
        hash(similarity)
    except TypeError:  # an unhashable similarity: its groups are never kept
        same_groups = Memo(None, "groups")
    made: list[Group] = []
    done = 0
    for bucket_key in sorted(buckets):
        kind, side = bucket_key
        # Merging is most of a build: it runs from 5 to 80 percent, in proportion to spans.
        progress(0.05 + 0.75 * done / max(len(spans), 1), f"merging {side} {kind}s")
        bucket = buckets[bucket_key]
        done += len(bucket)
        group_curations = curations.get(bucket_key, ())
        # The kept group holds its span objects, in the spans' order (the gold layer's, the
        # same from one build to the next): the very same objects are the same group.
        identity = (similarity, bucket_key, group_curations)
        known = same_groups.get(identity)
        same = (
            known is not None
            and len(known[0]) == len(bucket)
            and same_ends(known[0], bucket)[0] == len(bucket)
        )
        columns = kept_columns.get(bucket_key)
        if not same:
            columns = group_columns(bucket, columns)
            found, skipped = _group_clusters(
                bucket_key, columns, similarity, cache, group_curations
            )
            known = (bucket, columns.members, found, skipped)
        same_groups.keep(identity, known)
        if columns is not None:
            kept_columns.keep(bucket_key, columns)
        _, members, found, skipped = known
        overruled.extend(skipped)
        made.append((bucket_key, members, found))
        if after_group is not None:
            after_group()
    same_groups.remember()
    kept_columns.remember()
    if notes is not None:
        notes.extend(overruled)
    return made


def _group_clusters(
    bucket_key: GroupKey,
    columns: GroupColumns,
    similarity: ClaimSimilarity,
    cache: BuildCache | None,
    group_curations: tuple[Curation, ...],
) -> tuple[tuple[Cluster, ...], tuple[str, ...]]:
    members = columns.members
    if cache is None:
        return merge_group(members, similarity, None, group_curations, columns)
    # A group's clusters follow from its members' keys and texts and its reviewers'
    # decisions alone: a rebuild after one decision changes one group and takes the
    # others' from the cache.
    signature = (bucket_key, tuple(zip(columns.keys, columns.texts, strict=True)), group_curations)
    return cache.clusters(
        similarity,
        signature,
        lambda: merge_group(members, similarity, cache, group_curations, columns),
    )


def _reviewer_step(
    members: list[BuildSpan], i: int, j: int, curation: Curation, method: str, basis: str
) -> MergeStep:
    return MergeStep(
        span_id=members[j].source.span_id,
        matched_span_id=members[i].source.span_id,
        score=1.0,
        method=method,
        basis=basis,
        by=curation.by,
        at=curation.at,
        decision=curation.decision,
    )


def merge_group(
    members: list[BuildSpan],
    similarity: ClaimSimilarity,
    cache: BuildCache | None,
    curations: tuple[Curation, ...] = (),
    columns: GroupColumns | None = None,
) -> tuple[tuple[Cluster, ...], tuple[str, ...]]:
    """Return one group's clusters as member positions, with the merges that explain each
    and the splits that shaped it, and the notes of the decisions a later one overruled.
    ``columns`` are the members' (``maps.builder.members``), when the caller has them."""
    if columns is None:
        columns = member_columns(members)
    texts, documents, span_ids, places = (
        columns.texts,
        columns.documents,
        columns.span_ids,
        columns.places,
    )
    # The same span annotated twice (same document and offsets) is one argument; joining
    # these first also keeps every anchor, and so every argument id, unique.
    duplicates = {
        (i - 1, i) for i in compress(range(1, len(members)), map(eq, places[1:], places[:-1]))
    }
    if not curations and hasattr(similarity, "similar_pair_arrays"):
        # Nothing to refuse or force: Kruskal's forest of the pairs as arrays (SciPy's).
        found_arrays = (
            similarity.similar_pair_arrays(texts, documents)
            if cache is None
            else cache.similar_pair_arrays(similarity, texts, documents)
        )
        forest = unconstrained_forest(found_arrays, documents, duplicates)
        steps = _explained_steps(
            members, similarity, cache, texts, span_ids, forest.accepted, duplicates
        )
        return forest.clusters(span_ids, steps), ()
    found = (
        similarity.similar_pairs(texts, documents)
        if cache is None
        else cache.similar_pairs(similarity, texts, documents)
    )
    pairs = [(i, j, score) for i, j, score in found if documents[i] != documents[j]]
    pairs.extend((i, j, 1.0) for i, j in duplicates)
    # Strongest pairs first (Kruskal), so a similarity that yields every pair gets the
    # maximum spanning forest as its explanation; ties are broken by position, which
    # depends only on content, never on input order. (Two stable sorts: by position,
    # then by score, strongest first.)
    pairs.sort(key=_positions)
    pairs.sort(key=_score, reverse=True)
    constraints = Constraints(len(members))
    forced: list[MergeStep] = []
    overruled: list[str] = []
    splits: list[tuple[Curation, list[int], list[int]]] = []
    position = dict(zip(span_ids, range(len(members)), strict=True))
    # Newest first: a decision only adds what the later ones left possible.
    for number, curation in reversed(list(enumerate(curations))):
        first = sorted(position[s] for s in curation.spans)
        second = sorted(position[s] for s in curation.other_spans)
        name = f"decision {curation.decision} ({curation.kind} by {curation.by})"
        if curation.kind == JOIN:
            if constraints.join(first[0], second[0]):
                forced.append(
                    _reviewer_step(
                        members,
                        first[0],
                        second[0],
                        curation,
                        REVIEWER_JOIN,
                        f"joined by reviewer {curation.by}",
                    )
                )
            elif constraints.root(first[0]) != constraints.root(second[0]):
                overruled.append(f"{name} is overruled by a later split")
        else:
            roots_of_first = {constraints.root(i) for i in first}
            if any(constraints.root(i) in roots_of_first for i in second):
                overruled.append(f"{name} is overruled by a later join")
                continue
            constraints.forbid(number, first, second)
            splits.append((curation, first, second))

    join = constraints.join
    accepted = [pair for pair in pairs if join(pair[0], pair[1])]
    # Each side of a split is one argument, where similarity did not already make it one.
    for curation, first, second in splits:
        for positions in (first, second):
            for k in positions[1:]:
                if constraints.join(positions[0], k):
                    forced.append(
                        _reviewer_step(
                            members,
                            positions[0],
                            k,
                            curation,
                            REVIEWER_SPLIT,
                            f"kept together by reviewer {curation.by}'s split",
                        )
                    )
    roots = [find_root(constraints.parent, index) for index in range(len(members))]
    # Each member's argument is its root's: the smallest position of its component.
    groups: dict[int, list[int]] = defaultdict(list)
    for index, root in enumerate(roots):
        groups[root].append(index)
    steps_by_root: dict[int, list[MergeStep]] = defaultdict(list)
    for step in forced:
        steps_by_root[roots[position[step.matched_span_id]]].append(step)
    marks_by_root: dict[int, list[CurationNote]] = defaultdict(list)
    for curation, first, second in splits:
        for mine, theirs in ((first, curation.other_spans), (second, curation.spans)):
            marks_by_root[roots[mine[0]]].append(
                CurationNote(
                    decision=curation.decision,
                    kind=SPLIT,
                    by=curation.by,
                    at=curation.at,
                    span_ids=theirs,
                )
            )
    steps = _explained_steps(members, similarity, cache, texts, span_ids, accepted, duplicates)
    for (i, _, _), step in zip(accepted, steps, strict=True):
        steps_by_root[roots[i]].append(step)
    # The steps of an argument in their order, the last build's for the very same steps.
    ordered = Memo(cache, f"ordered merges of {members[0].side} {members[0].kind}s")
    clusters: list[Cluster] = []
    for root, indexes in groups.items():
        # Most arguments have one source: nothing to sort.
        steps = steps_by_root.get(root, ())
        if len(steps) > 1:
            # The kept value holds the steps, so no other object has their ids meanwhile.
            identity = tuple(map(id, steps))
            known = ordered.get(identity)
            steps = tuple(sorted(steps, key=_step_order)) if known is None else known
            ordered.keep(identity, steps)
        marks = marks_by_root.get(root, ())
        if len(marks) > 1:
            marks = sorted(marks, key=_mark_order)
        clusters.append((tuple(indexes), tuple(steps), tuple(marks)))
    ordered.remember()
    return tuple(clusters), tuple(overruled)


def _explained_steps(
    members: list[BuildSpan],
    similarity: ClaimSimilarity,
    cache: BuildCache | None,
    texts: list[str],
    span_ids: list[str],
    accepted: Sequence[tuple[int, int, float]],
    duplicates: set[tuple[int, int]],
) -> list[MergeStep]:
    """Return the merge step of each accepted pair, in their order, with its explanation."""
    # The group changed by one decision keeps nearly all its merges: each is taken from the
    # last build's by everything it is made of (the similarity object itself included, since
    # its explanation is its own) instead of being explained again.
    remembered = Memo(cache, f"merges of {members[0].side} {members[0].kind}s")
    # One explainer for the group: it may keep the group's words, and a similarity that weighs
    # several kinds of evidence names, for each merge, the one that merged it.
    explain = step_explainer(similarity)
    try:
        hash(similarity)
    except TypeError:
        similarity_key = None
    else:
        similarity_key = similarity

    def step(
        span_id: str,
        matched_span_id: str,
        rounded: float,
        duplicate: bool,
        text_i: str,
        text_j: str,
    ) -> MergeStep:
        if duplicate:
            method, basis = SAME_OFFSETS, "same document, start and end"
        else:
            method, basis = explain(text_i, text_j, rounded)
        return MergeStep(
            span_id=span_id,
            matched_span_id=matched_span_id,
            score=rounded,
            method=method,
            basis=basis,
        )

    if not remembered.active:
        # Nothing to take from a last build nor to keep for the next: each step made at once.
        return [
            step(
                span_ids[j], span_ids[i], round(score, 4), (i, j) in duplicates, texts[i], texts[j]
            )
            for i, j, score in accepted
        ]
    # What each merge is made of, in the order of ``accepted``.
    made_of = [
        (
            similarity_key,
            span_ids[j],
            span_ids[i],
            type(rounded := round(score, 4)),  # 1 == 1.0, but they are written "1" and "1.0"
            rounded,
            (i, j) in duplicates,
            texts[i],
            texts[j],
        )
        for i, j, score in accepted
    ]
    last_made_of, last_steps = remembered.get(None) or ((), ())
    if similarity_key is None:
        last_made_of, last_steps = (), ()

    def step_of(what: tuple) -> MergeStep:
        _, span_id, matched_span_id, _, rounded, duplicate, text_i, text_j = what
        return step(span_id, matched_span_id, rounded, duplicate, text_i, text_j)

    # The last build's merges, in the same order (an added or removed member shifts the
    # positions after it, not the order): taken for equal ``made_of``.
    steps, _, _ = records_in_order(last_made_of, last_steps, made_of, step_of, by_value=True)
    if similarity_key is not None:
        remembered.keep(None, (made_of, steps))
    remembered.remember()
    return steps


_positions = itemgetter(0, 1)
_score = itemgetter(2)


def _step_order(step: MergeStep) -> tuple:
    return (id_key(step.matched_span_id), id_key(step.span_id))


def _mark_order(mark: CurationNote) -> tuple:
    return (mark.at, id_key(mark.decision))
