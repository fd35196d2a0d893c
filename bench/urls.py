"""URLs of the served benchmarks: the site's own, plus two endpoints they compare with.

``/bench/bare/`` parses the same JSON body a span creation sends and answers 201, through the
same gunicorn and middleware but with no authentication, serializer or database work: the
ceiling a real endpoint can approach on this server.

``/bench/floor/<document>/`` does a span creation's database work and nothing more: the
token's user and the document with the caller's role read by the same compiled queries, the
span and its history event written by ``span_insert``, span creation's database step,
committed; no DRF, no permission or validation, no answer beyond the new id. What no
implementation of span creation can go below on this server.

``/bench/fetch-floor/<document>/`` reads what a document's GET with ``include=spans,relations``
reads (the token's user, the document with the caller's role, the caller's spans and relations,
by the same compiled queries) and answers them as JSON: no DRF, no serializer, no status.

``/bench/import-floor/<debate>/`` stores a JSON list of documents as they come: the body
parsed, each text hashed (the database insists on it) and the rows written by the same COPY;
no normalisation, headline, duplicate check, validation or report. Both floors answer only
the annotator's or manager's token they are given. All four exist only under bench.settings.
"""

import json

import orjson
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.authentication import TokenAuthentication
from annotations.layer_reads import layer_relations_payload, layer_spans_payload
from annotations.services import SpanInput, span_insert
from core.db.bulk_insert import insert_rows
from debate.models import Debate, Document
from debate.selectors import document_access_get
from debate.text import text_sha256


def _caller(request: HttpRequest):
    key = request.headers["Authorization"].removeprefix("Token ")
    user, _token = TokenAuthentication().authenticate_credentials(key)
    return user


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    """Answer a span-sized JSON body with a small JSON object."""
    body = json.loads(request.body)
    return JsonResponse({"received": sorted(body)}, status=201)


@csrf_exempt
@require_POST
def floor(request: HttpRequest, pk: int) -> JsonResponse:
    """Write the span in the body into the caller's layer with nothing but the database work."""
    body = json.loads(request.body)
    user = _caller(request)
    document, _access = document_access_get(user=user, pk=pk, text=False)
    fields = ("start", "end", "quote", "stance", "role", "client_id")
    item = SpanInput(**{name: body[name] for name in fields})
    write = span_insert(document=document, annotator=user, by=user, item=item, reason="")
    return JsonResponse({"id": write.span.pk}, status=201)


def fetch_floor(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a document with the caller's spans and relations: the reads and the JSON alone."""
    user = _caller(request)
    document, _access = document_access_get(user=user, pk=pk)
    answer = {
        "id": document.pk,
        "title": document.title,
        "text": document.text,
        "spans": layer_spans_payload(user=user, document=document),
        "relations": layer_relations_payload(user=user, document=document),
    }
    return HttpResponse(orjson.dumps(answer), content_type="application/json")


@csrf_exempt
@require_POST
def import_floor(request: HttpRequest, slug: str) -> JsonResponse:
    """Store the documents of a JSON list as they are, by COPY, in one transaction."""
    _caller(request)
    debate = Debate.objects.get(slug=slug)
    items = orjson.loads(request.body)
    rows = (
        Document(
            debate_id=debate.pk,
            title=item["title"],
            text=item["text"],
            source=item.get("source", ""),
            sha256=text_sha256(item["text"]),
        )
        for item in items
    )
    with transaction.atomic():
        insert_rows(Document, rows)
    return JsonResponse({"imported": len(items)})


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/floor/<int:pk>/", floor, name="bench-floor"),
    path("bench/fetch-floor/<int:pk>/", fetch_floor, name="bench-fetch-floor"),
    path("bench/import-floor/<slug:slug>/", import_floor, name="bench-import-floor"),
    path("", include("config.urls")),
]
