"""Reads of annotations, each through the one visibility rule (``visible_to``)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case, IntegerField, QuerySet, Value, When

from annotations.models import GOLD, AssignmentStatus, Relation, RelationEvent, Span, SpanEvent
from debate.models import Debate, Document
from debate.selectors import document_list

MINE = "mine"
ALL = "all"


def _in_layer(queryset: QuerySet, *, user: AbstractBaseUser, layer: str) -> QuerySet:
    if layer == ALL:
        return queryset
    if layer == GOLD:
        return queryset.filter(annotator__isnull=True)
    if layer == MINE:
        return queryset.filter(annotator=user)
    return queryset.filter(annotator__username=layer)


def span_list(*, user: AbstractBaseUser, document: Document, layer: str = MINE) -> QuerySet[Span]:
    """Return the spans of one layer of a document that the user may see, in text order.

    ``layer`` is ``mine``, ``gold``, ``all`` or an annotator's username; a layer the user may
    not read comes back empty, exactly like one without spans.
    """
    spans = Span.objects.visible_to(user).filter(document=document)
    return (
        _in_layer(spans, user=user, layer=layer)
        .select_related("annotator", "created_by")
        .order_by("start", "end", "id")
    )


def span_get(*, user: AbstractBaseUser, pk: int) -> Span:
    """Return one span the user may see; raise Span.DoesNotExist otherwise."""
    return (
        Span.objects.visible_to(user)
        .select_related("annotator", "created_by", "document__debate")
        .get(pk=pk)
    )


def span_history(*, user: AbstractBaseUser, span_pk: int) -> QuerySet[SpanEvent]:
    """Return the recorded changes of a span (even a deleted one) the user may see, oldest first."""
    return (
        SpanEvent.objects.visible_to(user)
        .filter(span_pk=span_pk)
        .select_related("by")
        .order_by("id")
    )


def relation_list(
    *, user: AbstractBaseUser, document: Document, layer: str = MINE
) -> QuerySet[Relation]:
    """Return the relations of one layer of a document that the user may see."""
    relations = Relation.objects.visible_to(user).filter(document=document)
    return (
        _in_layer(relations, user=user, layer=layer)
        .select_related("annotator", "created_by")
        .order_by("id")
    )


def relation_get(*, user: AbstractBaseUser, pk: int) -> Relation:
    """Return one relation the user may see; raise Relation.DoesNotExist otherwise."""
    return (
        Relation.objects.visible_to(user)
        .select_related("annotator", "created_by", "document__debate")
        .get(pk=pk)
    )


def relation_history(*, user: AbstractBaseUser, relation_pk: int) -> QuerySet[RelationEvent]:
    """Return the recorded changes of a relation (even a deleted one) the user may see."""
    return (
        RelationEvent.objects.visible_to(user)
        .filter(relation_pk=relation_pk)
        .select_related("by")
        .order_by("id")
    )


def relation_endpoint(*, user: AbstractBaseUser, document: Document, pk: int) -> Span | None:
    """Return a span of this document the user may see, to link from or to; None otherwise."""
    return (
        Span.objects.visible_to(user)
        .filter(document=document, pk=pk)
        .select_related("annotator")
        .first()
    )


def queue_next(*, user: AbstractBaseUser, debate: Debate) -> Document | None:
    """Return the document the user should annotate next: work in progress first, then new."""
    return (
        document_list(user=user, debate=debate)
        .filter(my_status__in=[AssignmentStatus.IN_PROGRESS, AssignmentStatus.ASSIGNED])
        .defer("text")
        .order_by(
            Case(
                When(my_status=AssignmentStatus.IN_PROGRESS, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "id",
        )
        .first()
    )
