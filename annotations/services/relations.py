"""Writes of relations: link two spans of one layer, change a link, remove it.

As for spans, ``by`` must pass the rule of the caller's path (``permission``: the layer's
own writer unless said), the relation must keep ``rules.relation_errors``, a submitted layer
is refused, and every change is recorded in the relation's history.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from annotations.models import Relation, RelationEvent, Span, SpanEventAction
from annotations.permissions import LayerRule, layer_write_refusal
from annotations.services.history import relation_event, relation_snapshot
from annotations.services.layers import layer_open, layer_write_check
from annotations.services.rules import relation_errors
from debate.models import Document
from debate.permissions import DebateAccess

DUPLICATE = "These spans already have this relation."


@dataclass(frozen=True)
class Link:
    """A relation to create: from one span to another, of a type."""

    source: Span
    target: Span
    type: str


@transaction.atomic
def relation_create(
    *,
    document: Document,
    by: AbstractBaseUser,
    source: Span,
    target: Span,
    type: str,
    reason: str = "",
    permission: LayerRule = layer_write_refusal,
) -> Relation:
    """Link two spans of the same document and layer; the layer must be writable by ``by``."""
    errors = relation_errors(document=document, source=source, target=target, type=type)
    if errors:
        raise ValidationError(errors)
    layer_write_check(by=by, document=document, annotator=source.annotator, permission=permission)
    if Relation.objects.filter(source=source, target=target, type=type).exists():
        raise ValidationError({"non_field_errors": [DUPLICATE]})
    layer_open(document=document, annotator=source.annotator)
    relation = Relation.objects.create(
        document=document,
        annotator=source.annotator,
        source=source,
        target=target,
        type=type,
        created_by=by,
    )
    relation_event(relation=relation, action=SpanEventAction.CREATED, by=by, reason=reason).save()
    return relation


@transaction.atomic
def relations_create_many(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    links: Sequence[Link],
    reason: str,
    access: DebateAccess | None = None,
    permission: LayerRule = layer_write_refusal,
) -> list[Relation]:
    """Create a batch of relations in one layer, all or none, with their history, in bulk.

    Each link keeps ``relation_create``'s rules (ValidationError names the first that does
    not; a relation the layer holds already is refused by the table's unique constraint);
    the relations and their history events are written in two bulk inserts.
    """
    layer_write_check(
        by=by, document=document, annotator=annotator, access=access, permission=permission
    )
    seen: set[tuple[int, int, str]] = set()
    for link in links:
        errors = relation_errors(
            document=document, source=link.source, target=link.target, type=link.type
        )
        if link.source.annotator_id != (None if annotator is None else annotator.pk):
            errors.setdefault("source", []).append("Must be in the layer written.")
        key = (link.source.pk, link.target.pk, link.type)
        if key in seen:
            errors.setdefault("non_field_errors", []).append(DUPLICATE)
        seen.add(key)
        if errors:
            raise ValidationError(errors)
    layer_open(document=document, annotator=annotator)
    relations = Relation.objects.bulk_create(
        Relation(
            document=document,
            annotator=annotator,
            source=link.source,
            target=link.target,
            type=link.type,
            created_by=by,
        )
        for link in links
    )
    RelationEvent.objects.bulk_create(
        relation_event(relation=relation, action=SpanEventAction.CREATED, by=by, reason=reason)
        for relation in relations
    )
    return relations


@transaction.atomic
def relation_update(
    *,
    relation: Relation,
    by: AbstractBaseUser,
    source: Span,
    target: Span,
    type: str,
    reason: str = "",
    permission: LayerRule = layer_write_refusal,
) -> Relation:
    """Point a relation at other spans of its layer, or give it another type.

    The relation keeps ``relation_create``'s rules and stays in its document and layer.
    """
    current = (
        Relation.objects.select_for_update().select_related("document__debate").get(pk=relation.pk)
    )
    errors = relation_errors(document=current.document, source=source, target=target, type=type)
    if not errors and source.annotator_id != current.annotator_id:
        errors["source"] = ["Must be in the relation's layer."]
    if errors:
        raise ValidationError(errors)
    layer_write_check(
        by=by, document=current.document, annotator=current.annotator, permission=permission
    )
    if (current.source_id, current.target_id, current.type) == (source.pk, target.pk, type):
        return current
    duplicate = Relation.objects.filter(source=source, target=target, type=type)
    if duplicate.exclude(pk=current.pk).exists():
        raise ValidationError({"non_field_errors": [DUPLICATE]})
    layer_open(document=current.document, annotator=current.annotator)
    before = relation_snapshot(current)
    current.source, current.target, current.type = source, target, type
    current.save(update_fields=["source", "target", "type"])
    relation_event(
        relation=current, action=SpanEventAction.UPDATED, by=by, before=before, reason=reason
    ).save()
    return current


@transaction.atomic
def relation_delete(
    *,
    relation: Relation,
    by: AbstractBaseUser,
    reason: str = "",
    permission: LayerRule = layer_write_refusal,
) -> None:
    """Delete a relation of a layer writable by ``by``, recording what it was."""
    layer_write_check(
        by=by, document=relation.document, annotator=relation.annotator, permission=permission
    )
    layer_open(document=relation.document, annotator=relation.annotator)
    event = relation_event(relation=relation, action=SpanEventAction.DELETED, by=by, reason=reason)
    relation.delete()
    event.save()
