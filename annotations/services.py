"""Writes of annotations: spans, relations and submissions, each with its history.

Every function takes the target layer explicitly (``annotator``: a user, or None for gold),
checks that ``by`` may write it, validates against the document and its debate, and records
a ``SpanEvent`` in the same transaction. The API and the review workflow both write through
here, so the rules hold whoever calls.
"""

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from annotations.models import (
    GOLD,
    Assignment,
    AssignmentStatus,
    Relation,
    RelationEvent,
    Span,
    SpanEvent,
    SpanEventAction,
)
from annotations.permissions import layer_write_refusal
from core.db.compiled import preparable_cursor
from debate.models import Actor, Document, DocumentStatus
from debate.permissions import DebateAccess
from debate.scheme import scheme_keys
from debate.selectors import debate_access

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


class LayerSubmitted(Exception):
    """The annotator submitted this document; their layer of it no longer changes."""


class IdempotencyKeyReused(Exception):
    """A client_id already names a span created from a different request."""


class BulkValidationError(Exception):
    """Some items of a bulk write are invalid: messages by list index, then field."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        self.errors = errors
        super().__init__(f"{len(errors)} invalid item(s)")


@dataclass(frozen=True)
class SpanInput:
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor: int | None = None
    note: str = ""
    client_id: str = ""


EDITABLE_FIELDS = ("start", "end", "quote", "stance", "role", "actor", "note")


# --- Validation -----------------------------------------------------------------------------
_ZWJ = "\u200d"


def _is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _splits_character(text: str, index: int) -> bool:
    """Return whether an offset falls inside a user-perceived character of ``text``.

    Covers what real text holds (combining and spacing marks, emoji modifiers, variation
    selectors and tags, zero-width-joiner sequences, flag pairs) rather than all of UAX #29.
    """
    if index <= 0 or index >= len(text):
        return False
    before, after = text[index - 1], text[index]
    if unicodedata.category(after) in {"Mn", "Me", "Mc"}:
        return True
    if after == _ZWJ or before == _ZWJ:
        return True
    if "\U0001f3fb" <= after <= "\U0001f3ff" or "\U000e0020" <= after <= "\U000e007f":
        return True
    if _is_regional_indicator(before) and _is_regional_indicator(after):
        run = 0
        while index - run - 1 >= 0 and _is_regional_indicator(text[index - run - 1]):
            run += 1
        return run % 2 == 1
    return False


def _boundary_error(text: str, index: int) -> str | None:
    if not _splits_character(text, index):
        return None
    left, right = index, index
    while _splits_character(text, left):
        left -= 1
    while _splits_character(text, right):
        right += 1
    codes = " ".join(f"U+{ord(char):04X}" for char in text[left:right])
    return (
        f"Offset {index} falls inside the character {text[left:right]!r} ({codes}); "
        f"use {left} or {right}. Offsets count code points, not UTF-16 units."
    )


def span_errors(*, document: Document, values: dict[str, Any]) -> dict[str, list[str]]:
    """Return every reason a span with these values cannot be stored, by field."""
    errors: dict[str, list[str]] = {}
    text = document.text
    start, end, quote = values["start"], values["end"], values["quote"]
    if start < 0:
        errors["start"] = ["Must be 0 or more."]
    elif start >= len(text):
        errors["start"] = [f"Must be less than {len(text)}, the length of the text."]
    if end > len(text):
        errors["end"] = [f"Must be at most {len(text)}, the length of the text in code points."]
    elif end <= start:
        errors["end"] = ["Must be greater than start: a span covers at least one character."]
    if not errors:
        for field, index in (("start", start), ("end", end)):
            message = _boundary_error(text, index)
            if message:
                errors[field] = [message]
        expected = text[start:end]
        if quote != expected:
            errors["quote"] = [f"Must equal text[{start}:{end}], which is {expected!r}."]
    scheme = document.debate.scheme
    for field, part in (("stance", "stances"), ("role", "roles")):
        keys = scheme_keys(scheme, part)
        if values[field] not in keys:
            errors[field] = [f"Must be one of this debate's {part}: {', '.join(keys)}."]
    actor = values.get("actor")
    if actor is not None and not _actor_ids(document, [actor]):
        errors["actor"] = [f"No actor {actor} in this debate."]
    return errors


def _actor_ids(document: Document, ids: Iterable[int]) -> set[int]:
    return set(
        Actor.objects.filter(debate_id=document.debate_id, pk__in=set(ids)).values_list(
            "pk", flat=True
        )
    )


# --- Layers ---------------------------------------------------------------------------------
def _check_writes_layer(
    *,
    by: AbstractBaseUser,
    document: Document,
    annotator: AbstractBaseUser | None,
    access: DebateAccess | None = None,
) -> None:
    # The caller's access is trusted only when it was read for this user and this debate.
    if access is None or access.user_id != by.pk or access.debate_id != document.debate_id:
        access = debate_access(user=by, debate=document.debate)
    refusal = layer_write_refusal(
        access=access, annotator_id=None if annotator is None else annotator.pk
    )
    if refusal:
        raise PermissionDenied(refusal)


def layer_open(*, document: Document, annotator: AbstractBaseUser | None) -> None:
    """Refuse writes to a submitted layer; mark the layer and document as being worked on.

    The assignment row is locked so a concurrent submit waits for this write, or this write
    sees the submission: a submitted layer never changes afterwards.
    """
    if annotator is None:
        return
    assignment = (
        Assignment.objects.select_for_update()
        .filter(document=document, annotator=annotator)
        .first()
    )
    if assignment is None:
        # Working on a document one was not assigned still counts; managers see it as taken.
        Assignment.objects.create(
            document=document, annotator=annotator, status=AssignmentStatus.IN_PROGRESS
        )
    elif assignment.status == AssignmentStatus.SUBMITTED:
        raise LayerSubmitted("You submitted this document; your layer of it is final.")
    elif assignment.status == AssignmentStatus.ASSIGNED:
        assignment.status = AssignmentStatus.IN_PROGRESS
        assignment.save(update_fields=["status", "updated_at"])
    if document.status == DocumentStatus.NEW:
        Document.objects.filter(pk=document.pk, status=DocumentStatus.NEW).update(
            status=DocumentStatus.ANNOTATING
        )


def layer_name(annotator: AbstractBaseUser | None) -> str:
    """Return a layer's name: ``gold`` or the annotator's username."""
    return GOLD if annotator is None else annotator.get_username()


def span_snapshot(span: Span) -> dict[str, Any]:
    """Return the state of a span as history stores it."""
    return {
        "document": span.document_id,
        "layer": layer_name(span.annotator),
        "start": span.start,
        "end": span.end,
        "quote": span.quote,
        "stance": span.stance,
        "role": span.role,
        "actor": span.actor_id,
        "note": span.note,
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


def _relation_event(
    *, relation: Relation, action: str, by: AbstractBaseUser, reason: str = ""
) -> RelationEvent:
    snapshot = relation_snapshot(relation)
    created = action == SpanEventAction.CREATED
    return RelationEvent(
        relation_pk=relation.pk,
        document_id=relation.document_id,
        annotator_id=relation.annotator_id,
        action=action,
        by=by,
        before=None if created else snapshot,
        after=snapshot if created else None,
        reason=reason,
    )


def _event(
    *,
    span: Span,
    action: str,
    by: AbstractBaseUser,
    before: dict | None,
    after: dict | None,
    reason: str = "",
) -> SpanEvent:
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


# --- Spans ----------------------------------------------------------------------------------
def _replay(*, by: AbstractBaseUser, client_id: str, document: Document, item: SpanInput):
    """Return the span an earlier request with this client_id created, or None.

    The key is the client's promise that the request is the same; a key reused for a
    different span is refused rather than answered with the wrong span.
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
    requested = {field: getattr(item, field) for field in EDITABLE_FIELDS}
    original = {field: created.get(field) for field in EDITABLE_FIELDS}
    if created.get("document") != document.pk or requested != original:
        raise IdempotencyKeyReused(
            f"The key {client_id!r} was used for a different span; use a new key."
        )
    return span


@dataclass(frozen=True)
class SpanWrite:
    span: Span
    created: bool


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
    _check_writes_layer(by=by, document=document, annotator=annotator)
    actors = _actor_ids(document, [item.actor for item in items if item.actor is not None])
    errors: dict[int, dict[str, list[str]]] = {}
    seen_keys: dict[str, int] = {}
    for index, item in enumerate(items):
        item_errors = span_errors(document=document, values={**asdict(item), "actor": None})
        if item.actor is not None and item.actor not in actors:
            item_errors["actor"] = [f"No actor {item.actor} in this debate."]
        if item.client_id:
            if item.client_id in seen_keys:
                item_errors["client_id"] = [f"Also used by item {seen_keys[item.client_id]}."]
            seen_keys.setdefault(item.client_id, index)
        if item_errors:
            errors[index] = item_errors
    if errors:
        raise BulkValidationError(errors)
    layer_open(document=document, annotator=annotator)
    return [
        _span_insert(document=document, annotator=annotator, by=by, item=item, reason=reason)
        for item in items
    ]


def _span_from_input(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    **fields: Any,
) -> Span:
    """Return an unsaved span of a layer with the values a request gave."""
    return Span(
        document=document,
        annotator=annotator,
        start=item.start,
        end=item.end,
        quote=item.quote,
        stance=item.stance,
        role=item.role,
        actor_id=item.actor,
        note=item.note,
        client_id=item.client_id,
        created_by=by,
        **fields,
    )


def _span_insert(
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
        # rare, and a look-up before every insert was a query on every save. The savepoint
        # keeps the transaction usable when the insert is refused.
        with transaction.atomic():
            span.save(force_insert=True)
    except IntegrityError:
        if not item.client_id:
            raise
        # The key was used before (a retry, or a concurrent one that won): that span answers.
        replayed = _replay(by=by, client_id=item.client_id, document=document, item=item)
        if replayed is None:
            raise
        return SpanWrite(span=replayed, created=False)
    _event(
        span=span,
        action=SpanEventAction.CREATED,
        by=by,
        before=None,
        after=span_snapshot(span),
        reason=reason,
    ).save()
    return SpanWrite(span=span, created=True)


def span_create(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    data: SpanInput,
    reason: str = "",
    access: DebateAccess | None = None,
) -> SpanWrite:
    """Create one span in a layer (``annotator``, None for gold); replay a known client_id.

    ``access`` is ``by``'s access to the document's debate if the caller read it already.
    Raises ValidationError by field, PermissionDenied, LayerSubmitted or IdempotencyKeyReused.
    """
    _check_writes_layer(by=by, document=document, annotator=annotator, access=access)
    errors = span_errors(document=document, values=asdict(data))
    if errors:
        raise ValidationError(errors)
    return span_write_checked(
        document=document, annotator=annotator, by=by, item=data, reason=reason
    )


def span_write_checked(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    reason: str,
) -> SpanWrite:
    """Write a span already checked (``span_create`` checks it): the database work alone.

    In one statement on PostgreSQL while the layer is being worked on; otherwise the layer
    is opened first, in a transaction. The benchmarks' database floor calls it directly.
    """
    if connection.vendor == "postgresql" and document.status != DocumentStatus.NEW:
        write = _span_insert_into_open_layer(
            document=document, annotator=annotator, by=by, item=item, reason=reason
        )
        if write is not None:
            return write
    return _span_create_opening_layer(
        document=document, annotator=annotator, by=by, item=item, reason=reason
    )


@transaction.atomic
def _span_create_opening_layer(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    reason: str,
) -> SpanWrite:
    layer_open(document=document, annotator=annotator)
    return _span_insert(document=document, annotator=annotator, by=by, item=item, reason=reason)


def _span_insert_into_open_layer(
    *,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    item: SpanInput,
    reason: str,
) -> SpanWrite | None:
    """Insert a span and its history event in one statement if the layer is being worked on.

    The common save, in one round trip on PostgreSQL instead of a transaction of six: the
    assignment row is locked FOR SHARE, so a concurrent submit (which locks it FOR UPDATE)
    waits for this insert or this insert sees the submission and does nothing; a taken
    client_id inserts nothing (ON CONFLICT) and the earlier span is replayed. Return None,
    having written nothing, when the layer is not in progress (new, assigned, submitted):
    ``layer_open`` then decides in a transaction.
    """
    now = timezone.now()
    span = _span_from_input(
        document=document,
        annotator=annotator,
        by=by,
        item=item,
        created_at=now,
        updated_at=now,
    )
    values = {
        **{field: getattr(item, field) for field in EDITABLE_FIELDS},
        "now": now,
        "document": document.pk,
        "annotator": span.annotator_id,
        "client_id": item.client_id,
        "by": by.pk,
        "after": json.dumps(span_snapshot(span)),
        "reason": reason,
        "in_progress": AssignmentStatus.IN_PROGRESS,
        "created": SpanEventAction.CREATED,
    }
    with preparable_cursor(connection) as cursor:
        cursor.execute(_INSERT_INTO_OPEN_LAYER, values)
        status, pk = cursor.fetchone()
    if annotator is not None and status != AssignmentStatus.IN_PROGRESS:
        return None
    if pk is None:
        if not item.client_id:
            raise IntegrityError("The span was not inserted.")
        replayed = _replay(by=by, client_id=item.client_id, document=document, item=item)
        if replayed is None:
            raise IntegrityError(f"The key {item.client_id!r} is taken, but by no span.")
        return SpanWrite(span=replayed, created=False)
    span.pk = pk
    return SpanWrite(span=span, created=True)


# The layer's assignment (none for gold: annotator_id = NULL matches no row) is locked first.
_INSERT_INTO_OPEN_LAYER = """
    WITH layer AS (
        SELECT "status" FROM "annotations_assignment"
        WHERE "document_id" = %(document)s AND "annotator_id" = %(annotator)s
        FOR SHARE
    ), span AS (
        INSERT INTO "annotations_span" (
            "created_at", "updated_at", "document_id", "annotator_id", "start", "end", "quote",
            "stance", "role", "actor_id", "note", "version", "client_id", "created_by_id"
        )
        SELECT %(now)s, %(now)s, %(document)s, %(annotator)s, %(start)s, %(end)s, %(quote)s,
            %(stance)s, %(role)s, %(actor)s, %(note)s, 1, %(client_id)s, %(by)s
        WHERE %(annotator)s IS NULL
            OR EXISTS (SELECT 1 FROM layer WHERE "status" = %(in_progress)s)
        ON CONFLICT DO NOTHING
        RETURNING "id"
    ), event AS (
        INSERT INTO "annotations_spanevent" (
            "annotator_id", "action", "by_id", "at", "before", "after", "reason", "span_pk",
            "document_id"
        )
        SELECT %(annotator)s, %(created)s, %(by)s, %(now)s, NULL, %(after)s::jsonb,
            %(reason)s, "id", %(document)s
        FROM span
    )
    SELECT (SELECT "status" FROM layer), (SELECT "id" FROM span)
"""


def _stored_version(pk: int) -> int | None:
    return Span.objects.filter(pk=pk).values_list("version", flat=True).first()


def _lock_writable(*, span: Span, by: AbstractBaseUser, expected_version: int | None) -> Span:
    """Lock the span's row, then check who writes and which version, in that order."""
    current = (
        Span.objects.select_for_update(of=("self",))
        .select_related("document__debate", "annotator")
        .filter(pk=span.pk)
        .first()
    )
    if current is None:
        raise StaleVersion(None)
    _check_writes_layer(by=by, document=current.document, annotator=current.annotator)
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
) -> Span:
    """Change a span if it is still at ``expected_version`` (None: whatever it is now).

    The row is locked and the write is conditional on the version, so of two writers that
    read the same version exactly one succeeds; the other gets StaleVersion and changes
    nothing.
    """
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: ["This field cannot be changed."] for field in unknown})
    current = _lock_writable(span=span, by=by, expected_version=expected_version)
    document = current.document
    before = span_snapshot(current)
    values = {**{field: before[field] for field in EDITABLE_FIELDS}, **changes}
    errors = span_errors(document=document, values=values)
    if errors:
        raise ValidationError(errors)
    if all(values[field] == before[field] for field in EDITABLE_FIELDS):
        return current
    layer_open(document=document, annotator=current.annotator)
    now = timezone.now()
    updated = Span.objects.filter(pk=current.pk, version=current.version).update(
        **{("actor_id" if field == "actor" else field): values[field] for field in changes},
        version=F("version") + 1,
        updated_at=now,
    )
    if updated != 1:
        raise StaleVersion(_stored_version(current.pk))
    for field in changes:
        setattr(current, "actor_id" if field == "actor" else field, values[field])
    current.version += 1
    current.updated_at = now
    _event(
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
    *, span: Span, by: AbstractBaseUser, expected_version: int | None, reason: str = ""
) -> None:
    """Delete a span (and the relations to and from it) if still at ``expected_version``."""
    current = _lock_writable(span=span, by=by, expected_version=expected_version)
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
    _event(
        span=current,
        action=SpanEventAction.DELETED,
        by=by,
        before=before,
        after=None,
        reason=reason,
    ).save()
    RelationEvent.objects.bulk_create(
        _relation_event(
            relation=relation,
            action=SpanEventAction.DELETED,
            by=by,
            reason=f"span {current.pk} was deleted",
        )
        for relation in relations
    )


# --- Relations ------------------------------------------------------------------------------
@transaction.atomic
def relation_create(
    *, document: Document, by: AbstractBaseUser, source: Span, target: Span, type: str
) -> Relation:
    """Link two spans of the same document and layer; the layer must be writable by ``by``."""
    errors: dict[str, list[str]] = {}
    for field, span in (("source", source), ("target", target)):
        if span.document_id != document.pk:
            errors[field] = [f"Span {span.pk} is not in this document."]
    if not errors and source.annotator_id != target.annotator_id:
        errors["target"] = [
            f"Must be in the same layer as the source ({layer_name(source.annotator)}), "
            f"not {layer_name(target.annotator)}."
        ]
    if not errors and source.pk == target.pk:
        errors["target"] = ["A span cannot be related to itself."]
    keys = scheme_keys(document.debate.scheme, "relation_types")
    if type not in keys:
        errors["type"] = [f"Must be one of this debate's relation types: {', '.join(keys)}."]
    if errors:
        raise ValidationError(errors)
    _check_writes_layer(by=by, document=document, annotator=source.annotator)
    if Relation.objects.filter(source=source, target=target, type=type).exists():
        raise ValidationError({"non_field_errors": ["These spans already have this relation."]})
    layer_open(document=document, annotator=source.annotator)
    relation = Relation.objects.create(
        document=document,
        annotator=source.annotator,
        source=source,
        target=target,
        type=type,
        created_by=by,
    )
    _relation_event(relation=relation, action=SpanEventAction.CREATED, by=by).save()
    return relation


@transaction.atomic
def relation_delete(*, relation: Relation, by: AbstractBaseUser) -> None:
    """Delete a relation of a layer writable by ``by``, recording what it was."""
    _check_writes_layer(by=by, document=relation.document, annotator=relation.annotator)
    layer_open(document=relation.document, annotator=relation.annotator)
    event = _relation_event(relation=relation, action=SpanEventAction.DELETED, by=by)
    relation.delete()
    event.save()


# --- Submission -----------------------------------------------------------------------------
@transaction.atomic
def document_submit(*, document: Document, annotator: AbstractBaseUser) -> Assignment:
    """Mark an annotator's layer of a document as finished; submitting again changes nothing.

    Once as many layers as the debate needs are submitted, the document is ready for review.
    """
    access = debate_access(user=annotator, debate=document.debate)
    if not access.annotates:
        raise PermissionDenied("Only annotators of this debate submit documents.")
    assignment, _created = Assignment.objects.select_for_update().get_or_create(
        document=document, annotator=annotator
    )
    if assignment.status == AssignmentStatus.SUBMITTED:
        return assignment
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.save(update_fields=["status", "submitted_at", "updated_at"])
    submitted = Assignment.objects.filter(
        document=document, status=AssignmentStatus.SUBMITTED
    ).count()
    if submitted >= document.debate.annotators_per_document:
        Document.objects.filter(
            pk=document.pk, status__in=[DocumentStatus.NEW, DocumentStatus.ANNOTATING]
        ).update(status=DocumentStatus.READY_FOR_REVIEW)
    return assignment
