"""A debate's managing pages: its members, and bringing documents and spans in.

Both pages only draw: every change goes through the API (members, document and span imports),
with the checks and the refusals it gives everyone.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from debate.models import Role, SuggestionMode
from debate.selectors import member_list
from debate.serializers import MembershipSerializer
from frontend.views.common import debate_for
from suggestions.models import SuggestionGrant

# The document files the import page offers, as debate.importers reads them, and archives.
DOCUMENT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl", ".zip")


@login_required
def members_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = debate_for(request, slug)
    if not access.can_manage:
        raise PermissionDenied("Only managers of this debate see and change its members.")
    members = MembershipSerializer(member_list(debate=debate), many=True).data
    granted = sorted(
        SuggestionGrant.objects.filter(debate=debate).values_list("annotator__username", flat=True)
    )
    page_data = {
        "me": request.user.get_username(),
        "members": members,
        "roles": [{"value": value, "label": label} for value, label in Role.choices],
        "urls": {
            "home": reverse("home"),
            "debate": reverse("debate-home", args=[debate.slug]),
            "members": reverse("api-member-list", args=[debate.slug]),
            "member": reverse("api-member-detail", args=[debate.slug, "0"]).replace(
                "/0/", "/{username}/"
            ),
            "suggestions": reverse("api-suggestion-settings", args=[debate.slug]),
        },
        "suggestions": {"mode": debate.suggestions, "annotators": granted},
    }
    return render(
        request,
        "frontend/members.html",
        {
            "debate": debate,
            "roles": Role.choices,
            "modes": SuggestionMode.choices,
            "page_data": page_data,
        },
    )


@login_required
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = debate_for(request, slug)
    if not access.can_manage:
        raise PermissionDenied("Only managers of this debate import documents and spans.")
    annotators = list(
        member_list(debate=debate)
        .filter(role=Role.ANNOTATOR)
        .values_list("user__username", flat=True)
        .order_by("user__username")
    )
    page_data = {
        "suffixes": DOCUMENT_SUFFIXES,
        "urls": {
            "documents": reverse("api-document-import", args=[debate.slug]),
            "documents_list": reverse("debate-home", args=[debate.slug]) + "#docs-title",
            "brat": reverse("api-brat-import", args=[debate.slug]),
            "spans": reverse("api-span-import", args=[debate.slug]),
            "annotate": reverse("annotate", args=[0]).replace("/0/", "/{id}/"),
        },
    }
    return render(
        request,
        "frontend/import.html",
        {
            "debate": debate,
            "accept": ",".join(DOCUMENT_SUFFIXES),
            "annotators": annotators,
            "page_data": page_data,
        },
    )
