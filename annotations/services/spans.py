"""Writes of spans: create (one, a bulk request, or a batch), change and delete.

Every function takes the target layer explicitly (``annotator``: a user, or None for gold),
checks that ``by`` may write it under the rule of the caller's path (``permission``: the
layer's own writer unless said), checks the span with ``rules.span_errors``, refuses a
submitted layer and records each change in the span's history, in the same transaction.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations.fields import SPAN_VALUES, SpanValues, span_column
from annotations.models import (
    Assignment,
    AssignmentStatus,
    Relation,
    RelationEvent,
    Span,
    SpanEvent,
    SpanEventAction,
)
from annotations.permissions import LayerRule, layer_write_refusal
from annotations.services.history import relation_event, span_event, span_snapshot
from annotations.services.layers import layer_open, layer_write_check
from annotations.services.rules import debate_actor_ids, span_errors
from core.db.guarded_insert import Guard, insert_guarded
from debate.models import Document, DocumentStatus
from debate.permissions import DebateAccess

MAX_BULK = 1000


class StaleVersion(Exception):
    """The span changed (or went) since the caller read it; nothing was written."""

    def __init__(self, current_version: int | None):
        self.current_version = current_version
        super().__init__(
            "The span was deleted since you read it."
            if current_version is None
            else f"The span is at version {current_version} now; read it again and retry."
        )


class IdempotencyKeyReused(Exception):
    """A client_id already names a span created from a different request."""


class BulkValidationError(Exception):
    """Some items of a bulk write are invalid: messages by list index, then field."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid item(s)")


@dataclass(frozen=True)
class SpanInput(SpanValues):
    """A span's values as a writer gives them, with the client's key for a retried create."""

    client_id: str = ""


@dataclass(frozen=True)
class SpanWrite:
    span: Span
    created: bool


def _values(item: SpanValues) -> dict[str, Any]:
    """Return a writer's values by name (``dataclasses.asdict`` copies them deeply, slowly)."""
    return {name: getattr(item, name) for name in SPAN_VALUES}


def _span_from_input(
    *, document: Document, annotator: AbstractBaseUser | None, by: AbstractBaseUser, item
) -> Span:
    """Return an unsaved span of a layer with the values a writer gave."""
    return Span(
        document=document,
        annotator=annotator,
        created_by=by,
        client_id=getattr(item, "client_id", ""),
        **{span_column(name): getattr(item, name) for name in SPAN_VALUES},
    )


def span_replay(
    *, by: AbstractBaseUser, client_id: str, document: Document, item: SpanInput
) -> Span | None:
    """Return the span an earlier request with this client_id created, or None.

    The key is the client's promise that the request is the same; a key reused for a
    different span is refused (IdempotencyKeyReused) rather than answered with the wrong span.
    """
    span = (
        Span.objects.select_related("annotator", "created_by")
        .filter(created_by=by, client_id=client_id)
        .first()
    )
    if span is None:
        return None
    created = (
        SpanEvent.objects.filter(span_pk=span.pk, action=SpanEventAction.CREATED)
        .values_list("after", flat=True)
        .first()
    ) or span_snapshot(span)
    requested = {name: getattr(item, name) for name in SPAN_VALUES}
    original = {name: created.get(name) for name in SPAN_VALUES}
    if created.get("document") != document.pk or requested != original:
        raise IdempotencyKeyReused(
            f"The key {client_id!r} was used for a different span; use a new key."
        )
    return span


def _replayed(*, by, document: Document, item: SpanInput) -> SpanWrite:
    """Answer an insert its client_id refused with the span the key names."""
    if not item.client_id:
        raise IntegrityError("The span was not inserted.")
    replayed = span_replay(by=by, client_id=item.client_id, document=document, item=item)
    if replayed is None:
        raise IntegrityError(f"The key {item.client_id!r} is taken, but by no span.")
    return SpanWrite(span=replayed, created=False)


def span_create(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    data: SpanInput,
    reason: str = "",
    access: DebateAccess | None = None,
    permission: LayerRule = layer_write_refusal,
) -> SpanWrite:
    """Create one span in a layer (``annotator``, None for gold); replay a known client_id.

    ``access`` is ``by``'s access to the document's debate if the caller read it already.
    Raises ValidationError by field, PermissionDenied, LayerSubmitted or IdempotencyKeyReused.
    """
    layer_write_check(
        by=by, document=document, annotator=annotator, access=access, permission=permission
    )
    errors = span_errors(document=document, values=_values(data))
    if errors:
        raise ValidationError(errors)
    return span_insert(document=document, annotator=annotator, by=by, item=data, reason=reason)


def span_insert(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    reason: str,
) -> SpanWrite:
    """Write a checked span and its history into its layer: span creation's database step.

    While the layer is being worked on, the span and its history event go in one guarded
    insert (the layer's assignment must still be in progress; a concurrent submit waits for
    it, or it sees the submission: test_a_save_during_a_submit_waits_for_it_and_is_refused).
    Otherwise the layer is opened first, in a transaction. A taken client_id inserts nothing
    and the earlier span answers
    (test_the_unique_constraint_decides_a_retry_so_no_look_up_slows_first_saves).
    """
    if document.status != DocumentStatus.NEW:
        span = _span_from_input(document=document, annotator=annotator, by=by, item=item)
        event = span_event(
            span=span,
            action=SpanEventAction.CREATED,
            by=by,
            before=None,
            after=span_snapshot(span),
            reason=reason,
        )
        # An annotator's layer takes the span while its assignment is in progress; gold always.
        guard = None
        if annotator is not None:
            guard = Guard(
                model=Assignment,
                where={"document": document.pk, "annotator": annotator.pk},
                field="status",
                allowed=AssignmentStatus.IN_PROGRESS,
            )
        outcome = insert_guarded(row=span, follower=event, link="span_pk", guard=guard)
        if annotator is None or outcome.guard == AssignmentStatus.IN_PROGRESS:
            if outcome.pk is None:
                return _replayed(by=by, document=document, item=item)
            return SpanWrite(span=span, created=True)
    return _span_insert_opening_layer(
        document=document, annotator=annotator, by=by, item=item, reason=reason
    )


@transaction.atomic
def _span_insert_opening_layer(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    reason: str,
) -> SpanWrite:
    layer_open(document=document, annotator=annotator)
    return _span_save(document=document, annotator=annotator, by=by, item=item, reason=reason)


def _span_save(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    reason: str,
) -> SpanWrite:
    span = _span_from_input(document=document, annotator=annotator, by=by, item=item)
    try:
        # Insert first and look for the earlier span only when the key is taken: a retry is
        # rare, and a look-up before every insert would be a query on every save. The
        # savepoint keeps the transaction usable when the insert is refused.
        with transaction.atomic():
            span.save(force_insert=True)
    except IntegrityError:
        if not item.client_id:
            raise
        # The key was used before (a retry, or a concurrent one that won): that span answers.
        return _replayed(by=by, document=document, item=item)
    span_event(
        span=span,
        action=SpanEventAction.CREATED,
        by=by,
        before=None,
        after=span_snapshot(span),
        reason=reason,
    ).save()
    return SpanWrite(span=span, created=True)


def _items_errors(
    document: Document, items: Sequence[SpanInput]
) -> dict[int, dict[str, list[str]]]:
    """Return the errors of each invalid item by index, with the actors read in one query."""
    actors = debate_actor_ids(document, [item.actor for item in items if item.actor is not None])
    errors: dict[int, dict[str, list[str]]] = {}
    seen_keys: dict[str, int] = {}
    for index, item in enumerate(items):
        item_errors = span_errors(document=document, values={**_values(item), "actor": None})
        if item.actor is not None and item.actor not in actors:
            item_errors["actor"] = [f"No actor {item.actor} in this debate."]
        if item.client_id:
            if item.client_id in seen_keys:
                item_errors["client_id"] = [f"Also used by item {seen_keys[item.client_id]}."]
            seen_keys.setdefault(item.client_id, index)
        if item_errors:
            errors[index] = item_errors
    return errors


@transaction.atomic
def span_bulk_create(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    items: Sequence[SpanInput],
    reason: str = "",
) -> list[SpanWrite]:
    """Create spans in one layer, all or none; items whose client_id was seen are replayed.

    Raises BulkValidationError with the messages of every invalid item by index.
    """
    if not items:
        raise ValidationError("Send at least one span.")
    if len(items) > MAX_BULK:
        raise ValidationError(f"Send at most {MAX_BULK} spans at once.")
    layer_write_check(by=by, document=document, annotator=annotator)
    errors = _items_errors(document, items)
    if errors:
        raise BulkValidationError(errors)
    layer_open(document=document, annotator=annotator)
    return [
        _span_save(document=document, annotator=annotator, by=by, item=item, reason=reason)
        for item in items
    ]


@transaction.atomic
def spans_create_many(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    items: Sequence[SpanInput],
    reason: str,
    access: DebateAccess | None = None,
    permission: LayerRule = layer_write_refusal,
) -> list[Span]:
    """Create a batch of spans in one layer, all or none, with their history, in bulk.

    The rules are ``span_create``'s, checked for every item first (BulkValidationError names
    the invalid ones by index); the spans and their history events are then written in two
    bulk inserts, as an import of thousands needs. Items carry no client_id.
    """
    layer_write_check(
        by=by, document=document, annotator=annotator, access=access, permission=permission
    )
    errors = _items_errors(document, items)
    if errors:
        raise BulkValidationError(errors)
    layer_open(document=document, annotator=annotator)
    spans = Span.objects.bulk_create(
        [
            _span_from_input(document=document, annotator=annotator, by=by, item=item)
            for item in items
        ]
    )
    SpanEvent.objects.bulk_create(
        span_event(
            span=span,
            action=SpanEventAction.CREATED,
            by=by,
            before=None,
            after=span_snapshot(span),
            reason=reason,
        )
        for span in spans
    )
    return spans


def _stored_version(pk: int) -> int | None:
    return Span.objects.filter(pk=pk).values_list("version", flat=True).first()


def span_lock(
    *,
    span: Span,
    by: AbstractBaseUser,
    expected_version: int | None,
    permission: LayerRule = layer_write_refusal,
) -> Span:
    """Return the span's row locked, after checking who writes it and which version, in order.

    Raises StaleVersion (gone, or not at ``expected_version``) or PermissionDenied.
    """
    current = (
        Span.objects.select_for_update(of=("self",))
        .select_related("document__debate", "annotator")
        .filter(pk=span.pk)
        .first()
    )
    if current is None:
        raise StaleVersion(None)
    layer_write_check(
        by=by, document=current.document, annotator=current.annotator, permission=permission
    )
    if expected_version is not None and current.version != expected_version:
        raise StaleVersion(current.version)
    return current


@transaction.atomic
def span_update(
    *,
    span: Span,
    by: AbstractBaseUser,
    expected_version: int | None,
    changes: dict[str, Any],
    reason: str = "",
    permission: LayerRule = layer_write_refusal,
) -> Span:
    """Change a span if it is still at ``expected_version`` (None: whatever it is now).

    The row is locked and the write is conditional on the version, so of two writers that
    read the same version exactly one succeeds; the other gets StaleVersion and changes
    nothing (test_concurrent_writers_of_one_version_exactly_one_wins).
    """
    unknown = set(changes) - set(SPAN_VALUES)
    if unknown:
        raise ValidationError({field: ["This field cannot be changed."] for field in unknown})
    current = span_lock(span=span, by=by, expected_version=expected_version, permission=permission)
    document = current.document
    before = span_snapshot(current)
    values = {**{name: before[name] for name in SPAN_VALUES}, **changes}
    errors = span_errors(document=document, values=values)
    if errors:
        raise ValidationError(errors)
    if all(values[name] == before[name] for name in SPAN_VALUES):
        return current
    layer_open(document=document, annotator=current.annotator)
    now = timezone.now()
    updated = Span.objects.filter(pk=current.pk, version=current.version).update(
        **{span_column(name): values[name] for name in changes},
        version=F("version") + 1,
        updated_at=now,
    )
    if updated != 1:
        raise StaleVersion(_stored_version(current.pk))
    for name in changes:
        setattr(current, span_column(name), values[name])
    current.version += 1
    current.updated_at = now
    span_event(
        span=current,
        action=SpanEventAction.UPDATED,
        by=by,
        before=before,
        after=span_snapshot(current),
        reason=reason,
    ).save()
    return current


@transaction.atomic
def span_delete(
    *,
    span: Span,
    by: AbstractBaseUser,
    expected_version: int | None,
    reason: str = "",
    permission: LayerRule = layer_write_refusal,
) -> None:
    """Delete a span (and the relations to and from it) if still at ``expected_version``."""
    current = span_lock(span=span, by=by, expected_version=expected_version, permission=permission)
    layer_open(document=current.document, annotator=current.annotator)
    relations = list(
        Relation.objects.filter(Q(source=current) | Q(target=current)).select_related("annotator")
    )
    before = span_snapshot(current)
    if relations:
        # Relations go with the span; name them so the span's history shows what else went.
        before["relations"] = sorted(
            [
                relation.target_id if relation.source_id == current.pk else relation.source_id,
                relation.type,
            ]
            for relation in relations
        )
    deleted = Span.objects.filter(pk=current.pk, version=current.version).delete()[0]
    if not deleted:
        raise StaleVersion(_stored_version(current.pk))
    span_event(
        span=current,
        action=SpanEventAction.DELETED,
        by=by,
        before=before,
        after=None,
        reason=reason,
    ).save()
    RelationEvent.objects.bulk_create(
        relation_event(
            relation=relation,
            action=SpanEventAction.DELETED,
            by=by,
            reason=f"span {current.pk} was deleted",
        )
        for relation in relations
    )
