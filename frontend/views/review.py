"""The review queue, the review and gold pages, the agreement dashboard and assignment."""

from collections import Counter
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from annotations.review.selectors import (
    annotator_loads,
    debate_agreement_get,
    debate_assignments,
    gold_comparison,
    review_queue,
)
from annotations.review.serializers import DebateAgreementSerializer
from annotations.review.services import assignments_spread
from debate.models import Document, DocumentStatus, Role
from debate.selectors import debate_access
from frontend.views.common import debate_for, stance_styles
from suggestions.selectors import suggestion_model_summary


@login_required
def review_queue_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = debate_for(request, slug)
    if not (access.writes_gold or access.can_manage):
        raise PermissionDenied("Only reviewers and managers of this debate see the review queue.")
    return render(
        request,
        "frontend/review_queue.html",
        {
            "debate": debate,
            "can_decide": access.writes_gold,
            "ready": review_queue(user=request.user, debate=debate),
            "adjudicated": review_queue(
                user=request.user, debate=debate, status=DocumentStatus.ADJUDICATED
            ),
        },
    )


@login_required
def review_page(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("debate"), pk=document_id
    )
    debate = document.debate
    access = debate_access(user=request.user, debate=debate)
    if not (access.writes_gold or access.can_manage):
        raise PermissionDenied("Only reviewers and managers of this debate see reviews.")
    page_data = {
        "document": {
            "id": document.id,
            "title": document.title,
            "text": document.text,
            "status": document.status,
        },
        "scheme": debate.scheme,
        "actors": [{"id": actor.id, "name": actor.name} for actor in debate.actors.all()],
        "can_decide": access.writes_gold,
        "urls": {
            "review": reverse("api-review", args=[document.id]),
            "decisions": reverse("api-review-decisions", args=[document.id]),
            "finish": reverse("api-review-finish", args=[document.id]),
            "queue": reverse("review-queue", args=[debate.slug]),
        },
    }
    return render(
        request,
        "frontend/review.html",
        {
            "debate": debate,
            "document": document,
            "scheme": debate.scheme,
            "actors": debate.actors.all(),
            "can_decide": access.writes_gold,
            "page_data": page_data,
        },
    )


@login_required
def dashboard_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = debate_for(request, slug)
    if not access.reads_all_layers:
        raise PermissionDenied(
            "Only reviewers, managers and researchers of this debate see its agreement."
        )
    agreement = debate_agreement_get(debate=debate)
    assignments = debate_assignments(debate=debate)
    documents = [
        {
            "document": document,
            "assignments": assignments.get(document.id, []),
            "submitted": sum(a.status == "submitted" for a in assignments.get(document.id, [])),
        }
        for document in debate.documents.only("id", "title", "status").order_by("id")
    ]
    progress = agreement.progress
    return render(
        request,
        "frontend/dashboard.html",
        {
            "debate": debate,
            "can_review": access.writes_gold or access.can_manage,
            "can_manage": access.can_manage,
            "progress": progress,
            "report": agreement.report,
            "documents": documents,
            "suggester": suggestion_model_summary(debate=debate),
            "page_data": {
                "agreement": DebateAgreementSerializer(agreement).data,
                "stances": stance_styles(debate),
                "status_labels": dict(DocumentStatus.choices),
                "urls": {"map_agreement": reverse("api-map-agreement", args=[debate.slug])},
            },
        },
    )


@login_required
def assign_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = debate_for(request, slug)
    if not access.can_manage:
        raise PermissionDenied("Only managers of this debate assign documents.")
    annotators = list(
        get_user_model()
        .objects.filter(memberships__debate=debate, memberships__role=Role.ANNOTATOR)
        .order_by("username")
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("annotators"))
        picked = [user for user in annotators if user.get_username() in chosen]
        try:
            created = assignments_spread(debate=debate, annotators=picked, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if created:
                messages.success(
                    request,
                    f"Made {len(created)} assignment(s) over {len(picked)} annotator(s).",
                )
            else:
                messages.info(request, "Every document already has its annotators.")
        return redirect("assign", slug=debate.slug)
    loads = annotator_loads(debate=debate, annotators=[user.pk for user in annotators])
    assignments = debate_assignments(debate=debate)
    documents = [
        {"document": document, "assignments": assignments.get(document.id, [])}
        for document in debate.documents.only("id", "title", "status").order_by("id")
    ]
    return render(
        request,
        "frontend/dashboard_assign.html",
        {
            "debate": debate,
            "annotators": [(user, loads[user.pk]) for user in annotators],
            "documents": documents,
            "needed": debate.annotators_per_document,
            "unfilled": sum(
                1
                for row in documents
                if row["document"].status in (DocumentStatus.NEW, DocumentStatus.ANNOTATING)
                and len(row["assignments"]) < debate.annotators_per_document
            ),
        },
    )


def _gold_segments(text: str, gold: list, mine: list) -> list[dict]:
    """Split ``text`` into runs, each marked as inside gold, inside the user's own spans, both.

    One sweep over the span boundaries, so the cost follows the number of spans.
    """
    delta: dict[int, list[int]] = {0: [0, 0], len(text): [0, 0]}
    for layer, spans in enumerate((gold, mine)):
        for span in spans:
            delta.setdefault(span.start, [0, 0])[layer] += 1
            delta.setdefault(span.end, [0, 0])[layer] -= 1
    runs, inside = [], [0, 0]
    for start, end in pairwise(sorted(delta)):
        inside = [inside[0] + delta[start][0], inside[1] + delta[start][1]]
        runs.append({"text": text[start:end], "gold": inside[0] > 0, "mine": inside[1] > 0})
    return runs


@login_required
def gold_page(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("debate"), pk=document_id
    )
    gold, rows = gold_comparison(user=request.user, document=document)
    mine = [row.mine for row in rows if row.mine is not None]
    access = debate_access(user=request.user, debate=document.debate)
    return render(
        request,
        "frontend/review_gold.html",
        {
            "debate": document.debate,
            "document": document,
            "gold": gold,
            "rows": rows,
            "compares": access.annotates,
            "runs": _gold_segments(document.text, gold, mine if access.annotates else []),
            "outcomes": Counter(row.outcome for row in rows),
        },
    )
