"""API views of suggestions: a document's suggestions and the decisions on them, the model's
report and on-demand training, who sees suggestions, and the export as a layer.

Views only parse, check and shape; reads come from ``suggestions.selectors``, writes from
``suggestions.services``.
"""

import orjson
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from annotations.api import AnnotationErrorsMixin, DocumentScopedMixin
from annotations.models import Span
from annotations.serializers import SpanSerializer
from debate.views import DebateScopedMixin
from suggestions.models import SuggestionGrant
from suggestions.permissions import (
    ExportsSuggestions,
    ManagesSuggestionsOrReads,
    TrainsModelOrReadsReport,
)
from suggestions.selectors import (
    adjudicated_count,
    document_suggestions,
    minimum_documents,
    nearest_arguments,
    suggestion_decision_rates,
    suggestion_model_current,
    suggestion_training_latest,
    suggestions_hidden_reason,
    suggestions_of_text,
)
from suggestions.serializers import (
    DocumentSuggestionsSerializer,
    SuggestionDecisionInputSerializer,
    SuggestionDecisionSerializer,
    SuggestionModelSerializer,
    SuggestionSettingsInputSerializer,
    SuggestionSettingsSerializer,
    SuggestionTrainRequestSerializer,
    TrainingSerializer,
)
from suggestions.services import (
    not_trained_message,
    suggestion_decide,
    suggestion_settings_set,
    suggestion_training_request,
)


def _suggestion_payload(suggestion, text: str, nearest) -> dict:
    return {
        "start": suggestion.start,
        "end": suggestion.end,
        "quote": text[suggestion.start : suggestion.end],
        "confidence": suggestion.confidence,
        "stance": suggestion.stance,
        "stance_confidence": suggestion.stance_confidence,
        "role": suggestion.role,
        "role_confidence": suggestion.role_confidence,
        "nearest_argument": nearest,
    }


class DocumentSuggestionsView(DocumentScopedMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_suggestions_list",
        tags=["suggestions"],
        summary="The suggestion model's candidate spans for a document",
        description="Candidate spans with a suggested stance and role, the model's confidence "
        "and the nearest argument of the debate's current map. An annotator gets those they "
        "have not decided and that overlap none of their spans, and only where the debate's "
        "`suggestions` setting (or a manager's grant) lets them: otherwise 403 with the "
        "reason. Reviewers, managers and researchers always may. Without a trained model "
        "`results` is empty and `message` says how much gold is missing.",
        responses={200: DocumentSuggestionsSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        debate = document.debate
        hidden = suggestions_hidden_reason(
            access=self.get_access(), debate=debate, user=request.user
        )
        if hidden:
            raise PermissionDenied(hidden)
        model = suggestion_model_current(debate=debate)
        if model is None:
            message = not_trained_message(
                needed=minimum_documents(), has=adjudicated_count(debate=debate)
            )
            body = {"model": None, "model_label": None, "message": message, "results": []}
            return Response(DocumentSuggestionsSerializer(body).data)
        suggestions = document_suggestions(document=document, model=model, user=request.user)
        text = document.text
        nearest = nearest_arguments(
            debate=debate, quotes=[text[s.start : s.end] for s in suggestions]
        )
        body = {
            "model": model.number,
            "model_label": model.label,
            "message": "" if suggestions else "No suggestions left to decide in this document.",
            "results": [
                _suggestion_payload(s, text, n) for s, n in zip(suggestions, nearest, strict=True)
            ],
        }
        return Response(DocumentSuggestionsSerializer(body).data)


class SuggestionDecisionView(AnnotationErrorsMixin, DocumentScopedMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="documents_suggestions_decide",
        tags=["suggestions"],
        summary="Accept, edit or dismiss a suggestion (annotators)",
        description="`accept` writes the suggested span into your layer with the suggested "
        "stance and role; `edit` writes it with the `stance` and `role` you give; `dismiss` "
        "writes nothing. Either is recorded with the model version, and the span's history "
        "says it was accepted (or edited) from that model. The offsets must be one of the "
        "current model's suggestions for the document.",
        request=SuggestionDecisionInputSerializer,
        responses={201: SuggestionDecisionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        document = self.get_document()
        serializer = SuggestionDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decision = suggestion_decide(
            document=document,
            by=request.user,
            access=self.get_access(),
            model_number=data["model"],
            start=data["start"],
            end=data["end"],
            action=data["action"],
            stance=data.get("stance"),
            role=data.get("role"),
            actor=data.get("actor"),
            note=data.get("note", ""),
        )
        body = SuggestionDecisionSerializer(decision).data
        if decision.span_pk is not None:
            span = Span.objects.select_related("annotator").get(pk=decision.span_pk)
            body = {**body, "span_detail": SpanSerializer(span).data}
        return Response(body, status=status.HTTP_201_CREATED)


class SuggestionModelView(DebateScopedMixin, APIView):
    permission_classes = [IsAuthenticated, TrainsModelOrReadsReport]

    @extend_schema(
        operation_id="debates_suggestions_model",
        tags=["suggestions"],
        summary="The debate's suggestion model and how good it is",
        description="The current version (`model`: v3 is 3) with its cross-validated figures "
        "as one more coder: precision, recall and F1 of its spans against gold (a span hits a "
        "gold span when they overlap by at least half their union), and Krippendorff's alpha "
        "of its stance and role over the hits; the latest training; and per annotator how "
        "many suggestions they accepted, edited and dismissed. Reviewers, managers, "
        "researchers.",
        responses={200: SuggestionModelSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        model = suggestion_model_current(debate=debate)
        adjudicated = adjudicated_count(debate=debate)
        needed = minimum_documents()
        body = {
            "trained": model is not None,
            "message": model.label
            if model
            else not_trained_message(needed=needed, has=adjudicated),
            "minimum_documents": needed,
            "adjudicated_documents": adjudicated,
            "model": model.number if model else None,
            "model_label": model.label if model else None,
            "input_hash": model.input_hash if model else None,
            "trainer_version": model.trainer_version if model else None,
            "created_at": model.created_at if model else None,
            "report": model.report if model else None,
            "annotators": suggestion_decision_rates(debate=debate),
            "training": suggestion_training_latest(debate=debate),
        }
        return Response(SuggestionModelSerializer(body).data)


class SuggestionTrainView(DebateScopedMixin, APIView):
    permission_classes = [IsAuthenticated, TrainsModelOrReadsReport]

    @extend_schema(
        operation_id="debates_suggestions_model_train",
        tags=["suggestions"],
        summary="Ask for a training of the suggestion model (reviewers, managers)",
        description="Runs in the background from the adjudicated gold; a request while one "
        "waits joins it. Unchanged gold keeps the current version.",
        request=SuggestionTrainRequestSerializer,
        responses={202: TrainingSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        serializer = SuggestionTrainRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        training = suggestion_training_request(
            debate=debate,
            reason=serializer.validated_data["reason"] or f"asked by {request.user.get_username()}",
            requested_by=request.user,
        )
        return Response(TrainingSerializer(training).data, status=status.HTTP_202_ACCEPTED)


class SuggestionSettingsView(DebateScopedMixin, APIView):
    permission_classes = [IsAuthenticated, ManagesSuggestionsOrReads]

    def _body(self, debate) -> dict:
        granted = SuggestionGrant.objects.filter(debate=debate).values_list(
            "annotator__username", flat=True
        )
        return {"mode": debate.suggestions, "annotators": sorted(granted)}

    @extend_schema(
        operation_id="debates_suggestions_settings",
        tags=["suggestions"],
        summary="When annotators see suggestions, and who sees them anyway",
        responses={200: SuggestionSettingsSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(SuggestionSettingsSerializer(self._body(self.get_debate())).data)

    @extend_schema(
        operation_id="debates_suggestions_settings_update",
        tags=["suggestions"],
        summary="Set when annotators see suggestions (managers)",
        description="`mode`: `off` (none, for a blind first pass), `after_first_submission` "
        "(after an annotator's first submitted document) or `on`; `annotators`: usernames "
        "who see them whatever the mode (the whole list: others lose their grant).",
        request=SuggestionSettingsInputSerializer,
        responses={200: SuggestionSettingsSerializer},
    )
    def put(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        serializer = SuggestionSettingsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        suggestion_settings_set(
            debate=debate,
            by=request.user,
            mode=serializer.validated_data["mode"],
            annotators=serializer.validated_data["annotators"],
        )
        return Response(SuggestionSettingsSerializer(self._body(debate)).data)


class SuggestionExportView(DebateScopedMixin, APIView):
    permission_classes = [IsAuthenticated, ExportsSuggestions]
    extra_query_params = ("format",)
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"

    def perform_content_negotiation(self, request, force=False):
        # ``format`` picks the export, not one of DRF's renderers; errors are always JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    @extend_schema(
        operation_id="debates_suggestions_export",
        tags=["suggestions"],
        summary="Export the current model's suggestions for every document, as a layer",
        description="JSON Lines, one suggestion a line, in the span export's shape with the "
        "layer named after the model (`suggestion model v3`) and its confidence. Reviewers, "
        "managers and researchers; an empty file while the model is not trained.",
        parameters=[OpenApiParameter("format", str, enum=["jsonl"], description="Only `jsonl`.")],
        responses={
            (200, "application/jsonl"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        debate = self.get_debate()
        wanted = request.query_params.get("format", "jsonl")
        if wanted != "jsonl":
            raise ValidationError({"format": ["Only jsonl is offered."]})
        model = suggestion_model_current(debate=debate)

        def lines():
            if model is None:
                return
            for document_id, text in debate.documents.order_by("pk").values_list("pk", "text"):
                for s in suggestions_of_text(model=model, text=text):
                    row = {
                        "document": document_id,
                        "layer": model.label,
                        "start": s.start,
                        "end": s.end,
                        "quote": text[s.start : s.end],
                        "stance": s.stance,
                        "role": s.role,
                        "confidence": s.confidence,
                        "stance_confidence": s.stance_confidence,
                        "role_confidence": s.role_confidence,
                    }
                    yield orjson.dumps(row) + b"\n"

        response = StreamingHttpResponse(lines(), content_type="application/jsonl")
        number = model.number if model else 0
        response["Content-Disposition"] = (
            f'attachment; filename="{debate.slug}-suggestions-v{number}.jsonl"'
        )
        return response
