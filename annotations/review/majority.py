"""The majority-vote layer of a document: what most annotators agree on, before any review.

Pure: plain dataclasses in, plain dataclasses out, no Django. The map app builds a preview
map from it, to compare with the gold map.

- A unit of the N-way alignment (``align_spans`` over every submitted layer) is in the layer
  when more than half of the document's annotators gave it the same stance and role. Half is
  not enough: with two annotators both must agree, with three two of them.
- Its span is one of theirs, the representative: the span whose boundaries most of them
  share, the first annotator by name breaking a tie. Boundaries, quote and speaker are the
  representative's; stance and role are the majority's (the representative's own).
- A relation is in the layer when more than half of the annotators link the same two units in
  the same direction with the same type, and both units are in the layer; it joins the two
  units' representatives.

Every span of the layer is an annotator's span with its own id, so whatever is built from the
layer can be traced back to the spans it came from.
"""

from collections import Counter
from dataclasses import dataclass

from annotations.review.agreement import AnnotatedDocument, AnnotatedRelation, unit_links
from annotations.review.alignment import AnnotatedSpan, align_spans


@dataclass(frozen=True, slots=True)
class MajorityLayer:
    """The spans and relations of a document's majority-vote layer, spans in text order."""

    document_id: int
    spans: tuple[AnnotatedSpan, ...]
    relations: tuple[AnnotatedRelation, ...]


def majority_layer(document: AnnotatedDocument) -> MajorityLayer:
    """Return the spans and relations more than half of a document's annotators agree on."""
    alignment = align_spans(document.spans, document.annotators)
    needed = len(alignment.annotators) // 2 + 1
    representative: dict[int, AnnotatedSpan] = {}
    for index, unit in enumerate(alignment.units):
        labels = Counter((span.stance, span.role) for span in unit.spans)
        (label, votes), *_ = sorted(labels.items(), key=lambda item: -item[1])
        if votes < needed:
            continue  # a majority is more than half, so at most one label can have it
        agreeing = [span for span in unit.spans if (span.stance, span.role) == label]
        boundaries = Counter((span.start, span.end) for span in agreeing)
        # unit.spans is ordered by annotator, and max keeps the first of equal counts.
        representative[index] = max(agreeing, key=lambda span: boundaries[span.start, span.end])
    relations = []
    for (source, target), by_annotator in sorted(unit_links(alignment, document.relations).items()):
        if source not in representative or target not in representative:
            continue
        votes = Counter(kind for types in by_annotator.values() for kind in types)
        relations.extend(
            AnnotatedRelation(representative[source].id, representative[target].id, kind)
            for kind in sorted(votes)
            if votes[kind] >= needed
        )
    return MajorityLayer(
        document_id=document.id,
        spans=tuple(representative[index] for index in sorted(representative)),
        relations=tuple(relations),
    )
