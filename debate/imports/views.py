"""API view of the bulk document import: a JSON list, or a JSON Lines or zip upload.

The request is checked whole (who asks, its type, its size, a zip's entries) before anything
is written; then ``documents_import`` stores the documents in batches and the answer is the
report, at the end or (``?progress=ndjson``) as a line after each committed batch.
"""

import logging
from collections.abc import Iterator
from pathlib import PurePosixPath

import orjson
from django.conf import settings
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from core.api import DetailSerializer
from core.middleware import RETRY_AFTER_SECONDS, database_unavailable
from core.parsers import JSONParser
from core.uploads.limits import UploadRefused, import_limits
from core.uploads.zips import ZipUpload
from debate.importers import (
    ImportItem,
    read_file_items,
    read_json_list,
    read_jsonl_stream,
)
from debate.imports.services import ImportProgress, documents_import
from debate.views import DebateScopedMixin

logger = logging.getLogger(__name__)

PROGRESS_CHOICES = ("report", "ndjson")
FORM_FIELDS = ("file", "source")


class UploadError(APIException):
    """A request refused as a whole, with the status that says why (400, 413 or 415)."""

    def __init__(self, detail: str, status_code: int):
        self.status_code = status_code
        super().__init__(detail)


class ManagesDebate(BasePermission):
    """Allow the debate's managers (non-members were answered 404 already)."""

    message = "Only managers of this debate import documents."

    def has_permission(self, request, view) -> bool:
        return view.get_access().can_manage


def document_import_max_bytes() -> int:
    """Return the largest upload or body the import reads (DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES)."""
    return getattr(settings, "DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES", 512 * 2**20)


# --- Schema ---------------------------------------------------------------------------------
ITEM_FIELDS = {
    "text": serializers.CharField(
        help_text="Stored in Unicode NFC with \\n line ends; offsets count its code points."
    ),
    "title": serializers.CharField(
        required=False, help_text="Without one, the text's headline (at most 300 characters)."
    ),
    "source": serializers.CharField(required=False, help_text="The outlet."),
    "url": serializers.CharField(required=False),
    "published": serializers.CharField(
        required=False, allow_null=True, help_text="An ISO date such as 2023-07-01."
    ),
}
PROBLEM_FIELDS = {
    "status": serializers.ChoiceField(choices=["rejected", "skipped"]),
    "file": serializers.CharField(
        allow_null=True, help_text="The upload, or the zip entry, the item was read from."
    ),
    "line": serializers.IntegerField(
        allow_null=True, help_text="Its line in a JSON Lines file (blank lines count)."
    ),
    "index": serializers.IntegerField(
        allow_null=True, help_text="Its place in a JSON list body, from 0."
    ),
    "field": serializers.CharField(
        allow_null=True, help_text="The field at fault; null when it is the item or file."
    ),
    "reason": serializers.CharField(),
    "document": serializers.IntegerField(
        allow_null=True, help_text="For a skipped item, the document that holds its text."
    ),
}
COUNT_FIELDS = {
    "read": serializers.IntegerField(help_text="Items read (documents, or files that failed)."),
    "imported": serializers.IntegerField(help_text="Documents created, all committed."),
    "skipped": serializers.IntegerField(help_text="Items whose text the debate already held."),
    "rejected": serializers.IntegerField(help_text="Items refused, each named in `problems`."),
}
# One class, so the schema has one component for it.
ProblemSerializer = type(inline_serializer("DocumentImportProblem", fields=PROBLEM_FIELDS))
ReportSerializer = inline_serializer(
    "DocumentImportReport",
    fields={**COUNT_FIELDS, "problems": ProblemSerializer(many=True)},
)
IMPORT_DESCRIPTION = """\
Send the documents as one of:

- a JSON list (`Content-Type: application/json`) of objects with `text` and optionally
  `title`, `source`, `url`, `published`; at most `DATA_UPLOAD_MAX_MEMORY_SIZE` bytes (32 MiB):
  larger sets go as JSON Lines;
- multipart form data with `file`: a JSON Lines file (`.jsonl`, one such object a line) or a
  zip archive of `.txt`, `.md`, `.html` and `.jsonl` files, read as `manage.py
  import_documents` reads them (the zip limits of the span imports apply). `source` (optional)
  is the outlet of documents that name none (default: the file's name).

Texts are normalised (Unicode NFC, `\\n` line ends) and deduplicated by their SHA-256 against
the debate and the upload: a duplicate is `skipped`, naming the `document` that holds it. An
item that cannot be read or is invalid is `rejected` alone, named by its `index` (JSON list),
`file` and `line` (JSON Lines) or `file` (zip entry), with the `field` and the `reason`.
Documents are written in batches of up to 1,000, each batch in one transaction; a batch the
database refuses is written again one document at a time, so one bad item never takes another
with it.

The answer is the report once everything is committed (200; 422 when no item could be
imported or skipped). With `?progress=ndjson` it is instead a stream of JSON Lines
(`application/x-ndjson`, status 200 once the upload was accepted): `{"event": "problem",
...}` for each item not imported, `{"event": "progress", "read", "imported", "skipped",
"rejected"}` after each committed batch (every document it counts is stored), and last
`{"event": "done", ...the counts}`, or `{"event": "error", "detail", ...the counts}` when the
import stopped part way (the documents counted so far are kept; importing the same upload
again skips them). Managers only: other members get 403, non-members 404. Throttled per user
with the span imports (`THROTTLE_IMPORT`, default 60 a minute).

```
curl -H "Authorization: Token $TOKEN" -F file=@articles.jsonl \\
    "$HOST/api/v1/debates/<slug>/documents/import/?progress=ndjson"
```
"""


class DocumentImportRenderer(JSONRenderer):
    """Errors of the import are JSON whatever the client accepts; the stream is its own."""


@extend_schema(
    summary="Import many documents into a debate (managers)",
    description=IMPORT_DESCRIPTION,
    parameters=[
        OpenApiParameter(
            "progress",
            str,
            enum=PROGRESS_CHOICES,
            default="report",
            description="`report` (default): one JSON report at the end. `ndjson`: a JSON "
            "line after each committed batch, then the totals.",
        )
    ],
    request={
        "application/json": inline_serializer("DocumentImportItem", fields=ITEM_FIELDS, many=True),
        "multipart/form-data": inline_serializer(
            "DocumentImportUpload",
            fields={
                "file": serializers.FileField(
                    help_text="JSON Lines (.jsonl) or a zip of .txt, .md, .html, .jsonl files."
                ),
                "source": serializers.CharField(
                    required=False,
                    help_text="The outlet of documents that name none (default: the file's name).",
                ),
            },
        ),
    },
    responses={
        (200, "application/json"): OpenApiResponse(
            ReportSerializer, description="Every item imported, skipped or rejected."
        ),
        (200, "application/x-ndjson"): OpenApiResponse(
            OpenApiTypes.STR, description="With `progress=ndjson`: the progress lines."
        ),
        413: OpenApiResponse(DetailSerializer, description="The body or upload is too large."),
        415: OpenApiResponse(DetailSerializer, description="Neither JSON Lines nor a zip."),
        422: OpenApiResponse(ReportSerializer, description="No item could be imported."),
        503: OpenApiResponse(
            inline_serializer(
                "DocumentImportInterrupted",
                fields={
                    "detail": serializers.CharField(),
                    **COUNT_FIELDS,
                    "problems": ProblemSerializer(many=True),
                },
            ),
            description="The database was lost part way; the documents counted as imported "
            "are kept. Retry after `Retry-After` seconds: importing the same upload again "
            "skips them.",
        ),
    },
)
class DocumentImportView(DebateScopedMixin, APIView):
    parser_classes = [JSONParser, MultiPartParser]
    permission_classes = [IsAuthenticated, ManagesDebate]
    renderer_classes = [DocumentImportRenderer]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "import"  # shared with the span imports (THROTTLE_IMPORT)
    extra_query_params = ("progress",)

    def perform_content_negotiation(self, request, force=False):
        # ``progress`` picks the answer's form, not one of DRF's renderers.
        renderer = DocumentImportRenderer()
        return renderer, renderer.media_type

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        # Refuse a declared oversize body before reading any of it.
        limit = document_import_max_bytes()
        length = request.META.get("CONTENT_LENGTH") or "0"
        if length.isdigit() and int(length) > limit:
            raise UploadError(
                f"The body is {int(length):,} bytes; the limit is {limit:,} "
                "(DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES).",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )

    def handle_exception(self, exc):
        if isinstance(exc, UploadRefused):
            exc = UploadError(str(exc), exc.status)
        return super().handle_exception(exc)

    def post(self, request: Request, slug: str):
        progress = request.query_params.get("progress", "report")
        if progress not in PROGRESS_CHOICES:
            raise ValidationError({"progress": [f"Use one of {', '.join(PROGRESS_CHOICES)}."]})
        items = self.items(request)
        batches = documents_import(debate=self.get_debate(), items=items)
        if progress == "ndjson":
            response = StreamingHttpResponse(
                progress_lines(batches), content_type="application/x-ndjson"
            )
            response["Cache-Control"] = "no-store"
            # A proxy such as nginx would otherwise hold the lines back until it had them all.
            response["X-Accel-Buffering"] = "no"
            return response
        return report_response(batches)

    def items(self, request: Request) -> Iterator[ImportItem]:
        """Return the items of the request, refusing it whole when it cannot be read."""
        if request.content_type.split(";")[0].strip().lower() == "application/json":
            data = request.data
            if not isinstance(data, list) or not data:
                raise ValidationError(
                    {"non_field_errors": ["Send a non-empty JSON list of documents."]}
                )
            return read_json_list(data)
        unknown = sorted(set(request.data) - set(FORM_FIELDS))
        if unknown:
            raise ValidationError({name: ["Unknown field."] for name in unknown})
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError({"file": ["Attach the file to import as the form field file."]})
        source = request.data.get("source", "")
        if not isinstance(source, str) or len(source) > 300:
            raise ValidationError({"source": ["At most 300 characters."]})
        limit = document_import_max_bytes()
        if upload.size > limit:
            raise UploadError(
                f"file: {upload.size:,} bytes; the limit is {limit:,} "
                "(DEBATEMAP_DOCUMENT_IMPORT_MAX_BYTES).",
                status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        upload.seek(0)
        head = upload.read(4)
        upload.seek(0)
        name = upload.name or "upload"
        if head.startswith(b"PK"):
            return zip_items(ZipUpload(upload, limits=import_limits()), source=source.strip())
        if PurePosixPath(name).suffix.lower() == ".jsonl":
            return read_jsonl_stream(upload, file=name, source=source.strip())
        raise UploadError(
            "file: expected a JSON Lines file (.jsonl) or a zip archive (.zip).",
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )


def zip_items(archive: ZipUpload, *, source: str) -> Iterator[ImportItem]:
    """Yield the documents of a zip's files in the order of their names, hidden ones passed over."""
    for name in sorted(archive.entries):
        path = PurePosixPath(name)
        if any(part.startswith(".") for part in path.parts):
            continue
        try:
            raw = archive.read(name)
        except UploadRefused as exc:
            yield ImportItem(name, reason=str(exc).removeprefix("file: "))
            continue
        yield from read_file_items(path, raw, source=source)


def _line(event: str, **fields) -> bytes:
    return orjson.dumps({"event": event, **fields}) + b"\n"


def progress_lines(batches: Iterator[ImportProgress]) -> Iterator[bytes]:
    """Yield each batch's problems and counts once committed, then the totals or the error."""
    counts = ImportProgress().counts()
    try:
        for progress in batches:
            counts = progress.counts()
            yield b"".join(
                [
                    *(_line("problem", **problem.as_dict()) for problem in progress.problems),
                    _line("progress", **counts),
                ]
            )
    except Exception as exc:
        # The status line is sent: the stream's last line tells the client how it ended.
        if not database_unavailable(exc):
            logger.exception("Document import failed part way")
            detail = "The import failed part way; the documents counted so far are kept."
        else:
            logger.error("Database lost during a document import", exc_info=exc)
            detail = (
                "The database was lost part way; the documents counted so far are kept. "
                "Retry shortly: importing the same upload again skips them."
            )
        yield _line("error", detail=detail, **counts)
        return
    yield _line("done", **counts)


def report_response(batches: Iterator[ImportProgress]) -> Response:
    """Answer the whole report once every batch is committed (503 with it if cut short)."""
    progress = ImportProgress()
    problems = []
    try:
        for progress in batches:
            problems.extend(problem.as_dict() for problem in progress.problems)
    except Exception as exc:
        if not database_unavailable(exc):
            raise
        logger.error("Database lost during a document import, answered 503", exc_info=exc)
        return Response(
            {
                "detail": "The database was lost part way through the import; the "
                f"{progress.imported} document(s) counted as imported are kept. Retry "
                "shortly: importing the same upload again skips them.",
                **progress.counts(),
                "problems": problems,
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    done = progress.imported + progress.skipped
    return Response(
        {**progress.counts(), "problems": problems},
        status=status.HTTP_200_OK if done else status.HTTP_422_UNPROCESSABLE_ENTITY,
    )
