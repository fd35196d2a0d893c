"""Map-level agreement: the map of each annotator's layer, and of the majority vote, against gold.

Each layer's map is built by the same pure builder as the gold map (``maps.builder.build_map``)
from the adjudicated documents it covers, and compared with the gold map built from the gold
layer as it is now (``maps.compare``). All of them are built with the builder's default
settings, so what differs between them is what the layers say, never how they were built.

Building one map per layer takes seconds on a large debate, minutes on the largest, longer
than a request may take. So a worker builds them (``maps.tasks.compare_layer_maps``) and keeps
the figures in the cache under the hash of everything they are computed from: the input hash
of gold's build and of each annotator's (their spans, relations, labels, the scheme and the
builder's settings), the documents each annotator covers (which decide the majority vote) and
``COMPARISON_VERSION``. The same inputs give the same figures, so a kept answer is never stale,
and any change to a layer or to gold makes a new key; a request reads and hashes the layers,
and finds the figures or asks the worker for them.
"""

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from celery import current_app as celery_app
from django.core.cache import cache

from annotations.review.agreement import AnnotatedDocument
from annotations.review.alignment import AnnotatedSpan, align_spans
from annotations.review.majority import majority_layer
from annotations.review.selectors import adjudicated_layers
from debate.models import Debate
from maps.builder import (
    LEXICAL,
    ArgumentMap,
    ClaimSimilarity,
    MapInput,
    MapInputError,
    build_map,
    input_hash,
    merge_similarity,
)
from maps.compare import COMPARED_EDGE_KINDS, COMPARISON_VERSION, MatchCounts, compare_maps
from maps.embeddings import claim_embedding_table
from maps.gold import gold_map_input, layer_map_input

logger = logging.getLogger(__name__)

# The names the two layers of each alignment go by; every span is renamed to one of them.
LAYER, GOLD = "layer", "gold"
# Kept answers are found by their inputs' hashes, so they can be kept long: the time only
# bounds what a debate that stopped changing leaves in the cache.
CACHE_SECONDS = 7 * 24 * 3600
# While the worker computes the figures of some inputs, asking again does not send it twice;
# a run that died is asked for again once this has passed (its task's time limit is shorter).
PENDING_SECONDS = 15 * 60
# Found by name (registered when MapsConfig.ready imports maps.tasks), since the tasks module
# imports this one.
COMPARE_TASK = "maps.tasks.compare_layer_maps"


@dataclass(frozen=True, slots=True)
class LayerMapAgreement:
    """One layer's map against gold: an annotator's (``majority`` False) or the majority vote's.

    ``arguments`` and ``edges`` are None, and ``error`` says why, when the layer's map cannot
    be built (a label the debate's scheme no longer has).
    """

    layer: str
    majority: bool
    documents: int
    arguments: MatchCounts | None
    edges: MatchCounts | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class MapAgreement:
    """A debate's gold map, its size, and every layer's map compared with it."""

    debate: Debate
    documents: int
    gold_arguments: int
    gold_edges: int
    layers: tuple[LayerMapAgreement, ...]


@dataclass(frozen=True, slots=True)
class _Layer:
    name: str
    majority: bool
    documents: tuple[AnnotatedDocument, ...]
    data: MapInput


@dataclass(frozen=True, slots=True)
class _Inputs:
    gold: MapInput
    documents: tuple[AnnotatedDocument, ...]
    layers: list[_Layer]
    similarity: ClaimSimilarity
    key: str


def map_agreement_get_or_request(*, debate: Debate) -> MapAgreement | None:
    """Return the kept figures of the debate's layers as they are now, or ask for them.

    None means the worker was asked to compute them (or already works on them): ask again
    shortly. Reads in nine queries and hashes every layer's input.
    """
    inputs = _inputs(debate)
    figures = cache.get(inputs.key)
    if figures is not None:
        return _agreement(debate, inputs, figures)
    if cache.add(f"{inputs.key}:pending", True, PENDING_SECONDS):
        try:
            celery_app.tasks[COMPARE_TASK].apply_async(args=[debate.pk], ignore_result=True)
        except Exception:  # the broker is unreachable: the next request asks again
            cache.delete(f"{inputs.key}:pending")
            logger.warning("Could not ask for the map agreement of %s.", debate.slug)
    return None


def map_agreement_compute(*, debate: Debate) -> MapAgreement:
    """Build each annotator's map, the majority vote's and gold's, compare them, keep them.

    Over the adjudicated documents: the annotators' layers they submitted there, sorted by
    name, then the majority vote of every document's submitted layers.
    """
    inputs = _inputs(debate)
    layers = list(inputs.layers)
    if inputs.documents:
        majority = [_majority_document(document) for document in inputs.documents]
        layers.append(_layer(inputs.gold, "majority", True, majority))
    figures = _figures(inputs.gold, layers, inputs.similarity)
    cache.set(inputs.key, figures, CACHE_SECONDS)
    return _agreement(debate, inputs, figures)


def _inputs(debate: Debate) -> _Inputs:
    """Read gold and the annotators' layers, and the key their figures are kept under."""
    gold = gold_map_input(debate=debate)
    documents = tuple(adjudicated_layers(debate=debate))
    by_name: defaultdict[str, list[AnnotatedDocument]] = defaultdict(list)
    for document in documents:
        for name in document.annotators:
            by_name[name].append(_one_layer(document, name))
    layers = [_layer(gold, name, False, by_name[name]) for name in sorted(by_name)]
    # Every map is merged as the debate's own map is (its merge_method), so the figures
    # compare like with like, and a changed method keys new figures.
    method = debate.merge_method
    embeddings = None if method == LEXICAL else claim_embedding_table()
    similarity = merge_similarity(method, embeddings)
    # The majority vote follows from the annotators' layers, so their hashes key it too.
    return _Inputs(gold, documents, layers, similarity, _cache_key(gold, layers, similarity))


def _agreement(
    debate: Debate, inputs: _Inputs, figures: tuple[int, int, tuple[LayerMapAgreement, ...]]
) -> MapAgreement:
    gold_arguments, gold_edges, compared = figures
    return MapAgreement(debate, len(inputs.gold.documents), gold_arguments, gold_edges, compared)


def _layer(
    gold: MapInput, name: str, majority: bool, documents: Sequence[AnnotatedDocument]
) -> _Layer:
    return _Layer(name, majority, tuple(documents), layer_map_input(gold, documents))


def _cache_key(gold: MapInput, layers: Sequence[_Layer], similarity: ClaimSimilarity) -> str:
    parts = [COMPARISON_VERSION, input_hash(gold, similarity=similarity)]
    for layer in layers:
        ids = sorted(document.id for document in layer.documents)
        parts.append(
            [layer.name, layer.majority, ids, input_hash(layer.data, similarity=similarity)]
        )
    return "map-agreement:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _figures(
    gold: MapInput, layers: Sequence[_Layer], similarity: ClaimSimilarity
) -> tuple[int, int, tuple[LayerMapAgreement, ...]]:
    """Return the gold map's arguments and edges, and every layer's map compared with it."""
    gold_map = build_map(gold, similarity=similarity)
    gold_spans: defaultdict[int, list[AnnotatedSpan]] = defaultdict(list)
    for span in gold.spans:
        gold_spans[int(span.document_id)].append(
            AnnotatedSpan(span.id, GOLD, span.start, span.end, span.stance, span.role)
        )
    return (
        len(gold_map.arguments),
        sum(edge.kind in COMPARED_EDGE_KINDS for edge in gold_map.edges),
        tuple(_compare(layer, gold_map, gold_spans, similarity) for layer in layers),
    )


def _one_layer(document: AnnotatedDocument, name: str) -> AnnotatedDocument:
    spans = tuple(span for span in document.spans if span.annotator == name)
    ids = {span.id for span in spans}
    relations = tuple(r for r in document.relations if r.source in ids)
    return replace(document, annotators=(name,), spans=spans, relations=relations)


def _majority_document(document: AnnotatedDocument) -> AnnotatedDocument:
    layer = majority_layer(document)
    return replace(document, spans=layer.spans, relations=layer.relations)


def _compare(
    layer: _Layer,
    gold_map: ArgumentMap,
    gold_spans: dict[int, list[AnnotatedSpan]],
    similarity: ClaimSimilarity,
) -> LayerMapAgreement:
    covered = len(layer.documents)
    try:
        layer_map = build_map(layer.data, similarity=similarity)
    except MapInputError as error:
        return LayerMapAgreement(layer.name, layer.majority, covered, None, None, str(error))
    layer_units, gold_units = _units(layer.documents, gold_spans)
    comparison = compare_maps(
        layer_map,
        gold_map,
        layer_units=layer_units,
        gold_units=gold_units,
        documents={str(document.id) for document in layer.documents},
    )
    return LayerMapAgreement(
        layer.name, layer.majority, covered, comparison.arguments, comparison.edges
    )


def _units(
    documents: Iterable[AnnotatedDocument], gold_spans: dict[int, list[AnnotatedSpan]]
) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    """Return the aligned unit, (document, position), of every span of a layer and of gold."""
    layer_units: dict[str, tuple[int, int]] = {}
    gold_units: dict[str, tuple[int, int]] = {}
    for document in documents:
        renamed = [replace(span, annotator=LAYER) for span in document.spans]
        alignment = align_spans([*renamed, *gold_spans.get(document.id, ())], (LAYER, GOLD))
        for index, unit in enumerate(alignment.units):
            for span in unit.spans:
                units = layer_units if span.annotator == LAYER else gold_units
                units[str(span.id)] = (document.id, index)
    return layer_units, gold_units
