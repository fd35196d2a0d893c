"""The argument map page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from debate.models import Debate
from debate.selectors import debate_access
from maps.formats import EXPORT_FORMATS
from maps.permissions import MAPS_HIDDEN, builds_maps, reads_maps
from maps.selectors import adjudicated_document_count

# --- Argument map page ------------------------------------------------------------------
MAP_FORMAT_LABELS = {"json": "JSON", "aif": "AIF", "argdown": "Argdown", "graphml": "GraphML"}


@login_required
def map_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_object_or_404(Debate.objects.visible_to(request.user), slug=slug)
    access = debate_access(user=request.user, debate=debate)
    if not reads_maps(access, debate):
        raise PermissionDenied(MAPS_HIDDEN)
    sides = {side: side.capitalize() for side in ("pro", "contra", "neutral")}
    for stance in reversed(debate.scheme["stances"]):  # the first stance of a side names it
        sides[stance["side"]] = stance.get("label") or stance["key"]
    adjudicated = adjudicated_document_count(debate=debate)
    page_data = {
        "slug": debate.slug,
        "can_build": builds_maps(access),
        "can_curate": access.writes_gold,
        "adjudicated": adjudicated,
        "sides": sides,
        "formats": [
            {"name": name, "label": MAP_FORMAT_LABELS.get(name, name.upper()), "type": f.media_type}
            for name, f in EXPORT_FORMATS.items()
        ],
        "urls": {
            "maps": reverse("api-map-list", args=[debate.slug]),
            "map": reverse("api-map-detail", args=[0]).replace("/0/", "/{id}/"),
            "diff": reverse("api-map-diff", args=[0]).replace("/0/", "/{id}/"),
            "timeline": reverse("api-map-timeline", args=[0]).replace("/0/", "/{id}/"),
            "annotate": reverse("annotate", args=[0]).replace("/0/", "/{id}/"),
            "decisions": reverse("api-map-decision-list", args=[debate.slug]),
        },
    }
    return render(
        request,
        "frontend/map.html",
        {
            "debate": debate,
            "can_build": page_data["can_build"],
            "can_curate": page_data["can_curate"],
            "adjudicated": adjudicated,
            "sides": sides,
            "page_data": page_data,
        },
    )
