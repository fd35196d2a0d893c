"""API views of annotations: spans, relations, history, submission and the annotator's queue.

Views parse and check the request (``annotations.api``), call one selector or service, and
shape the answer.
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api import (
    ETAG_HEADER,
    IDEMPOTENCY_KEY_PARAMETER,
    IF_MATCH_PARAMETER,
    LAYER_PARAMETER,
    PRECONDITION_REQUIRED_RESPONSE,
    STALE_RESPONSE,
    SUBMITTED_RESPONSE,
    WRITE_LAYER_PARAMETER,
    AnnotationErrorsMixin,
    DocumentScopedMixin,
    expected_version,
    idempotency_key,
    read_layer,
    span_etag,
    write_layer,
)
from annotations.models import Relation, RelationEvent, Span, SpanEvent
from annotations.permissions import WritesLayerOrReadOnly, WritesSomeLayerOrReadOnly
from annotations.selectors import (
    queue_next,
    relation_endpoint,
    relation_get,
    relation_history,
    relation_list,
    span_get,
    span_history,
    span_list,
)
from annotations.serializers import (
    AssignmentSerializer,
    RelationCreateSerializer,
    RelationEventSerializer,
    RelationSerializer,
    SpanCreateSerializer,
    SpanEventSerializer,
    SpanSerializer,
    SpanUpdateSerializer,
    relation_rows,
    relation_rows_payload,
    span_input,
    span_rows,
    span_rows_payload,
)
from annotations.services import (
    MAX_BULK,
    document_submit,
    relation_create,
    relation_delete,
    span_bulk_create,
    span_create,
    span_delete,
    span_update,
)
from core.api import (
    CursorPage,
    CursorPageInTextOrder,
    DetailSerializer,
    FastJSONRenderer,
    StrictQueryMixin,
)
from debate.permissions import Annotates, DebateAccess
from debate.selectors import debate_access
from debate.serializers import DocumentSerializer
from debate.views import DebateScopedMixin

SpanOrSpans = PolymorphicProxySerializer(
    component_name="SpanOrSpans",
    serializers=[SpanSerializer(), SpanSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)


@extend_schema_view(
    get=extend_schema(
        summary="List the spans of one layer of a document, in text order",
        parameters=[LAYER_PARAMETER],
    ),
    post=extend_schema(
        summary="Create a span, or several at once (all or none)",
        description="Send one span object, or a list of up to 1000 (bulk: all are created or "
        "none, and errors are keyed by list index, then field). Offsets are Unicode code "
        "points into the document's text, half-open [start, end); `quote` must equal "
        "text[start:end]. A retry with a known Idempotency-Key or client_id returns the "
        "original span(s) with 200 and `Idempotent-Replayed: true`.",
        parameters=[WRITE_LAYER_PARAMETER, IDEMPOTENCY_KEY_PARAMETER],
        request=PolymorphicProxySerializer(
            component_name="SpanCreateOrBulk",
            serializers=[SpanCreateSerializer(), SpanCreateSerializer(many=True)],
            resource_type_field_name=None,
            many=False,
        ),
        responses={
            201: OpenApiResponse(SpanOrSpans, description="Created."),
            200: OpenApiResponse(SpanOrSpans, description="Replayed: created by an earlier try."),
            409: SUBMITTED_RESPONSE,
            422: OpenApiResponse(
                DetailSerializer, description="The key was used for a different span."
            ),
        },
    ),
)
class SpanListView(AnnotationErrorsMixin, DocumentScopedMixin, generics.ListAPIView):
    queryset = Span.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = SpanSerializer
    permission_classes = [IsAuthenticated, WritesSomeLayerOrReadOnly]
    pagination_class = CursorPageInTextOrder
    extra_query_params = ("layer",)

    renderer_classes = [FastJSONRenderer]

    def reads_text(self) -> bool:
        # A create checks its quote against the text; a list has no use for a long text.
        return self.request.method == "POST"

    def get_queryset(self):
        return span_list(
            user=self.request.user, document=self.get_document(), layer=read_layer(self.request)
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        # Rows, not spans: a long document lists thousands of spans, and model instances and
        # DRF's per-field machinery were most of the request. The paginator pages the rows as
        # it would the spans, and the rows answer as SpanSerializer would
        # (test_span_list_payload_gives_exactly_what_span_serializer_gives).
        rows = self.paginate_queryset(span_rows(self.get_queryset()))
        return self.get_paginated_response(span_rows_payload(rows))

    def post(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        annotator = write_layer(request, self.get_access())
        key = idempotency_key(request)
        if isinstance(request.data, list):
            return self._create_many(request, document, annotator, key)
        serializer = SpanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        client_id = serializer.validated_data.get("client_id", key)
        if key and client_id != key:
            raise ValidationError({"client_id": ["Differs from the Idempotency-Key header."]})
        write = span_create(
            document=document,
            annotator=annotator,
            by=request.user,
            data=span_input(serializer.validated_data, client_id=client_id),
            access=self.get_access(),
        )
        headers = {
            "ETag": span_etag(write.span),
            "Location": reverse("api-span-detail", kwargs={"pk": write.span.pk}),
        }
        if not write.created:
            headers["Idempotent-Replayed"] = "true"
        return Response(
            SpanSerializer(write.span).data,
            status=status.HTTP_201_CREATED if write.created else status.HTTP_200_OK,
            headers=headers,
        )

    def _create_many(self, request, document, annotator, key: str) -> Response:
        serializer = SpanCreateSerializer(
            data=request.data, many=True, allow_empty=False, max_length=MAX_BULK
        )
        if not serializer.is_valid():
            errors = serializer.errors
            if isinstance(errors, list):
                errors = {str(index): item for index, item in enumerate(errors) if item}
            raise ValidationError(errors)
        items = [
            span_input(data, client_id=data.get("client_id") or (f"{key}:{index}" if key else ""))
            for index, data in enumerate(serializer.validated_data)
        ]
        writes = span_bulk_create(
            document=document, annotator=annotator, by=request.user, items=items
        )
        created = any(write.created for write in writes)
        return Response(
            SpanSerializer([write.span for write in writes], many=True).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={} if created else {"Idempotent-Replayed": "true"},
        )


class SpanObjectMixin(AnnotationErrorsMixin, StrictQueryMixin):
    """A view of one span the user can see (404 otherwise)."""

    _span: Span | None = None
    _access: DebateAccess | None = None

    def get_object(self) -> Span:
        if self._span is None:
            try:
                self._span = span_get(user=self.request.user, pk=self.kwargs["pk"])
            except Span.DoesNotExist:
                raise Http404("No span with this id.") from None
            self.check_object_permissions(self.request, self._span)
        return self._span

    def get_access(self) -> DebateAccess:
        if self._access is None:
            self._access = debate_access(
                user=self.request.user, debate=self.get_object().document.debate
            )
        return self._access


class SpanDetailView(SpanObjectMixin, generics.GenericAPIView):
    serializer_class = SpanSerializer
    permission_classes = [IsAuthenticated, WritesLayerOrReadOnly]

    def known_query_params(self) -> set[str]:
        return {"version"} if self.request.method == "DELETE" else set()

    def _answer(self, span: Span) -> Response:
        return Response(SpanSerializer(span).data, headers={"ETag": span_etag(span)})

    @extend_schema(summary="Get a span", parameters=[ETAG_HEADER])
    def get(self, request: Request, pk: int) -> Response:
        return self._answer(self.get_object())

    @extend_schema(
        summary="Change a span (needs the version you read)",
        description="Send only the fields that change, with `If-Match: <ETag>` or the "
        "`version` you read. If the span changed since, the answer is 412 and nothing changes.",
        parameters=[IF_MATCH_PARAMETER, ETAG_HEADER],
        request=SpanUpdateSerializer,
        responses={
            200: SpanSerializer,
            409: SUBMITTED_RESPONSE,
            412: STALE_RESPONSE,
            428: PRECONDITION_REQUIRED_RESPONSE,
        },
    )
    def patch(self, request: Request, pk: int) -> Response:
        span = self.get_object()
        serializer = SpanUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version", None)
        updated = span_update(
            span=span,
            by=request.user,
            expected_version=expected_version(request, span, version),
            changes=changes,
        )
        return self._answer(span_get(user=request.user, pk=updated.pk))

    @extend_schema(
        summary="Delete a span and its relations (needs the version you read)",
        parameters=[
            IF_MATCH_PARAMETER,
            OpenApiParameter(
                "version", int, description="The version you read; instead of If-Match."
            ),
        ],
        responses={
            204: None,
            409: SUBMITTED_RESPONSE,
            412: STALE_RESPONSE,
            428: PRECONDITION_REQUIRED_RESPONSE,
        },
    )
    def delete(self, request: Request, pk: int) -> Response:
        span = self.get_object()
        version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
        raw = request.query_params.get("version")
        try:
            read = None if raw is None else version.run_validation(raw)
        except ValidationError as exc:
            raise ValidationError({"version": exc.detail}) from None
        span_delete(
            span=span, by=request.user, expected_version=expected_version(request, span, read)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        summary="List every change of a span: who, when, before and after",
        description="Also for a deleted span, as long as you could read its layer.",
    )
)
class SpanHistoryView(StrictQueryMixin, generics.ListAPIView):
    queryset = SpanEvent.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = SpanEventSerializer
    pagination_class = CursorPage

    def get_queryset(self):
        return span_history(user=self.request.user, span_pk=self.kwargs["pk"])

    def list(self, request: Request, *args, **kwargs) -> Response:
        if not self.get_queryset().exists():
            raise Http404("No span with this id.")
        return super().list(request, *args, **kwargs)


@extend_schema_view(
    get=extend_schema(
        summary="List the relations of one layer of a document", parameters=[LAYER_PARAMETER]
    ),
    post=extend_schema(
        summary="Link two spans of one layer: supports, attacks, ...",
        description="Both spans must be in this document and in the same layer, one you write.",
        request=RelationCreateSerializer,
        responses={201: RelationSerializer, 409: SUBMITTED_RESPONSE},
    ),
)
class RelationListView(AnnotationErrorsMixin, DocumentScopedMixin, generics.ListAPIView):
    queryset = Relation.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = RelationSerializer
    permission_classes = [IsAuthenticated, WritesSomeLayerOrReadOnly]
    pagination_class = CursorPage
    renderer_classes = [FastJSONRenderer]

    def known_query_params(self) -> set[str]:
        return super().known_query_params() | ({"layer"} if self.request.method == "GET" else set())

    def reads_text(self) -> bool:
        return False  # relations point at spans; neither the list nor a create reads the text

    def get_queryset(self):
        return relation_list(
            user=self.request.user, document=self.get_document(), layer=read_layer(self.request)
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        # Rows, not relations, as the span list does; the paginator pages them by their id
        # (test_relation_list_payload_gives_exactly_what_relation_serializer_gives).
        rows = self.paginate_queryset(relation_rows(self.get_queryset()))
        return self.get_paginated_response(relation_rows_payload(rows))

    def post(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        serializer = RelationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        ends, errors = {}, {}
        for field in ("source", "target"):
            ends[field] = relation_endpoint(user=request.user, document=document, pk=data[field])
            if ends[field] is None:
                errors[field] = [f"No span {data[field]} in this document."]
        if errors:
            raise ValidationError(errors)
        relation = relation_create(document=document, by=request.user, type=data["type"], **ends)
        relation = relation_get(user=request.user, pk=relation.pk)
        return Response(RelationSerializer(relation).data, status=status.HTTP_201_CREATED)


class RelationDetailView(AnnotationErrorsMixin, StrictQueryMixin, generics.GenericAPIView):
    serializer_class = RelationSerializer
    permission_classes = [IsAuthenticated, WritesLayerOrReadOnly]

    _relation: Relation | None = None
    _access: DebateAccess | None = None

    def get_object(self) -> Relation:
        if self._relation is None:
            try:
                self._relation = relation_get(user=self.request.user, pk=self.kwargs["pk"])
            except Relation.DoesNotExist:
                raise Http404("No relation with this id.") from None
            self.check_object_permissions(self.request, self._relation)
        return self._relation

    def get_access(self) -> DebateAccess:
        if self._access is None:
            self._access = debate_access(
                user=self.request.user, debate=self.get_object().document.debate
            )
        return self._access

    @extend_schema(summary="Get a relation")
    def get(self, request: Request, pk: int) -> Response:
        return Response(RelationSerializer(self.get_object()).data)

    @extend_schema(summary="Delete a relation", responses={204: None, 409: SUBMITTED_RESPONSE})
    def delete(self, request: Request, pk: int) -> Response:
        relation_delete(relation=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    get=extend_schema(
        summary="List every change of a relation: who, when, before and after",
        description="Also for a deleted relation, as long as you could read its layer.",
    )
)
class RelationHistoryView(StrictQueryMixin, generics.ListAPIView):
    queryset = RelationEvent.objects.none()  # only tells the schema the model; see get_queryset
    serializer_class = RelationEventSerializer
    pagination_class = CursorPage

    def get_queryset(self):
        return relation_history(user=self.request.user, relation_pk=self.kwargs["pk"])

    def list(self, request: Request, *args, **kwargs) -> Response:
        if not self.get_queryset().exists():
            raise Http404("No relation with this id.")
        return super().list(request, *args, **kwargs)


class DocumentSubmitView(AnnotationErrorsMixin, DocumentScopedMixin, generics.GenericAPIView):
    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated, Annotates]

    @extend_schema(
        summary="Submit your layer of a document (annotators)",
        description="Your layer of this document becomes final. Submitting again changes "
        "nothing and answers the same. Once the debate's number of annotators have "
        "submitted, the document is ready for review.",
        request=None,
        responses={200: AssignmentSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        assignment = document_submit(document=self.get_document(), annotator=request.user)
        return Response(AssignmentSerializer(assignment).data)


class QueueNextView(DebateScopedMixin, generics.GenericAPIView):
    serializer_class = DocumentSerializer

    @extend_schema(
        summary="Get the next document assigned to you",
        description="Documents in progress come first, then newly assigned ones, oldest first.",
        responses={
            200: DocumentSerializer,
            204: OpenApiResponse(description="Nothing is waiting for you."),
        },
    )
    def get(self, request: Request, slug: str) -> Response:
        document = queue_next(user=request.user, debate=self.get_debate())
        if document is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DocumentSerializer(document).data)
