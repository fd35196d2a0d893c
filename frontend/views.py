"""Server-rendered pages; their data comes from the same querysets as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from annotations.models import Assignment, AssignmentStatus
from debate.models import Debate, Document, Membership, Role

# Letters the annotate page uses for its own shortcuts (see annotate.js and the help overlay).
RESERVED_SHORTCUTS = frozenset("jkertn?")


def shortcut_letters(items: list[dict], reserved=RESERVED_SHORTCUTS) -> list[tuple[str, str]]:
    """Return (letter, key) pairs: each scheme entry gets the first free letter of its key."""
    used = set(reserved)
    pairs = []
    for item in items:
        letter = next((c for c in item["key"].lower() if c.isalpha() and c not in used), None)
        if letter:
            used.add(letter)
            pairs.append((letter, item["key"]))
    return pairs


def _role(user, debate: Debate) -> str:
    membership = Membership.objects.filter(debate=debate, user=user).only("role").first()
    return membership.role if membership else "superuser"


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
    return render(
        request,
        "frontend/debate_home.html",
        {
            "debate": debate,
            "role": _role(request.user, debate),
            "actors": debate.actors.all(),
            "assignments": assignments,
            "counts": counts,
            "total": sum(counts.values()),
            "documents": debate.documents.only("id", "title", "source", "published", "status"),
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


@login_required
def annotate(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("debate"), pk=document_id
    )
    debate = document.debate
    role = _role(request.user, debate)
    can_write = role == Role.ANNOTATOR
    assignment = Assignment.objects.filter(document=document, annotator=request.user).first()
    role_keys = shortcut_letters(debate.scheme["roles"])
    relation_keys = shortcut_letters(
        debate.scheme["relation_types"], RESERVED_SHORTCUTS | {k for k, _ in role_keys}
    )
    labels = {
        part: {item["key"]: item.get("label", item["key"]) for item in debate.scheme[part]}
        for part in ("roles", "relation_types")
    }
    page_data = {
        "document": {"id": document.id, "title": document.title, "text": document.text},
        "scheme": debate.scheme,
        "actors": [
            {"id": actor.id, "name": actor.name, "aliases": actor.aliases}
            for actor in debate.actors.all()
        ],
        "can_write": can_write,
        "role_keys": role_keys,
        "relation_keys": relation_keys,
        "urls": {
            "spans": f"/api/v1/documents/{document.id}/spans/",
            "relations": f"/api/v1/documents/{document.id}/relations/",
            "submit": f"/api/v1/documents/{document.id}/submit/",
            "span_detail": "/api/v1/spans/",
            "relation_detail": "/api/v1/relations/",
            "next": reverse("queue-next", args=[debate.slug]),
        },
    }
    return render(
        request,
        "frontend/annotate.html",
        {
            "debate": debate,
            "document": document,
            "scheme": debate.scheme,
            "actors": debate.actors.all(),
            "can_write": can_write,
            "layer_label": "yours" if can_write else "read only",
            "my_status": assignment.get_status_display() if assignment else "not assigned to you",
            "role_keys": [(k, labels["roles"][v]) for k, v in role_keys],
            "relation_keys": [(k, labels["relation_types"][v]) for k, v in relation_keys],
            "page_data": page_data,
        },
    )
