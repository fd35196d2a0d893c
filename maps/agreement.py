"""Map-level agreement: the map of each annotator's layer, and of the majority vote, against gold.

Each layer's map is built by the same pure builder as the gold map (``maps.builder.build_map``)
from the adjudicated documents it covers, and compared with the gold map built from the gold
layer as it is now (``maps.compare``). All of them are built with the builder's default
settings, so what differs between them is what the layers say, never how they were built.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from annotations.review.agreement import AnnotatedDocument
from annotations.review.alignment import AnnotatedSpan, align_spans
from annotations.review.majority import majority_layer
from annotations.review.selectors import adjudicated_layers
from debate.models import Debate
from maps.builder import ArgumentMap, MapInput, MapInputError, build_map
from maps.compare import COMPARED_EDGE_KINDS, MapComparison, compare_maps
from maps.gold import gold_map_input, layer_map_input

# The names the two layers of each alignment go by; every span is renamed to one of them.
LAYER, GOLD = "layer", "gold"


@dataclass(frozen=True, slots=True)
class LayerMapAgreement:
    """One layer's map against gold: an annotator's (``majority`` False) or the majority vote's.

    ``comparison`` is None, and ``error`` says why, when the layer's map cannot be built
    (a label the debate's scheme no longer has).
    """

    layer: str
    majority: bool
    documents: int
    comparison: MapComparison | None
    error: str = ""


@dataclass(frozen=True, slots=True)
class MapAgreement:
    """A debate's gold map, its size, and every layer's map compared with it."""

    debate: Debate
    documents: int
    gold_arguments: int
    gold_edges: int
    layers: tuple[LayerMapAgreement, ...]


def map_agreement_get(*, debate: Debate) -> MapAgreement:
    """Return each annotator's map and the majority-vote map compared with the gold map.

    Over the adjudicated documents: the annotators' layers they submitted there, sorted by
    name, then the majority vote of every document's submitted layers. Reads in six queries;
    builds one map per layer and the gold map.
    """
    gold = gold_map_input(debate=debate)
    gold_map = build_map(gold)
    documents = adjudicated_layers(debate=debate)
    gold_spans: defaultdict[int, list[AnnotatedSpan]] = defaultdict(list)
    for span in gold.spans:
        gold_spans[int(span.document_id)].append(
            AnnotatedSpan(span.id, GOLD, span.start, span.end, span.stance, span.role)
        )
    layers: defaultdict[str, list[AnnotatedDocument]] = defaultdict(list)
    for document in documents:
        for name in document.annotators:
            layers[name].append(_one_layer(document, name))
    compared = [
        _compare(name, False, layers[name], gold, gold_map, gold_spans) for name in sorted(layers)
    ]
    if documents:
        majority = [_majority_document(document) for document in documents]
        compared.append(_compare("majority", True, majority, gold, gold_map, gold_spans))
    return MapAgreement(
        debate=debate,
        documents=len(gold.documents),
        gold_arguments=len(gold_map.arguments),
        gold_edges=sum(edge.kind in COMPARED_EDGE_KINDS for edge in gold_map.edges),
        layers=tuple(compared),
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
    name: str,
    majority: bool,
    documents: Sequence[AnnotatedDocument],
    gold: MapInput,
    gold_map: ArgumentMap,
    gold_spans: dict[int, list[AnnotatedSpan]],
) -> LayerMapAgreement:
    try:
        layer_map = build_map(layer_map_input(gold, documents))
    except MapInputError as error:
        return LayerMapAgreement(name, majority, len(documents), None, str(error))
    layer_units, gold_units = _units(documents, gold_spans)
    comparison = compare_maps(
        layer_map,
        gold_map,
        layer_units=layer_units,
        gold_units=gold_units,
        documents={str(document.id) for document in documents},
    )
    return LayerMapAgreement(name, majority, len(documents), comparison)


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
