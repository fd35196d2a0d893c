"""API views of argument maps: ask for a build, follow it, list versions, download a version,
compare two versions and follow each actor's positions over time.

Views only parse, check and shape; reads come from ``maps.selectors`` and the one write
(asking for a build) from ``maps.services``.
"""

import json

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from annotations.review.permissions import ReadsAgreement
from core.api import CursorPage, DetailSerializer, StrictQueryMixin
from debate.models import Debate
from debate.selectors import AnyUser, debate_access
from debate.views import DebateScopedMixin
from maps.agreement import map_agreement_get_or_request
from maps.builder import actor_timelines, map_diff
from maps.formats import EXPORT_FORMATS, export_map
from maps.models import MapBuild, MapVersion
from maps.permissions import MAPS_HIDDEN, BuildsMapsOrReadOnly, reads_maps
from maps.selectors import (
    adjudicated_document_count,
    map_build_get,
    map_build_list,
    map_version_before,
    map_version_get,
    map_version_graph_bytes,
    map_version_list,
    map_version_map,
    map_version_of_debate,
)
from maps.serializers import (
    DEFAULT_FORMAT,
    MapAgreementSerializer,
    MapBuildRequestSerializer,
    MapBuildSerializer,
    MapDiffSerializer,
    MapIndexSerializer,
    MapTimelineSerializer,
    map_build_url,
)
from maps.services import map_build_request, map_version_current

FORMAT_NAMES = tuple(EXPORT_FORMATS)


def _check_reads_maps(user: AnyUser, debate: Debate) -> None:
    """Answer 403 to a member who may not read the debate's maps (an annotator, by default)."""
    if not reads_maps(debate_access(user=user, debate=debate), debate):
        raise PermissionDenied(MAPS_HIDDEN)


def _readable_version(request: Request, pk: int) -> MapVersion:
    """Return a version the user may read: 404 outside its debate, 403 for a hidden map."""
    try:
        version = map_version_get(user=request.user, pk=pk)
    except MapVersion.DoesNotExist:
        raise Http404("No map version with this id.") from None
    _check_reads_maps(request.user, version.debate)
    return version


class MapVersionPage(CursorPage):
    """Versions newest first; ids grow with creation, so the id orders them."""

    ordering = "-id"
    page_size = 20
    max_page_size = 100


class MapListView(DebateScopedMixin, generics.GenericAPIView):
    queryset = MapVersion.objects.none()  # only tells the schema the model; see get()
    permission_classes = [IsAuthenticated, BuildsMapsOrReadOnly]
    pagination_class = MapVersionPage

    @extend_schema(
        operation_id="debates_maps_list",
        tags=["maps"],
        summary="List a debate's map versions and latest builds",
        description="Reviewers, managers and researchers may read; annotators only where the "
        "debate's `annotators_see_maps` is on (a map quotes the gold layer). "
        "`current_version` is the map of the latest successful build (a failed build keeps "
        "the previous one current); `builds` shows the latest builds with their status, "
        "progress and error. Versions are newest first, a cursor page at a time, each with "
        "a download link per export format.",
        parameters=[
            OpenApiParameter("cursor", str, description="The pagination cursor value."),
            OpenApiParameter(
                "page_size",
                int,
                description=f"Versions per page, 1 to {MapVersionPage.max_page_size} "
                f"(default {MapVersionPage.page_size}).",
            ),
        ],
        responses={200: MapIndexSerializer},
    )
    def get(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        current = map_version_current(debate=debate)
        page = self.paginate_queryset(map_version_list(debate=debate).select_related("debate"))
        context = {
            "request": request,
            "current_version": current.pk if current else None,
        }
        body = {
            "current_version": context["current_version"],
            "adjudicated_documents": adjudicated_document_count(debate=debate),
            "builds": map_build_list(debate=debate),
            "next": self.paginator.get_next_link(),
            "previous": self.paginator.get_previous_link(),
            "results": page,
        }
        return Response(MapIndexSerializer(body, context=context).data)

    @extend_schema(
        operation_id="debates_maps_create",
        tags=["maps"],
        summary="Ask for a new map of a debate (reviewers, managers)",
        description="The build runs in the background from the gold layer of the adjudicated "
        "documents; poll the URL in `Location` (or `url`) for its progress. A request made "
        "while a build waits joins it, so this returns that build. A build whose input is "
        "unchanged keeps the current version instead of making a new one.",
        request=MapBuildRequestSerializer,
        responses={
            202: OpenApiResponse(MapBuildSerializer, description="Queued (or joined)."),
        },
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                location=OpenApiParameter.HEADER,
                response=[202],
                required=True,
                description="The build's URL, to poll.",
            )
        ],
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = MapBuildRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reason = serializer.validated_data.get("reason") or "Asked for through the API"
        build = map_build_request(
            debate=self.get_debate(), reason=reason, requested_by=request.user
        )
        build = map_build_get(user=request.user, pk=build.pk)
        return Response(
            MapBuildSerializer(build, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": map_build_url(request, build.pk)},
        )


MAP_AGREEMENT_RETRY_SECONDS = 3


class MapAgreementView(DebateScopedMixin, generics.GenericAPIView):
    serializer_class = MapAgreementSerializer
    permission_classes = [IsAuthenticated, ReadsAgreement]

    @extend_schema(
        tags=["maps"],
        summary="Compare each annotator's map, and the majority vote's, with the gold map "
        "(reviewers, managers, researchers)",
        description="Over the adjudicated documents, a map is built from each annotator's "
        "submitted layer and from the majority vote of every document's layers (units more "
        "than half of the annotators gave the same stance and role, and the relations more "
        "than half of them made between such units), with the same builder and settings as "
        "a map of the gold layer as it is now. Each is compared with the gold map: "
        "arguments matched one to one by their source spans' aligned units or by text, then "
        "support and attack edges between matched arguments; precision, recall and F1 of "
        "each, over the gold arguments of the documents the layer covers. A worker builds "
        "the maps: until it has, the answer is 202; ask again after `Retry-After` seconds. "
        "The figures are kept until a layer or gold changes. Annotators never read them "
        "(they show other layers), whatever `annotators_see_maps` says. docs/AGREEMENT.md "
        "defines every figure.",
        responses={
            200: MapAgreementSerializer,
            202: OpenApiResponse(
                DetailSerializer, description="The maps are being built; ask again shortly."
            ),
        },
        parameters=[
            OpenApiParameter(
                "Retry-After",
                int,
                location=OpenApiParameter.HEADER,
                response=[202],
                required=True,
                description="Seconds to wait before asking again.",
            )
        ],
    )
    def get(self, request: Request, slug: str) -> Response:
        agreement = map_agreement_get_or_request(debate=self.get_debate())
        if agreement is None:
            return Response(
                {"detail": "The maps are being built and compared; ask again shortly."},
                status=status.HTTP_202_ACCEPTED,
                headers={"Retry-After": str(MAP_AGREEMENT_RETRY_SECONDS)},
            )
        return Response(MapAgreementSerializer(agreement).data)


class MapBuildDetailView(StrictQueryMixin, generics.GenericAPIView):
    queryset = MapBuild.objects.none()  # only tells the schema the model; see get()
    serializer_class = MapBuildSerializer
    error_statuses = [401, 403, 404, 400]

    @extend_schema(
        tags=["maps"],
        summary="Get a map build's status and progress",
        description="Who may read it: as for the debate's maps. "
        "Poll this while `status` is `queued` or `running`. When it is `done`, "
        "`version` names the map it made (or kept, when `reused_version`); when `failed`, "
        "`error` says why and the previous map stays current.",
    )
    def get(self, request: Request, pk: int) -> Response:
        try:
            build = map_build_get(user=request.user, pk=pk)
        except MapBuild.DoesNotExist:
            raise Http404("No map build with this id.") from None
        _check_reads_maps(request.user, build.debate)
        return Response(MapBuildSerializer(build, context={"request": request}).data)


class ExportFormatNegotiation(DefaultContentNegotiation):
    """Answer in JSON whatever ``?format=`` says: here it names the map's export format.

    DRF would otherwise read ``?format=`` as the name of a renderer and answer 404 for
    ``graphml``. Successful downloads are plain responses with the format's own media type.
    """

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


_MEDIA_TYPES = {}
for _format in EXPORT_FORMATS.values():
    _MEDIA_TYPES.setdefault(_format.media_type.split(";")[0], []).append(_format.name)

_FORMATS_BY_MEDIA_TYPE = "The map in the asked format: " + "; ".join(
    f"`{media_type}` for {' and '.join(names)}" for media_type, names in _MEDIA_TYPES.items()
)

_DOWNLOAD_HEADERS = [
    OpenApiParameter(
        name,
        str,
        location=OpenApiParameter.HEADER,
        response=[200],
        required=True,
        description=description,
    )
    for name, description in (
        (
            "Content-Disposition",
            "`attachment; filename=<debate>-map-<id>.<extension>` (`.aif.json` for AIF).",
        ),
        ("X-Map-Version", "The id of the map version."),
        ("X-Input-Hash", "SHA-256 of the gold layer and builder settings the map was built from."),
        ("X-Builder-Version", "The builder that made it."),
        ("ETag", 'Versions never change: `"map-<id>-<format>"`.'),
    )
]


class MapDetailView(StrictQueryMixin, generics.GenericAPIView):
    queryset = MapVersion.objects.none()  # only tells the schema the model; see get()
    content_negotiation_class = ExportFormatNegotiation
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"
    extra_query_params = ("format",)
    error_statuses = [401, 403, 404, 400]

    @extend_schema(
        tags=["maps"],
        summary="Download a map version in one export format",
        description="Formats: `json` (default), the JSON graph as stored: the proposition, "
        "arguments with their sources (document, offsets, quote), merges with their "
        "similarity, actors, edges, the actor x position matrix and DF-QuAD strengths; `aif`, "
        "AIF JSON as AIFdb and OVA read it (I-nodes, RA/CA/MA, L-nodes with speakers, YA); "
        "`argdown`, Argdown text; `graphml`, GraphML for networkx, Gephi or yEd; `dot`, "
        "Graphviz. Every file carries the version id and the input hash, in its headers "
        "and in the file itself. Reviewers, managers and researchers may download; annotators "
        "only where the debate's `annotators_see_maps` is on.",
        parameters=[
            OpenApiParameter(
                "format",
                str,
                enum=list(FORMAT_NAMES),
                default=DEFAULT_FORMAT,
                description="The export format.",
            ),
            OpenApiParameter(
                "If-None-Match",
                str,
                location=OpenApiParameter.HEADER,
                description="The ETag you downloaded; a version never changes, so a match "
                "answers 304 without a body.",
            ),
            *_DOWNLOAD_HEADERS,
        ],
        responses={
            **{
                (200, media_type): OpenApiResponse(
                    OpenApiTypes.OBJECT if media_type.endswith("json") else OpenApiTypes.STR,
                    description=_FORMATS_BY_MEDIA_TYPE,
                )
                for media_type in _MEDIA_TYPES
            },
            304: OpenApiResponse(description="Not modified: your copy is this version."),
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        format_name = request.query_params.get("format", DEFAULT_FORMAT)
        export = EXPORT_FORMATS.get(format_name)
        if export is None:
            raise ValidationError(
                {"format": [f"Unknown map format; choose one of {', '.join(FORMAT_NAMES)}."]}
            )
        version = _readable_version(request, pk)
        etag = f'"map-{version.pk}-{export.name}"'
        headers = {
            "ETag": etag,
            "X-Map-Version": str(version.pk),
            "X-Input-Hash": version.input_hash,
            "X-Builder-Version": version.builder_version,
            # A version never changes; only members may read it, so no shared caches.
            "Cache-Control": "private, max-age=86400",
        }
        if etag in {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")}:
            return HttpResponse(status=status.HTTP_304_NOT_MODIFIED, headers=headers)
        body = _json_as_stored(version) if export.name == "json" else None
        if body is None:
            argument_map = map_version_map(version=version)
            body = export_map(argument_map, export.name, version_id=version.pk).encode("utf-8")
        filename = f"{version.debate.slug}-map-{version.pk}.{export.extension}"
        return HttpResponse(
            body,
            content_type=export.media_type
            if "charset" in export.media_type
            else f"{export.media_type}; charset=utf-8",
            headers={**headers, "Content-Disposition": f'attachment; filename="{filename}"'},
        )


# The stored graph is ``map_to_json``: compact JSON with sorted keys, whose first key is
# "actors" and whose last ("strength") sorts before "version_id" (tests/maps/test_api.py,
# test_the_stored_graph_s_keys_run_from_actors_to_before_version_id, holds both).
_STORED_GRAPH_START = b'{"actors":'


def _json_as_stored(version: MapVersion) -> bytes | None:
    """Return the JSON download, ``export_json`` of the version's map, from the stored text.

    ``export_json`` writes the map's dict plus "version_id", sorted and compact, then a new
    line: the stored text with the version id spliced in before its closing brace. Parsing
    and writing tens of megabytes again would only give the same bytes. None for a stored
    text of another shape, which then goes the long way.
    """
    stored = map_version_graph_bytes(version=version)
    if not (stored.startswith(_STORED_GRAPH_START) and stored.endswith(b"}")):
        return None
    tail = json.dumps({"version_id": str(version.pk)}, separators=(",", ":"))[1:]
    return b"".join((memoryview(stored)[:-1], b",", tail.encode("utf-8"), b"\n"))


# --- The debate over time -------------------------------------------------------------------
NOT_A_VERSION = "Not a version of this debate's map: give the id of one (see the map list)."


class MapDiffView(StrictQueryMixin, generics.GenericAPIView):
    queryset = MapVersion.objects.none()  # only tells the schema the model; see get()
    extra_query_params = ("from",)
    error_statuses = [401, 403, 404, 400]

    @extend_schema(
        tags=["maps"],
        summary="What changed between two versions of a debate's map",
        description="Arguments are matched by their sources (document and offsets), not by "
        "their ids: `added` and `removed` arguments share no source with the other version; "
        "`merged` lists each argument that now holds the sources of several older ones, "
        "`split` each older argument whose sources are now in several; `changed`, the same "
        "argument with another side, kind, wording, strength or sources; `actors`, those "
        "whose position (pro, contra, mixed, neutral) changed, null where an actor is in one "
        "version only. By default the version is compared with the debate's version made "
        "just before it; the first version is compared with an empty map (everything "
        "`added`). Who may read it: as for the debate's maps.",
        parameters=[
            OpenApiParameter(
                "from",
                int,
                description="The id of the version to compare with, of the same debate "
                "(default: the one made just before).",
            )
        ],
        responses={200: MapDiffSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        version = _readable_version(request, pk)
        raw = request.query_params.get("from")
        if raw is None:
            older = map_version_before(version=version)
        else:
            # The same answer for an unknown id and another debate's: nothing tells them apart.
            if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
                raise ValidationError({"from": [NOT_A_VERSION]})
            try:
                older = map_version_of_debate(debate=version.debate, pk=int(raw))
            except MapVersion.DoesNotExist:
                raise ValidationError({"from": [NOT_A_VERSION]}) from None
        diff = map_diff(
            None if older is None else map_version_map(version=older),
            map_version_map(version=version),
        )
        body = {
            "from_version": None if older is None else older.pk,
            "to_version": version.pk,
            "counts": {
                "added": len(diff.added),
                "removed": len(diff.removed),
                "merged": len(diff.merged),
                "split": len(diff.split),
                "changed": len(diff.changed),
                "unchanged": diff.unchanged,
            },
            "proposition": diff,
            "added": diff.added,
            "removed": diff.removed,
            "merged": diff.merged,
            "split": diff.split,
            "changed": diff.changed,
            "actors": diff.actors,
        }
        return Response(MapDiffSerializer(body).data)


class MapTimelineView(StrictQueryMixin, generics.GenericAPIView):
    queryset = MapVersion.objects.none()  # only tells the schema the model; see get()
    error_statuses = [401, 403, 404, 400]

    @extend_schema(
        tags=["maps"],
        summary="Each actor's positions over time in one map version",
        description="For every actor of the map, the sources they voiced as points: the "
        "publication day of the source's document, the side of the argument it is part of, "
        "the argument and the source (document, offsets, quote), earliest first. Sources in "
        "documents without a publication day are listed apart, in `undated`. Who may read "
        "it: as for the debate's maps.",
        responses={200: MapTimelineSerializer},
    )
    def get(self, request: Request, pk: int) -> Response:
        version = _readable_version(request, pk)
        timelines = actor_timelines(map_version_map(version=version))
        days = [point.published for actor in timelines for point in actor.points]
        body = {
            "version": version.pk,
            "first": min(days, default=None),
            "last": max(days, default=None),
            "actors": timelines,
        }
        return Response(MapTimelineSerializer(body).data)
