"""API views of span imports: a brat zip or a JSON Lines export, uploaded as multipart form data.

Every check of the upload itself (size, type, zip entries) happens before anything is
written; then each document is imported in its own transaction and the answer reports each.
"""

import codecs
import json
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from annotations.exports.selectors import export_actors
from annotations.formats.brat import (
    MappingInvalid,
    brat_files_from_zip,
    brat_mapping_default,
    brat_mapping_parse,
)
from annotations.formats.jsonl import JSONL_CONTENT_TYPES, jsonl_drafts
from annotations.imports.reports import IMPORTED, SKIPPED, ImportInterrupted, ImportReport
from annotations.imports.services import (
    AS_EXPORTED,
    brat_import,
    import_layer_user,
    spans_import,
)
from annotations.models import GOLD
from annotations.permissions import import_refusal
from core.api import DetailSerializer
from core.middleware import RETRY_AFTER_SECONDS
from core.uploads.limits import UploadRefused, import_limits
from core.uploads.zips import ZIP_CONTENT_TYPES, ZipUpload
from debate.views import DebateScopedMixin

logger = logging.getLogger(__name__)

MAPPING_MAX_BYTES = 256 * 1024


class UploadError(APIException):
    """An upload refused as a whole, with the status that says why (400, 413 or 415)."""

    def __init__(self, detail: str, status_code: int):
        self.status_code = status_code
        super().__init__(detail)


class ImportsAnnotations(BasePermission):
    """Allow the debate's managers and reviewers (who may import into gold only)."""

    message = "Only managers and reviewers of this debate import annotations."

    def has_permission(self, request, view) -> bool:
        access = view.get_access()  # 404 first for non-members
        return access.can_manage or access.writes_gold


PROBLEM_FIELDS = {
    "file": serializers.CharField(),
    "line": serializers.IntegerField(allow_null=True),
    "reason": serializers.CharField(),
}
OUTCOME_FIELDS = {
    "name": serializers.CharField(help_text="The document's name in the upload."),
    "layer": serializers.CharField(),
    "status": serializers.ChoiceField(choices=["imported", "skipped", "rejected"]),
    "document": serializers.IntegerField(allow_null=True),
    "document_created": serializers.BooleanField(),
    "spans": serializers.IntegerField(),
    "relations": serializers.IntegerField(),
    "problems": inline_serializer("ImportProblem", fields=PROBLEM_FIELDS, many=True),
}
REPORT_FIELDS = {
    "imported": serializers.IntegerField(),
    "skipped": serializers.IntegerField(),
    "rejected": serializers.IntegerField(),
    "spans": serializers.IntegerField(),
    "relations": serializers.IntegerField(),
    "documents": inline_serializer("ImportedDocument", fields=OUTCOME_FIELDS, many=True),
    "ignored": serializers.ListField(
        child=serializers.CharField(), help_text="Entries that are not brat documents."
    ),
}
ReportSerializer = inline_serializer("ImportReport", fields=REPORT_FIELDS)
IMPORT_RESPONSES = {
    200: OpenApiResponse(
        ReportSerializer,
        description="The upload was read; each document was imported, skipped (its layer "
        "already held spans) or rejected (with the problems, by file and line).",
    ),
    413: OpenApiResponse(DetailSerializer, description="The upload is too large."),
    415: OpenApiResponse(DetailSerializer, description="The file is not of the expected type."),
    422: OpenApiResponse(ReportSerializer, description="No document could be imported."),
    503: OpenApiResponse(
        inline_serializer(
            "ImportInterrupted",
            fields={"detail": serializers.CharField(), **REPORT_FIELDS},
        ),
        description="The database was lost. With nothing imported yet, only `detail`: nothing "
        "was written. Part way through, the report lists the documents imported before the "
        "loss, which are kept; importing the same upload again skips them. Retry after "
        "`Retry-After` seconds.",
    ),
}


class ImportUploadMixin(DebateScopedMixin):
    parser_classes = [MultiPartParser]
    permission_classes = [IsAuthenticated, ImportsAnnotations]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "import"
    content_types: frozenset[str] = frozenset()
    kind = ""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # Refuse a declared oversize body before reading any of it.
        limit = import_limits().upload_bytes
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > limit + 64 * 1024:
            raise UploadError(
                f"The upload is {length} bytes; the limit is {limit} "
                "(DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES).",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )

    def upload(self, request: Request):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach the file to import as the form field file."]})
        limit = import_limits().upload_bytes
        if upload.size > limit:
            raise UploadError(
                f"file: {upload.size} bytes; the limit is {limit} "
                "(DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES).",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        content_type = (upload.content_type or "").split(";")[0].strip().lower()
        if content_type not in self.content_types:
            raise UploadError(
                f"file: expected {self.kind}, not {content_type or 'no content type'}.",
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        return upload

    def target(self, request: Request, *, allow_as_exported: bool = False):
        """Return the target layer's name and user (None for gold), checked for the user."""
        layer = request.data.get("layer") or GOLD
        if not isinstance(layer, str) or len(layer) > 150:
            raise ValidationError({"layer": ["Give gold or an annotator's username."]})
        if allow_as_exported and layer == AS_EXPORTED:
            if not self.get_access().can_manage:
                raise PermissionDenied("Only managers import into several layers at once.")
            return layer, None
        try:
            annotator = import_layer_user(debate=self.get_debate(), layer=layer)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None
        refusal = import_refusal(
            access=self.get_access(), annotator_id=None if annotator is None else annotator.pk
        )
        if refusal:
            raise PermissionDenied(refusal)
        return layer, annotator

    def report_response(self, report: ImportReport) -> Response:
        done = report.count(IMPORTED) + report.count(SKIPPED)
        return Response(
            report.as_dict(),
            status=status.HTTP_200_OK if done else status.HTTP_422_UNPROCESSABLE_ENTITY,
        )

    def handle_exception(self, exc):
        if isinstance(exc, UploadRefused):
            exc = UploadError(str(exc), exc.status)
        if isinstance(exc, ImportInterrupted):
            logger.error("Database lost during an import, answered 503", exc_info=exc)
            return Response(
                {"detail": str(exc), **exc.report.as_dict()},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return super().handle_exception(exc)


@extend_schema(
    summary="Import brat standoff files into one layer (managers; reviewers into gold)",
    description="Upload a zip (form field `file`) of brat documents, `<name>.txt` beside "
    "`<name>.ann`, in any folders; `annotation.conf` and other files are passed over. "
    "`layer` is `gold` (default) or an annotator's username. `mapping` (optional, a JSON "
    "file) maps brat entity types, attributes and relation types to this debate's roles, "
    "stances, actors and relation types; without it Debatemap's own brat export is read "
    "back as it was written. Offsets are checked against the text; a document with any "
    "problem is rejected whole and named with file, line and reason. Documents are matched "
    "by the SHA-256 of their normalised text, and created when new (managers only; a "
    "reviewer's import reaches existing documents). Refused with nothing "
    "written: entries with `..` or absolute paths, links, encrypted entries, more entries or "
    "bytes than the limits (settings `DEBATEMAP_IMPORT_MAX_*`: 50 MiB upload, 20,000 "
    "entries, 20 MiB per entry and 200 MiB in all, unpacked), and files that are not zips.",
    request={
        "multipart/form-data": inline_serializer(
            "BratImportUpload",
            fields={
                "file": serializers.FileField(help_text="A zip archive (application/zip)."),
                "layer": serializers.CharField(
                    required=False, help_text="gold (default) or an annotator's username."
                ),
                "mapping": serializers.FileField(
                    required=False, help_text="A JSON label mapping; see the description."
                ),
            },
        )
    },
    responses=IMPORT_RESPONSES,
)
class BratImportView(ImportUploadMixin, APIView):
    content_types = ZIP_CONTENT_TYPES
    kind = "a zip archive (application/zip)"

    def post(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        upload = self.upload(request)
        _layer, annotator = self.target(request)
        actors = export_actors(debate=debate)
        mapping = brat_mapping_default(scheme=debate.scheme, actors=actors)
        mapping_file = request.FILES.get("mapping")
        if mapping_file is not None:
            if mapping_file.size > MAPPING_MAX_BYTES:
                raise ValidationError({"mapping": [f"At most {MAPPING_MAX_BYTES} bytes."]})
            try:
                data = json.loads(mapping_file.read().decode("utf-8"))
                mapping = brat_mapping_parse(data, scheme=debate.scheme, actors=actors)
            except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ValidationError({"mapping": [f"Not a JSON file: {exc}"]}) from None
            except MappingInvalid as exc:
                raise ValidationError({"mapping": [str(exc)]}) from None
        archive = ZipUpload(upload, limits=import_limits())
        documents, ignored = brat_files_from_zip(archive)
        report = brat_import(
            debate=debate,
            documents=documents,
            annotator=annotator,
            by=request.user,
            mapping=mapping,
            origin=f"brat upload {upload.name}",
            ignored=ignored,
        )
        return self.report_response(report)


@extend_schema(
    summary="Import a JSON Lines span export (managers; reviewers into gold)",
    description="Upload a file written by the JSON Lines export (form field `file`). Its "
    "documents are matched by the SHA-256 of their text (created when new, from the "
    "document lines), its actors by name (created when missing; both by managers only), and "
    "each document's "
    "spans and relations are imported into `layer`: `gold` (default), an annotator's "
    "username, or `as-exported` (managers: each span into the layer it came from). A file "
    "holding several layers needs `source_layer` (which of them to read) unless imported "
    "`as-exported`. A layer that already holds spans of a document is skipped.",
    request={
        "multipart/form-data": inline_serializer(
            "SpanImportUpload",
            fields={
                "file": serializers.FileField(help_text="JSON Lines (application/x-ndjson)."),
                "layer": serializers.CharField(
                    required=False,
                    help_text="gold (default), an annotator's username, or as-exported.",
                ),
                "source_layer": serializers.CharField(
                    required=False, help_text="Read only this layer of the file."
                ),
            },
        )
    },
    responses=IMPORT_RESPONSES,
)
class SpanImportView(ImportUploadMixin, APIView):
    content_types = JSONL_CONTENT_TYPES
    kind = "JSON Lines (application/x-ndjson)"

    def post(self, request: Request, slug: str) -> Response:
        debate = self.get_debate()
        upload = self.upload(request)
        layer, _annotator = self.target(request, allow_as_exported=True)
        source_layer = request.data.get("source_layer") or None
        upload.seek(0)
        head = upload.read(64)
        upload.seek(0)
        if head.startswith((b"PK\x03\x04", b"\x1f\x8b")):
            raise UploadError(
                "file: this is an archive, not JSON Lines text.",
                status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            )
        # Check the whole file is text before the first document is written.
        decoder = codecs.getincrementaldecoder("utf-8")()
        offset = 0
        try:
            for chunk in upload.chunks():
                decoder.decode(chunk)
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise ValidationError(
                {"file": [f"Not UTF-8 text (byte {offset + exc.start})."]}
            ) from None
        upload.seek(0)
        report = spans_import(
            debate=debate,
            drafts=jsonl_drafts(upload, file=upload.name, source_layer=source_layer),
            layer=layer,
            by=request.user,
            origin=f"JSON Lines upload {upload.name}",
        )
        return self.report_response(report)
