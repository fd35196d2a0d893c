"""A document's layer of spans or relations, read by SQL compiled once per process.

``span_list`` and ``relation_list`` build their querysets anew for every request, and for a
document's few dozen spans Django took longer building and compiling the SQL than PostgreSQL
took answering it. These reads compile the same querysets (``span_rows(span_list(...))``, so
the one visibility rule stays written in ``visible_to``) once per shape of the call, and run
them with each call's user, document and layer (``core/db/compiled.py``).
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from annotations.models import GOLD
from annotations.selectors import ALL, MINE, relation_list, span_list
from annotations.serializers import (
    relation_list_payload,
    relation_rows,
    relation_rows_payload,
    span_list_payload,
    span_rows,
    span_rows_payload,
)
from core.db.compiled import CompiledQuery
from debate.models import Document

NAMED = "named"  # an annotator's layer, by username


def _stand_in_user(*, user_id: int, **flags: bool) -> AbstractBaseUser:
    # What visible_to may branch on is in the shape, so users alike in it share one SQL.
    return get_user_model()(pk=user_id, **flags)


def _member(user: AbstractBaseUser) -> bool:
    # Anonymous users see nothing and superusers everything: neither reaches the rule's user
    # in the SQL, so they read through the ORM (a rare request, not worth a shape of its own).
    return user.is_authenticated and not user.is_superuser


def _layer_of(kind: str, username: str | None) -> str:
    return username if kind == NAMED else kind


SPAN_ROWS = CompiledQuery(
    lambda *, user_id, document_id, kind, username=None, zone, **flags: span_rows(
        span_list(
            user=_stand_in_user(user_id=user_id, **flags),
            document=Document(pk=document_id),
            layer=_layer_of(kind, username),
        )
    )
)
RELATION_ROWS = CompiledQuery(
    lambda *, user_id, document_id, kind, username=None, zone, **flags: relation_rows(
        relation_list(
            user=_stand_in_user(user_id=user_id, **flags),
            document=Document(pk=document_id),
            layer=_layer_of(kind, username),
        )
    )
)


def _rows(query: CompiledQuery, *, user: AbstractBaseUser, document: Document, layer: str):
    kind = layer if layer in (MINE, GOLD, ALL) else NAMED
    values: dict[str, Any] = {"user_id": user.pk, "document_id": document.pk}
    if kind == NAMED:
        values["username"] = layer
    return query.all(
        shape={
            "kind": kind,
            # The rows' timestamps are text written by the database in UTC, datetimes else.
            "zone": timezone.get_current_timezone_name(),
            "is_staff": user.is_staff,
            "is_active": user.is_active,
        },
        **values,
    )


def layer_spans_payload(
    *, user: AbstractBaseUser, document: Document, layer: str = MINE
) -> list[dict[str, Any]]:
    """Return every span ``span_list`` gives, as ``span_list_payload`` writes them."""
    if not _member(user):
        return span_list_payload(span_list(user=user, document=document, layer=layer))
    return span_rows_payload(_rows(SPAN_ROWS, user=user, document=document, layer=layer))


def layer_relations_payload(
    *, user: AbstractBaseUser, document: Document, layer: str = MINE
) -> list[dict[str, Any]]:
    """Return every relation ``relation_list`` gives, as ``relation_list_payload`` writes them."""
    if not _member(user):
        return relation_list_payload(relation_list(user=user, document=document, layer=layer))
    return relation_rows_payload(_rows(RELATION_ROWS, user=user, document=document, layer=layer))
