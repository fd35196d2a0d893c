"""Reads of a debate's submitted annotator layers as the pure agreement modules take them.

Spans and relations are read as plain tuples in bulk, a query each, whatever the number of
documents; a layer that was not submitted is never read.
"""

from collections import defaultdict
from collections.abc import Collection

import numpy as np
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce, Length

from annotations.models import Assignment, AssignmentStatus, Relation, Span
from annotations.review.agreement import AnnotatedDocument, AnnotatedRelation
from annotations.review.agreement.quick import LayerColumns
from annotations.review.alignment import ACTOR, ROLE, STANCE, AnnotatedSpan
from core.db.any_of import AnyOf
from core.db.integer_columns import integer_columns
from debate.models import Debate, Document, DocumentStatus
from debate.scheme import scheme_keys

SPAN_COLUMNS = ("pk", "document_id", "annotator_id", "start", "end", "stance", "role", "actor_id")
# The fields of ``AnnotatedSpan`` up to ``actor`` (the annotator's id for their name), then
# the document.
SPAN_ROW_COLUMNS = (
    "pk",
    "annotator_id",
    "start",
    "end",
    "stance",
    "role",
    "actor_id",
    "document_id",
)


def annotated_documents(
    *, debate: Debate, document_ids: Collection[int] | None = None
) -> list[AnnotatedDocument]:
    """Return every document of a debate with two or more submitted layers, in four queries.

    ``document_ids`` limits the read to those documents.
    """
    return _submitted_layers(
        debate=debate, status=None, fewest=2, quotes=False, document_ids=document_ids
    )


def annotated_rows(
    *, debate: Debate, document_ids: Collection[int]
) -> list[tuple[int, int, dict[int, str], list[tuple], list[tuple[int, int, str]]]]:
    """Return ``annotated_documents`` of ``document_ids`` as ``rows_tally`` takes them.

    Each document as (id, text length, its layers' names by annotator id, span rows, relation
    rows), by id; a span row is ``SPAN_ROW_COLUMNS`` (``rows_tally`` reads the first seven).
    Tuples as the database driver gives them: no object is built per span. The ids go to
    the database as one array (``AnyOf``), not a parameter each.
    """
    compared, lengths = _compared_layers(debate=debate, document_ids=document_ids)
    if not compared:
        return []
    ids = list(compared)
    # Fetched whole, not by a server-side cursor, which PostgreSQL plans for the first rows
    # (an index scan a document) where the whole answer is wanted (one bitmap scan).
    spans: dict[int, list[tuple]] = {pk: [] for pk in compared}
    for row in (
        Span.objects.filter(AnyOf("document_id", ids), annotator__isnull=False)
        .values_list(*SPAN_ROW_COLUMNS)
        .order_by()
    ):
        if row[1] in compared[row[7]]:  # a layer that was not submitted is not compared
            spans[row[7]].append(row)
    relations = _relation_rows(ids, compared)
    return [
        (pk, lengths[pk], compared[pk], spans[pk], relations.get(pk, [])) for pk in sorted(compared)
    ]


def layer_columns(*, debate: Debate, document_ids: Collection[int]) -> LayerColumns:
    """Return the submitted layers of the compared ``document_ids`` as columns, for ``quick_tally``.

    The same documents, layers, spans and relations as ``annotated_rows``; the spans' values
    read as integers packed by the database (``integer_columns``), no Python object a span. Labels
    are coded by the database: the scheme's first, then any other a span holds.
    """
    compared, lengths = _compared_layers(debate=debate, document_ids=document_ids)
    ids = sorted(compared)
    spans = Span.objects.filter(AnyOf("document_id", ids), annotator__isnull=False)
    labels = {
        "stance": scheme_keys(debate.scheme, "stances"),
        "role": scheme_keys(debate.scheme, "roles"),
    }
    read = _coded_spans(spans, labels) if ids else [np.zeros(0, dtype=np.int64)] * 8
    unknown = {field: (read[place] < 0).any() for place, field in ((5, "stance"), (6, "role"))}
    if any(unknown.values()):
        # A label the scheme no longer has (it was edited): coded after the scheme's, read again.
        for field in (field for field, found in unknown.items() if found):
            labels[field] = [
                *labels[field],
                *sorted(
                    spans.exclude(**{f"{field}__in": labels[field]})
                    .values_list(field, flat=True)
                    .distinct()
                    .order_by()
                ),
            ]
        read = _coded_spans(spans, labels)
    document, span_id, annotator, start, end, stance, role, actor = read
    actors, actor_codes = np.unique(actor, return_inverse=True)
    columns = LayerColumns(
        documents=[(pk, lengths[pk], compared[pk]) for pk in ids],
        document=np.searchsorted(np.array(ids, dtype=np.int64), document),
        span_id=span_id,
        annotator=annotator,
        start=start,
        end=end,
        stance=stance,
        role=role,
        actor=actor_codes.astype(np.int64),
        values={
            STANCE: labels["stance"],
            ROLE: labels["role"],
            ACTOR: [None if pk == -1 else int(pk) for pk in actors.tolist()],
        },
        relations=_relation_rows(ids, compared),
    )
    # Only the submitted layers' spans, dropped here: a join in the query cost PostgreSQL a
    # fifth more.
    _layer, submitted = columns.layers(columns.names())
    return columns.spans_only(submitted)


def _relation_rows(
    ids: list[int], compared: dict[int, dict[int, str]]
) -> dict[int, list[tuple[int, int, str]]]:
    """Return the relations (source, target, type) of the compared layers, by document.

    Only documents with some are keys.
    """
    relations: defaultdict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for document_id, annotator_id, source, target, type_ in (
        Relation.objects.filter(AnyOf("document_id", ids), annotator__isnull=False)
        .values_list("document_id", "annotator_id", "source_id", "target_id", "type")
        .order_by()
    ):
        if annotator_id in compared[document_id]:
            relations[document_id].append((source, target, type_))
    return dict(relations)


def _coded_spans(spans: QuerySet[Span], labels: dict[str, list[str]]) -> list[np.ndarray]:
    """Return the spans' columns: document, id, annotator, start, end, stance, role, actor."""
    coded = spans.values_list(
        "document_id",
        "id",
        "annotator_id",
        "start",
        "end",
        *(_code(field, labels[field]) for field in ("stance", "role")),
        Coalesce("actor_id", -1),
    ).order_by()
    return integer_columns(coded, 8)


def _code(field: str, labels: list[str]) -> Case:
    """Return a label's place in ``labels``, as the database computes it."""
    return Case(
        *(When(**{field: label}, then=Value(place)) for place, label in enumerate(labels)),
        default=Value(-1),
        output_field=IntegerField(),
    )


def _compared_layers(
    *, debate: Debate, document_ids: Collection[int]
) -> tuple[dict[int, dict[int, str]], dict[int, int]]:
    """Return the layers' names by annotator id of the documents compared, and text lengths.

    Compared: in the debate, with two or more submitted layers.
    """
    # The debate is checked by the documents' read alone: joined to every query, the
    # documents of the whole debate were read again for each chunk.
    layers: defaultdict[int, dict[int, str]] = defaultdict(dict)
    for document_id, annotator_id, username in Assignment.objects.filter(
        AnyOf("document_id", list(document_ids)), status=AssignmentStatus.SUBMITTED
    ).values_list("document_id", "annotator_id", "annotator__username"):
        layers[document_id][annotator_id] = username
    submitted = [pk for pk, names in layers.items() if len(names) >= 2]
    if not submitted:
        return {}, {}
    lengths = dict(
        Document.objects.filter(AnyOf("pk", submitted), debate=debate)
        .annotate(text_length=Length("text"))
        .values_list("pk", "text_length")
        .order_by()
    )
    return {pk: layers[pk] for pk in submitted if pk in lengths}, lengths


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
