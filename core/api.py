"""Plumbing shared by every API view: pagination, errors, query checking and the schema.

Error bodies follow DRF: ``{"detail": "..."}`` for everything but validation, which names
each field (``{"start": ["..."]}``), or each list index then field for bulk writes.
"""

import logging

import orjson
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from core.middleware import RETRY_AFTER_SECONDS, UNAVAILABLE_DETAIL, database_unavailable

logger = logging.getLogger(__name__)


# --- Pagination -----------------------------------------------------------------------------
class CursorPage(CursorPagination):
    """Cursor pages: stable under concurrent inserts and cheap however deep the page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "id"

    def get_page_size(self, request) -> int:
        # DRF falls back to the default on a bad page_size; say so instead.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Give a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor is opaque but not signed: one decoded and edited by hand can carry a position
        # the ordering field cannot hold. That is an invalid cursor, as an undecodable one is
        # (tests/security/test_cursors.py), not a server error.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, OverflowError, DjangoValidationError) as exc:
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise NotFound(self.invalid_cursor_message) from exc

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(
                    minimum=1, maximum=self.max_page_size, default=self.page_size
                )
        return parameters


class CursorPageBySlug(CursorPage):
    ordering = "slug"


class CursorPageByName(CursorPage):
    ordering = "name"


class CursorPageInTextOrder(CursorPage):
    """Spans in text order; pages are large because the annotate page needs them all."""

    ordering = ("start", "end", "id")
    page_size = 500
    max_page_size = 5000


# --- Rendering ------------------------------------------------------------------------------
class FastJSONRenderer(JSONRenderer):
    """DRF's JSON, byte for byte, written by orjson (in C): for answers of thousands of rows.

    Compact UTF-8 with U+2028 and U+2029 escaped, as JSONRenderer writes it; DRF's encoder
    still handles what orjson does not know (lazy strings, decimals). An ``indent`` asked for
    in Accept is left to JSONRenderer.
    """

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        body = orjson.dumps(
            data, default=self.encoder_class().default, option=orjson.OPT_NON_STR_KEYS
        )
        if b"\xe2\x80\xa8" in body or b"\xe2\x80\xa9" in body:
            body = body.replace(b"\xe2\x80\xa8", b"\\u2028").replace(b"\xe2\x80\xa9", b"\\u2029")
        return body


# --- Errors ---------------------------------------------------------------------------------
class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state of the resource."
    default_code = "conflict"


class Unavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = UNAVAILABLE_DETAIL
    default_code = "unavailable"


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The resource changed since you read it."
    default_code = "precondition_failed"


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = "Send If-Match with the ETag you read, or the version field."
    default_code = "precondition_required"


class UnprocessableContent(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request cannot be processed."
    default_code = "unprocessable"


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """Return a Django ValidationError as DRF's field -> messages mapping."""
    if hasattr(exc, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
            for field, messages in exc.message_dict.items()
        }
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def exception_handler(exc, context):
    """Turn domain errors raised below the view into DRF responses; the rest as DRF does."""
    if database_unavailable(exc):
        # A lost connection or a lock that could not be had: the transaction rolled back, so
        # the client may simply retry. Logged in full, since it may also be an outage.
        logger.error("Database unavailable, answered 503", exc_info=exc)
        response = drf_exception_handler(Unavailable(), context)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = PayloadTooLarge(f"The request body is larger than the API takes ({limit:,} bytes).")
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(django_errors(exc))
    elif isinstance(exc, IntegrityError):
        # Validation runs first, so only a race with a concurrent write gets here.
        logger.info("Integrity error answered with 409: %s", exc)
        exc = Conflict("A concurrent change conflicts with this one; read again and retry.")
    elif isinstance(exc, DataError):
        # A value the fields let through but the database cannot store or compare, such as
        # a NUL character on PostgreSQL: the client's to fix, not a server fault.
        logger.info("Data error answered with 400: %s", exc)
        exc = ValidationError(
            {
                api_settings.NON_FIELD_ERRORS_KEY: [
                    "A value cannot be stored (e.g. a NUL character)."
                ]
            }
        )
    return drf_exception_handler(exc, context)


# --- Views ----------------------------------------------------------------------------------
class StrictQueryMixin:
    """Refuse query parameters a view does not know, instead of silently ignoring them.

    A typo (``?stauts=``) or an attempt at ORM traversal (``?created_by__password=``) gets a
    400 naming the parameter, so a script never mistakes an unfiltered list for a filtered one.
    """

    extra_query_params: tuple[str, ...] = ()

    def known_query_params(self) -> set[str]:
        known = set(self.extra_query_params)
        paginator = getattr(self, "paginator", None)
        if paginator is not None and self.request.method == "GET":
            known.add(paginator.cursor_query_param)
            if paginator.page_size_query_param:
                known.add(paginator.page_size_query_param)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and self.request.method == "GET":
            known.update(filterset_class.base_filters)
        return known

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - self.known_query_params())
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})


# --- Schema ---------------------------------------------------------------------------------
DetailSerializer = inline_serializer("Detail", fields={"detail": serializers.CharField()})
FieldErrorsSerializer = inline_serializer(
    "FieldErrors",
    fields={
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False)
    },
)

_ERRORS = {
    400: OpenApiResponse(
        FieldErrorsSerializer,
        description="Invalid input: each offending field (or list index, then field) with "
        "the reasons.",
    ),
    401: OpenApiResponse(DetailSerializer, description="Not signed in."),
    403: OpenApiResponse(DetailSerializer, description="Signed in, but not allowed to do this."),
    404: OpenApiResponse(
        DetailSerializer, description="Not found, or in a debate you are not a member of."
    ),
    429: OpenApiResponse(
        DetailSerializer,
        description="Too many requests of this kind (the view's throttle scope, per user): "
        "wait the seconds the `Retry-After` header gives.",
    ),
}


class ApiSchema(AutoSchema):
    """Document the error responses every operation can give, beside its own.

    Any operation can answer 400, since unknown query parameters are refused; views with a
    narrower set name it in ``error_statuses``. A throttled view (``throttle_scope``) can
    answer 429.
    """

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        view_errors = getattr(self.view, "error_statuses", None)
        codes = [401, 403, 404, 400] if view_errors is None else list(view_errors)
        if getattr(self.view, "throttle_scope", None):
            codes.append(429)
        for code in codes:
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(
                    _ERRORS[code], str(code), direction=direction
                )
        return responses


def postprocess_schema(result, generator, request, public):
    """Declare request bodies closed: the API refuses properties it does not know."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    return result
