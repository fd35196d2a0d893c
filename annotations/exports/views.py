"""API view of span exports: check the request, then stream the chosen format."""

import json
import re

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from annotations.exports.selectors import (
    ALL,
    ExportFilters,
    export_actors,
    export_jsonl_body,
    export_layer_known,
    export_provenance,
    export_refusal,
    export_spans,
    export_unknown_documents,
)
from annotations.formats import (
    DEPRECATED_FORMATS,
    EXTENSIONS,
    FORMATS,
    MEDIA_TYPES,
    needs_text,
)
from annotations.formats.brat import brat_export
from annotations.formats.csv import csv_export
from annotations.formats.jsonl import jsonl_export
from annotations.formats.w3c import w3c_export
from annotations.models import GOLD
from debate.views import DebateScopedMixin

DOCUMENTS_MAX = 1000
PROVENANCE_HEADER = "X-Debatemap-Provenance"
DEPRECATED_HEADER = "X-Debatemap-Deprecated"
# 2026-12-06, the release that renamed format=webanno to format=w3c, as an RFC 9745 date.
DEPRECATED_SINCE = "@1796515200"


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=(*FORMATS, *DEPRECATED_FORMATS),
        default="jsonl",
        help_text="jsonl (JSON Lines, self-contained: provenance, actors, documents with "
        "text, spans), csv (one row per span), w3c (W3C Web Annotation JSON-LD) or brat "
        "(a zip of .txt/.ann standoff files with annotation.conf). `webanno` is the deprecated "
        "old name of `w3c` (it never was WebAnno TSV): it still works for this release and "
        "says so in a `Deprecation` header.",
    )
    layer = serializers.CharField(
        default=ALL,
        max_length=150,
        help_text="`all` (default), `gold`, or an annotator's username.",
    )
    documents = serializers.RegexField(
        r"^\d+(,\d+)*$",
        required=False,
        max_length=20_000,
        help_text=f"Comma-separated document ids (at most {DOCUMENTS_MAX}).",
    )
    published_after = serializers.DateField(
        required=False, help_text="Documents published on or after this day."
    )
    published_before = serializers.DateField(
        required=False, help_text="Documents published on or before this day."
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text="Spans created or changed at or after this time (ISO 8601)."
    )

    def validate_documents(self, value: str) -> tuple[int, ...]:
        ids = tuple(dict.fromkeys(int(part) for part in value.split(",")))
        if len(ids) > DOCUMENTS_MAX:
            raise serializers.ValidationError(f"Give at most {DOCUMENTS_MAX} document ids.")
        return ids


class ExportsAnnotations(BasePermission):
    """Allow members who read every layer (reviewers, managers, researchers)."""

    def has_permission(self, request, view) -> bool:
        refusal = export_refusal(access=view.get_access())  # 404 first for non-members
        if refusal:
            self.message = refusal
        return refusal is None


def _filename_part(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", value)[:60]


@extend_schema(
    summary="Export the spans of a debate (reviewers, managers, researchers)",
    description="Streams every span that matches the filters, with its document, layer, "
    "labels, actor and outgoing relations, in the chosen `format`. Offsets are Unicode code "
    "points into the NFC text, half-open. Every export carries its provenance (debate, "
    "filters, time, exporter, software version) in the `X-Debatemap-Provenance` header, and "
    "also in the file: the first JSON Lines line, the collection's `provenance` (w3c), or "
    "`provenance.json` (brat). JSON Lines exports load back with "
    "`POST /api/v1/debates/{slug}/import/spans/`, brat zips with `.../import/brat/`. "
    "Unknown query parameters are refused with 400.",
    parameters=[ExportQuerySerializer],
    responses={
        (200, "application/x-ndjson"): OpenApiResponse(
            OpenApiTypes.STR, description="JSON Lines (format=jsonl)."
        ),
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV (format=csv)."),
        (200, "application/ld+json"): OpenApiResponse(
            OpenApiTypes.OBJECT, description="A W3C AnnotationCollection (format=w3c)."
        ),
        (200, "application/zip"): OpenApiResponse(
            OpenApiTypes.BINARY, description="brat standoff files (format=brat)."
        ),
    },
)
class SpanExportView(DebateScopedMixin, APIView):
    permission_classes = [IsAuthenticated, ExportsAnnotations]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "export"
    extra_query_params = tuple(ExportQuerySerializer().fields)
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        # ``format`` picks the export, not one of DRF's renderers; errors are always JSON.
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def get(self, request: Request, slug: str) -> StreamingHttpResponse:
        debate = self.get_debate()
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        options = query.validated_data
        filters = ExportFilters(
            layer=options["layer"],
            documents=options.get("documents", ()),
            published_after=options.get("published_after"),
            published_before=options.get("published_before"),
            updated_since=options.get("updated_since"),
        )
        if not export_layer_known(debate=debate, layer=filters.layer):
            raise ValidationError(
                {
                    "layer": [
                        f"No layer {filters.layer!r} in this debate: use all, gold or a "
                        "member's username."
                    ]
                }
            )
        unknown = export_unknown_documents(debate=debate, ids=filters.documents)
        if unknown:
            raise ValidationError(
                {"documents": [f"No document {', '.join(map(str, unknown))} in this debate."]}
            )
        format = options["format"]
        deprecated = format if format in DEPRECATED_FORMATS else None
        format = DEPRECATED_FORMATS.get(format, format)
        now = timezone.now()
        provenance = export_provenance(
            debate=debate,
            filters=filters,
            format=format,
            by=request.user.get_username(),
            now=now,
        )
        actors = export_actors(debate=debate)
        selection = {
            "access": self.get_access(),
            "debate": debate,
            "filters": filters,
            "actors": actors,
            "with_text": needs_text(format),
        }
        spans = export_spans(**selection)
        if format == "jsonl":
            body = export_jsonl_body(
                access=selection["access"], debate=debate, filters=filters, actors=actors
            )
            stream = jsonl_export(provenance=provenance, actors=actors, body=body)
        elif format == "csv":
            stream = csv_export(spans=spans)
        elif format == "w3c":
            base_url = request.build_absolute_uri("/")
            stream = w3c_export(
                provenance=provenance,
                spans=spans,
                base_url=base_url,
                collection_id=request.build_absolute_uri(),
                label=f"{debate.title}: spans ({filters.layer})",
            )
        else:
            stream = brat_export(
                provenance=provenance, scheme=debate.scheme, actors=actors, spans=spans, now=now
            )
        layer = GOLD if filters.layer == GOLD else _filename_part(filters.layer)
        filename = (
            f"{_filename_part(debate.slug)}-spans-{layer}-{now:%Y%m%dT%H%M%SZ}.{EXTENSIONS[format]}"
        )
        header = {key: value for key, value in provenance.items() if key != "scheme"}
        header["debate"] = {"slug": debate.slug, "title": debate.title}
        response = StreamingHttpResponse(stream, content_type=MEDIA_TYPES[format])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response[PROVENANCE_HEADER] = json.dumps(header, ensure_ascii=True, separators=(",", ":"))
        response["Cache-Control"] = "private, no-store"
        # A proxy such as nginx would otherwise hold the stream back until it had it all.
        response["X-Accel-Buffering"] = "no"
        if deprecated:
            # RFC 9745: deprecated since this day (the release that renamed it).
            response["Deprecation"] = DEPRECATED_SINCE
            response[DEPRECATED_HEADER] = (
                f"format={deprecated} is deprecated and will be removed in the next release: "
                f"use format={format} (the same W3C Web Annotation JSON-LD)."
            )
        return response


@extend_schema(exclude=True)
class SpanExportAliasView(SpanExportView):
    """The export without its trailing slash, as researchers often type it."""
