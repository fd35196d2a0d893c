"""The history of annotations: what a span or relation was, recorded with every change.

Each write of the services records one event in the transaction that changes the row, so a
change and its history commit or roll back together.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from annotations.fields import SPAN_VALUES, span_column
from annotations.models import GOLD, Relation, RelationEvent, Span, SpanEvent, SpanEventAction


def layer_name(annotator: AbstractBaseUser | None) -> str:
    """Return a layer's name: ``gold`` or the annotator's username."""
    return GOLD if annotator is None else annotator.get_username()


def span_snapshot(span: Span) -> dict[str, Any]:
    """Return the state of a span as history stores it (``fields.SPAN_SNAPSHOT``)."""
    return {
        "document": span.document_id,
        "layer": layer_name(span.annotator),
        **{name: getattr(span, span_column(name)) for name in SPAN_VALUES},
        "version": span.version,
    }


def relation_snapshot(relation: Relation) -> dict[str, Any]:
    """Return the state of a relation as history stores it."""
    return {
        "document": relation.document_id,
        "layer": layer_name(relation.annotator),
        "source": relation.source_id,
        "target": relation.target_id,
        "type": relation.type,
    }


def span_event(
    *,
    span: Span,
    action: str,
    by: AbstractBaseUser,
    before: dict | None,
    after: dict | None,
    reason: str = "",
) -> SpanEvent:
    """Return the unsaved history event of one change to a span."""
    return SpanEvent(
        span_pk=span.pk,
        document_id=span.document_id,
        annotator_id=span.annotator_id,
        action=action,
        by=by,
        before=before,
        after=after,
        reason=reason,
    )


def relation_event(
    *,
    relation: Relation,
    action: str,
    by: AbstractBaseUser,
    before: dict | None = None,
    reason: str = "",
) -> RelationEvent:
    """Return the unsaved history event of a relation created, changed or deleted.

    A creation records the relation after, a deletion before; a change records ``before``
    and the relation as it is now.
    """
    snapshot = relation_snapshot(relation)
    if action == SpanEventAction.UPDATED:
        before, after = before, snapshot
    elif action == SpanEventAction.CREATED:
        before, after = None, snapshot
    else:
        before, after = snapshot, None
    return RelationEvent(
        relation_pk=relation.pk,
        document_id=relation.document_id,
        annotator_id=relation.annotator_id,
        action=action,
        by=by,
        before=before,
        after=after,
        reason=reason,
    )
