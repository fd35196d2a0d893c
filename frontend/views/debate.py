"""The home page, a debate's page and the annotator's next document."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from annotations.models import Assignment, AssignmentStatus
from debate.models import Debate, Membership
from debate.selectors import debate_access
from frontend.guidelines.panel import guidelines_panel
from frontend.views.common import member_role
from maps.permissions import reads_maps


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
    assignments = (
        Assignment.objects.filter(document__debate=debate, annotator=request.user)
        .select_related("document")
        .order_by("document_id")
    )
    counts = {status: 0 for status in AssignmentStatus.values}
    for assignment in assignments:
        counts[assignment.status] += 1
    access = debate_access(user=request.user, debate=debate)
    return render(
        request,
        "frontend/debate_home.html",
        {
            "debate": debate,
            "role": member_role(request.user, debate),
            "reads_maps": reads_maps(access, debate),
            "actors": debate.actors.all(),
            "assignments": assignments,
            "counts": counts,
            "total": sum(counts.values()),
            "documents": debate.documents.only("id", "title", "source", "published", "status"),
            "guidelines": guidelines_panel(user=request.user, debate=debate),
        },
    )


@login_required
def queue_next(request: HttpRequest, slug: str) -> HttpResponse:
    debate = get_object_or_404(Debate.objects.visible_to(request.user), slug=slug)
    assignment = (
        Assignment.objects.filter(document__debate=debate, annotator=request.user)
        .exclude(status=AssignmentStatus.SUBMITTED)
        .order_by("document_id")
        .first()
    )
    if assignment is None:
        messages.info(request, "Your queue is empty: every document assigned to you is submitted.")
        return redirect("debate-home", slug=debate.slug)
    return redirect("annotate", document_id=assignment.document_id)
