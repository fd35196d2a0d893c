"""API view of a document read with a layer of its annotations: one request instead of three.

``GET /api/v1/documents/{id}/?include=spans,relations`` answers the document as the debate
app's detail view does, plus the spans and relations of one layer exactly as their lists give
them (same selectors, same rows, same visibility), every one of them rather than a page.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.api import LAYER_PARAMETER, read_layer
from annotations.layer_reads import layer_relations_payload, layer_spans_payload
from annotations.serializers import RelationSerializer, SpanSerializer
from debate.serializers import DocumentDetailSerializer, document_detail_payload
from debate.views import DocumentDetailView

INCLUDES = ("spans", "relations")


class DocumentWithLayerSerializer(DocumentDetailSerializer):
    """A document with its text and, when asked for, one layer's spans and relations."""

    # Not read-only, which the schema would mark as always present: they come when asked for.
    # The serializer only describes the answer; nothing is ever read through it.
    spans = SpanSerializer(many=True, required=False, help_text="With include=spans: every one.")
    relations = RelationSerializer(
        many=True, required=False, help_text="With include=relations: every one."
    )

    class Meta(DocumentDetailSerializer.Meta):
        fields = [*DocumentDetailSerializer.Meta.fields, "spans", "relations"]
        read_only_fields = DocumentDetailSerializer.Meta.fields


def includes(request: Request) -> tuple[str, ...]:
    """Return what ``include`` asks for (a comma-separated list), refusing unknown names."""
    raw = request.query_params.get("include")
    if raw is None:
        return ()
    asked = [name.strip() for name in raw.split(",")]
    unknown = [name for name in asked if name not in INCLUDES]
    if unknown:
        raise ValidationError(
            {"include": [f"Unknown: {', '.join(map(repr, unknown))}; use spans, relations."]}
        )
    return tuple(name for name in INCLUDES if name in asked)


@extend_schema_view(
    get=extend_schema(
        summary="Get a document with its text and your status, and a layer if asked",
        description="`include=spans,relations` (either or both) adds the spans and relations "
        "of `layer` exactly as `GET .../spans/` and `GET .../relations/` list them, all of "
        "them in one answer: the annotate page reads a document's layer this way.",
        parameters=[
            OpenApiParameter(
                "include",
                {"type": "array", "items": {"type": "string", "enum": list(INCLUDES)}},
                style="form",
                explode=False,
                description="What to add: `spans`, `relations`, or both, comma-separated.",
            ),
            LAYER_PARAMETER,
        ],
        responses={200: DocumentWithLayerSerializer},
    ),
)
class DocumentWithLayerView(DocumentDetailView):
    serializer_class = DocumentWithLayerSerializer
    extra_query_params = ("include", "layer")

    def known_query_params(self) -> set[str]:
        # A PATCH changes a document's details: it reads no layer.
        return super().known_query_params() if self.request.method == "GET" else set()

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        document = self.get_object()  # 404 first for non-members
        wanted = includes(request)
        if "layer" in request.query_params and not wanted:
            raise ValidationError({"layer": ["A layer is read with include=spans,relations."]})
        layer = read_layer(request)
        data = document_detail_payload(document)
        if "spans" in wanted:
            data["spans"] = layer_spans_payload(user=request.user, document=document, layer=layer)
        if "relations" in wanted:
            data["relations"] = layer_relations_payload(
                user=request.user, document=document, layer=layer
            )
        return Response(data)
