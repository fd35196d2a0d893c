"""URLs of the served benchmarks: the site's own, plus the bare endpoint they compare with.

``/bench/bare/`` parses the same JSON body a span creation sends and answers 201, through the
same gunicorn and middleware but with no authentication, serializer or database work: the
ceiling a real endpoint can approach on this server. It exists only under bench.settings.
"""

import json

from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def bare(request: HttpRequest) -> JsonResponse:
    """Answer a span-sized JSON body with a small JSON object."""
    body = json.loads(request.body)
    return JsonResponse({"received": sorted(body)}, status=201)


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("debate.urls")),
]
