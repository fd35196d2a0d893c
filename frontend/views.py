"""Server-rendered pages; their data comes from the same selectors as the API."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from debate.models import Debate, Membership


@login_required
def home(request: HttpRequest) -> HttpResponse:
    debates = (
        Debate.objects.visible_to(request.user)
        .annotate(document_count=Count("documents", distinct=True))
        .order_by("title")
    )
    roles = dict(Membership.objects.filter(user=request.user).values_list("debate_id", "role"))
    rows = [(debate, roles.get(debate.id, "superuser")) for debate in debates]
    return render(request, "frontend/home.html", {"rows": rows})


@login_required
def debate_home(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_object_or_404(Debate.objects.visible_to(request.user), slug=slug)
    membership = Membership.objects.filter(debate=debate, user=request.user).first()
    return render(
        request,
        "frontend/debate_home.html",
        {
            "debate": debate,
            "role": membership.role if membership else "superuser",
            "actors": debate.actors.all(),
            "documents": debate.documents.only("id", "title", "source", "published", "status"),
        },
    )
