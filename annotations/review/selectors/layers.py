"""Reads of a debate's submitted annotator layers as the pure agreement modules take them.

Spans and relations are read as plain tuples in bulk, a query each, whatever the number of
documents; a layer that was not submitted is never read.
"""

from collections import defaultdict
from collections.abc import Collection

from django.db.models.functions import Length

from annotations.models import Assignment, AssignmentStatus, Relation, Span
from annotations.review.agreement import AnnotatedDocument, AnnotatedRelation
from annotations.review.alignment import AnnotatedSpan
from debate.models import Debate, Document, DocumentStatus

SPAN_COLUMNS = ("pk", "document_id", "annotator_id", "start", "end", "stance", "role", "actor_id")


def annotated_documents(
    *, debate: Debate, document_ids: Collection[int] | None = None
) -> list[AnnotatedDocument]:
    """Return every document of a debate with two or more submitted layers, in four queries.

    ``document_ids`` limits the read to those documents.
    """
    return _submitted_layers(
        debate=debate, status=None, fewest=2, quotes=False, document_ids=document_ids
    )


def adjudicated_layers(*, debate: Debate) -> list[AnnotatedDocument]:
    """Return the adjudicated documents of a debate with every submitted layer, in four queries.

    Spans carry their quotes, since what is built from them (a layer's map) quotes them.
    """
    return _submitted_layers(
        debate=debate, status=DocumentStatus.ADJUDICATED, fewest=1, quotes=True
    )


def _submitted_layers(
    *,
    debate: Debate,
    status: str | None,
    fewest: int,
    quotes: bool,
    document_ids: Collection[int] | None = None,
) -> list[AnnotatedDocument]:
    assignments = Assignment.objects.filter(
        document__debate=debate, status=AssignmentStatus.SUBMITTED
    )
    if document_ids is not None:
        assignments = assignments.filter(document_id__in=document_ids)
    if status is not None:
        assignments = assignments.filter(document__status=status)
    layers: defaultdict[int, dict[int, str]] = defaultdict(dict)
    for document_id, annotator_id, username in assignments.values_list(
        "document_id", "annotator_id", "annotator__username"
    ):
        layers[document_id][annotator_id] = username
    compared = {pk: names for pk, names in layers.items() if len(names) >= fewest}
    if not compared:
        return []
    lengths = dict(
        Document.objects.filter(pk__in=compared)
        .annotate(text_length=Length("text"))
        .values_list("pk", "text_length")
    )
    in_layers = {"document__debate": debate, "annotator__isnull": False}
    spans: defaultdict[int, list[AnnotatedSpan]] = defaultdict(list)
    rows = (
        Span.objects.filter(**in_layers)
        .filter(document_id__in=compared)
        .values_list(*SPAN_COLUMNS, *(("quote",) if quotes else ()))
        .order_by()
    )
    for pk, document_id, annotator_id, start, end, stance, role, actor_id, *quote in rows.iterator(
        chunk_size=5000
    ):
        name = compared[document_id].get(annotator_id)
        if name is None:
            continue  # a layer that was not submitted is not compared
        spans[document_id].append(
            AnnotatedSpan(pk, name, start, end, stance, role, actor_id, *quote)
        )
    relations: defaultdict[int, list[AnnotatedRelation]] = defaultdict(list)
    for document_id, annotator_id, source, target, type_ in (
        Relation.objects.filter(**in_layers)
        .filter(document_id__in=compared)
        .values_list("document_id", "annotator_id", "source_id", "target_id", "type")
        .order_by()
        .iterator(chunk_size=5000)
    ):
        if annotator_id in compared[document_id]:
            relations[document_id].append(AnnotatedRelation(source, target, type_))
    return [
        AnnotatedDocument(
            id=pk,
            text_length=lengths[pk],
            annotators=tuple(sorted(compared[pk].values())),
            spans=tuple(spans[pk]),
            relations=tuple(relations[pk]),
        )
        for pk in sorted(compared)
    ]
