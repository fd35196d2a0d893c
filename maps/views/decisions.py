"""API views of reviewers' merge decisions: list them, join or split arguments, undo.

Views only parse, check and shape; the writes are ``maps.curation``'s, the reads
``maps.selectors``'.
"""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from core.api import CursorPage
from debate.views import DebateScopedMixin
from maps.curation import merge_decision_create, merge_decision_undo
from maps.models import MapBuild, MergeDecision
from maps.permissions import CuratesMapsOrReadOnly
from maps.selectors import map_build_get, merge_decision_get, merge_decision_list
from maps.serializers import (
    MergeDecisionChangeSerializer,
    MergeDecisionCreateSerializer,
    MergeDecisionSerializer,
    map_build_url,
)


class MergeDecisionPage(CursorPage):
    """Decisions newest first; ids grow with creation, so the id orders them."""

    ordering = "-id"
    page_size = 50
    max_page_size = 200


def _decision_change(
    request: Request, decision: MergeDecision, build: MapBuild, code: int
) -> Response:
    build = map_build_get(user=request.user, pk=build.pk)
    body = {"decision": decision, "build": build}
    return Response(
        MergeDecisionChangeSerializer(body, context={"request": request}).data,
        status=code,
        headers={"Location": map_build_url(request, build.pk)},
    )


class MergeDecisionListView(DebateScopedMixin, generics.GenericAPIView):
    queryset = MergeDecision.objects.none()  # only tells the schema the model; see get()
    permission_classes = [IsAuthenticated, CuratesMapsOrReadOnly]
    pagination_class = MergeDecisionPage
    serializer_class = MergeDecisionSerializer

    @extend_schema(
        operation_id="debates_maps_decisions_list",
        tags=["maps"],
        summary="List reviewers' merge decisions of a debate's map",
        description="Who may read: as for the debate's maps. Every join and split, newest "
        "first, undone ones too (`undone_at`); every build applies those not undone, in time "
        "order, the later winning where two contradict.",
        parameters=[
            OpenApiParameter("cursor", str, description="The pagination cursor value."),
            OpenApiParameter(
                "page_size",
                int,
                description=f"Decisions per page, 1 to {MergeDecisionPage.max_page_size} "
                f"(default {MergeDecisionPage.page_size}).",
            ),
        ],
        responses={200: MergeDecisionSerializer(many=True)},
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(merge_decision_list(debate=self.get_debate()))
        data = MergeDecisionSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        operation_id="debates_maps_decisions_create",
        tags=["maps"],
        summary="Join two arguments or split one (reviewers)",
        description="Records who decided what, when, on which gold spans (of the debate's "
        "adjudicated documents, all of one side and kind), and asks for a new map: the answer "
        "has the build to follow (also in `Location`). The decision is part of every later "
        "build's input until undone.",
        request=MergeDecisionCreateSerializer,
        responses={201: MergeDecisionChangeSerializer},
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = MergeDecisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decision, build = merge_decision_create(
            debate=self.get_debate(), by=request.user, **serializer.validated_data
        )
        return _decision_change(request, decision, build, status.HTTP_201_CREATED)


class MergeDecisionUndoView(DebateScopedMixin, generics.GenericAPIView):
    queryset = MergeDecision.objects.none()  # only tells the schema the model; see post()
    permission_classes = [IsAuthenticated, CuratesMapsOrReadOnly]

    @extend_schema(
        operation_id="debates_maps_decisions_undo",
        tags=["maps"],
        summary="Undo a merge decision (reviewers)",
        description="The decision stays in the list as history, with who undid it and when; "
        "the next build (asked for now, in the answer) no longer applies it. Undoing twice "
        "answers 400.",
        request=None,
        responses={200: MergeDecisionChangeSerializer},
    )
    def post(self, request: Request, slug: str, pk: int) -> Response:
        try:
            decision = merge_decision_get(debate=self.get_debate(), pk=pk)
        except MergeDecision.DoesNotExist:
            raise Http404("No merge decision with this id in this debate.") from None
        decision, build = merge_decision_undo(decision=decision, by=request.user)
        return _decision_change(request, decision, build, status.HTTP_200_OK)
