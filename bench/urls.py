"""URLs of the served benchmarks: the site's own, plus two endpoints they compare with.

``/bench/bare/`` parses the same JSON body a span creation sends and answers 201, through the
same gunicorn and middleware but with no authentication, serializer or database work: the
ceiling a real endpoint can approach on this server.

``/bench/floor/<document>/`` does a span creation's database work and nothing more: the
token's user and the document with the caller's role read by the same compiled queries, the
span and its history event written by ``span_insert``, span creation's database step,
committed; no DRF, no permission or validation, no answer beyond the new id. What no
implementation of span creation can go below on this server. Both exist only under
bench.settings.
"""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts.authentication import TokenAuthentication
from annotations.services import SpanInput, span_insert
from debate.selectors import document_access_get


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
    key = request.headers["Authorization"].removeprefix("Token ")
    user, _token = TokenAuthentication().authenticate_credentials(key)
    document, _access = document_access_get(user=user, pk=pk, text=False)
    fields = ("start", "end", "quote", "stance", "role", "client_id")
    item = SpanInput(**{name: body[name] for name in fields})
    write = span_insert(document=document, annotator=user, by=user, item=item, reason="")
    return JsonResponse({"id": write.span.pk}, status=201)


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/floor/<int:pk>/", floor, name="bench-floor"),
    path("", include("config.urls")),
]
