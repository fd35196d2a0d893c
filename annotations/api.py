"""The request parts the annotation views share: layers, keys, versions, errors, parents.

A request names the layer it reads or writes (``?layer=``), may carry an Idempotency-Key
that makes a retried create safe, and proves with If-Match (or ``version``) which version
of a span it read; the services' domain errors answer with their HTTP status; a view under
``documents/<pk>/`` answers 404 unless the document is visible to the user.
"""

import re

from django.contrib.auth.models import AbstractBaseUser
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.models import GOLD, Span
from annotations.permissions import layer_write_refusal
from annotations.selectors import ALL, MINE
from annotations.services import (
    BulkValidationError,
    IdempotencyKeyReused,
    LayerSubmitted,
    StaleVersion,
)
from core.api import (
    Conflict,
    DetailSerializer,
    PreconditionRequired,
    StrictQueryMixin,
    UnprocessableContent,
)
from debate.models import Document
from debate.permissions import DebateAccess
from debate.selectors import document_access_get

LAYER_MAX = 150
IDEMPOTENCY_KEY_MAX = 59  # leaves room for ":<index>" in bulk keys within client_id's 64
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]+$")
_SPAN_ETAG = re.compile(r'^(?:W/)?"span-(\d+)-v(\d+)"$')

LAYER_PARAMETER = OpenApiParameter(
    "layer",
    str,
    description="Which layer: `mine` (default), `gold`, `all` or an annotator's username. "
    "Annotators read their own layer, and gold once a document they submitted is adjudicated; "
    "reviewers, managers and researchers read every layer. A layer you may not read is empty.",
    default=MINE,
)
WRITE_LAYER_PARAMETER = OpenApiParameter(
    "layer",
    str,
    description="The layer to write: `mine` (annotators, the default; your username means the "
    "same) or `gold` (reviewers). Any other layer is refused.",
    default=MINE,
)
IDEMPOTENCY_KEY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    description="A key you choose (visible ASCII, at most 59 characters) that makes a retried "
    "POST safe: the same key returns the span(s) created the first time, with 200. In a bulk "
    "POST item i gets the key `<key>:<i>` unless it has its own `client_id`.",
    pattern=r"^[\x21-\x7e]{1,59}$",
)
IF_MATCH_PARAMETER = OpenApiParameter(
    "If-Match",
    str,
    location=OpenApiParameter.HEADER,
    description='The ETag you read (`"span-<id>-v<version>"`), or `*`. Either this or the '
    "version you read is required; a stale one gets 412 and changes nothing.",
)
ETAG_HEADER = OpenApiParameter(
    "ETag",
    str,
    location=OpenApiParameter.HEADER,
    response=[200],
    description="The span's version as an entity tag; send it back in If-Match.",
)

StaleSerializer = inline_serializer(
    "Stale",
    fields={
        "detail": serializers.CharField(),
        "current_version": serializers.IntegerField(
            allow_null=True, help_text="The version now stored; null if the span was deleted."
        ),
    },
)
STALE_RESPONSE = OpenApiResponse(
    StaleSerializer, description="Stale: the span changed since you read it; nothing changed."
)
PRECONDITION_REQUIRED_RESPONSE = OpenApiResponse(
    DetailSerializer, description="Neither If-Match nor the version you read was sent."
)
SUBMITTED_RESPONSE = OpenApiResponse(
    DetailSerializer, description="You submitted this document; your layer of it is final."
)


def read_layer(request: Request) -> str:
    """Return the layer a list asks for; any name is allowed, unreadable ones are empty."""
    layer = request.query_params.get("layer", MINE)
    if not layer or len(layer) > LAYER_MAX or "\x00" in layer:
        raise ValidationError({"layer": [f"Give a layer name of 1 to {LAYER_MAX} characters."]})
    return layer


def write_layer(request: Request, access: DebateAccess) -> AbstractBaseUser | None:
    """Return the layer a write targets (a user, or None for gold) after checking the writer."""
    layer = request.query_params.get("layer", MINE)
    if layer == GOLD:
        annotator = None
    elif layer in (MINE, request.user.get_username()):
        annotator = request.user
    elif layer == ALL or not layer:
        raise ValidationError({"layer": ["Write to one layer: mine or gold."]})
    else:
        raise PermissionDenied("You can write only your own layer.")
    refusal = layer_write_refusal(
        access=access, annotator_id=None if annotator is None else annotator.pk
    )
    if refusal:
        raise PermissionDenied(refusal)
    return annotator


def idempotency_key(request: Request) -> str:
    """Return the Idempotency-Key header, or "" when absent."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return ""
    if len(key) > IDEMPOTENCY_KEY_MAX or not _IDEMPOTENCY_KEY.match(key):
        raise ValidationError(
            {
                "Idempotency-Key": [
                    f"Use 1 to {IDEMPOTENCY_KEY_MAX} visible ASCII characters, no spaces."
                ]
            }
        )
    return key


def span_etag(span: Span) -> str:
    """Return the entity tag of a span's current version."""
    return f'"span-{span.pk}-v{span.version}"'


def expected_version(request: Request, span: Span, version: int | None) -> int | None:
    """Return the version the client read, from If-Match or ``version``; 412/428 otherwise.

    ``If-Match: *`` asks for no version check. The service checks again under a row lock, so
    a change between this check and the write is still caught.
    """
    header = request.headers.get("If-Match")
    if header is None and version is None:
        raise PreconditionRequired()
    expected = None
    if header is not None:
        tags = [tag.strip() for tag in header.split(",") if tag.strip()]
        if tags != ["*"]:
            read = {
                int(match[2])
                for tag in tags
                if (match := _SPAN_ETAG.match(tag)) and int(match[1]) == span.pk
            }
            if span.version not in read:
                raise StaleVersion(span.version)
            expected = span.version
    if version is not None:
        if version != span.version:
            raise StaleVersion(span.version)
        expected = version
    return expected


# --- Errors and parents -----------------------------------------------------------------------
class AnnotationErrorsMixin:
    """Answer the services' domain errors with their HTTP status."""

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersion):
            response = Response(
                {"detail": str(exc), "current_version": exc.current_version},
                status=status.HTTP_412_PRECONDITION_FAILED,
            )
            if exc.current_version is not None:
                response["ETag"] = f'"span-{self.kwargs.get("pk")}-v{exc.current_version}"'
            return response
        if isinstance(exc, LayerSubmitted):
            exc = Conflict(str(exc))
        elif isinstance(exc, IdempotencyKeyReused):
            exc = UnprocessableContent(str(exc))
        elif isinstance(exc, BulkValidationError):
            exc = ValidationError({str(index): errors for index, errors in exc.errors.items()})
        return super().handle_exception(exc)


class DocumentScopedMixin(StrictQueryMixin):
    """A view under ``documents/<pk>/``: 404 unless the document is visible to the user."""

    _document: Document | None = None
    _access: DebateAccess | None = None

    def reads_text(self) -> bool:
        """Return whether the request needs the document's text (read on first use otherwise)."""
        return True

    def get_document(self) -> Document:
        if self._document is None:
            try:
                self._document, self._access = document_access_get(
                    user=self.request.user, pk=self.kwargs["pk"], text=self.reads_text()
                )
            except Document.DoesNotExist:
                raise Http404("No document with this id.") from None
        return self._document

    def get_access(self) -> DebateAccess:
        self.get_document()  # read with it
        return self._access
