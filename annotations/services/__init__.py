"""Writes of annotations: spans, relations and submissions, each with its history.

Every write goes through here, whoever calls: the API, the review, the importers and the
Django admin. Each checks that its writer may write the layer (under the rule of its path,
``annotations.permissions``), keeps the rules of ``rules``, refuses a submitted layer
(``layers``), bumps the version of a changed span and records the change (``history``) in
the same transaction.

- ``spans``: create (one, a bulk request, a batch), change, delete;
- ``relations``: create (one, a batch), change, delete;
- ``layers``: who writes a layer, its state, the annotator's submission;
- ``rules``: what a span and a relation must keep;
- ``history``: the snapshots and events of every change.
"""

from annotations.services.history import layer_name, relation_snapshot, span_snapshot
from annotations.services.layers import (
    DocumentClosed,
    LayerSubmitted,
    assignment_take,
    document_submit,
    layer_open,
    layer_submitted,
    layer_write_check,
)
from annotations.services.relations import (
    Link,
    relation_create,
    relation_delete,
    relation_update,
    relations_create_many,
)
from annotations.services.rules import relation_errors, span_errors, splits_character
from annotations.services.spans import (
    MAX_BULK,
    BulkValidationError,
    IdempotencyKeyReused,
    SpanInput,
    SpanWrite,
    StaleVersion,
    span_bulk_create,
    span_create,
    span_delete,
    span_insert,
    span_lock,
    span_replay,
    span_update,
    spans_create_many,
)

__all__ = [
    "MAX_BULK",
    "BulkValidationError",
    "DocumentClosed",
    "IdempotencyKeyReused",
    "LayerSubmitted",
    "Link",
    "SpanInput",
    "SpanWrite",
    "StaleVersion",
    "assignment_take",
    "document_submit",
    "layer_name",
    "layer_open",
    "layer_submitted",
    "layer_write_check",
    "relation_create",
    "relation_delete",
    "relation_errors",
    "relation_snapshot",
    "relation_update",
    "relations_create_many",
    "span_bulk_create",
    "span_create",
    "span_delete",
    "span_errors",
    "span_insert",
    "span_lock",
    "span_replay",
    "span_snapshot",
    "span_update",
    "spans_create_many",
    "splits_character",
]
