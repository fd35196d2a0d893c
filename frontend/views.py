"""Server-rendered pages; their data comes from the same querysets as the API."""

from collections import Counter
from itertools import pairwise

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View
from django.views.decorators.cache import never_cache

from annotations.models import GOLD, Assignment, AssignmentStatus
from annotations.review.selectors import (
    annotator_loads,
    debate_agreement_get,
    debate_assignments,
    gold_comparison,
    review_queue,
)
from annotations.review.serializers import DebateAgreementSerializer
from annotations.review.services import assignments_spread
from annotations.selectors import MINE, relation_list, span_list
from annotations.serializers import relation_list_payload, span_list_payload
from annotations.services import DocumentClosed, assignment_take
from debate.models import Debate, Document, DocumentStatus, Membership, Role
from debate.permissions import DebateAccess
from debate.selectors import debate_access
from frontend.guidelines.panel import guidelines_panel
from maps.formats import EXPORT_FORMATS
from maps.permissions import MAPS_HIDDEN, builds_maps, reads_maps
from maps.selectors import adjudicated_document_count

# Letters the annotate page uses for its own shortcuts (see annotate/keys.js and the help overlay).
RESERVED_SHORTCUTS = frozenset("jkertn?")
# Every module annotate/main.js imports, directly or not, by its path under frontend/js/: the
# page preloads them all at once (tests/frontend/test_static_files.py checks the list).
ANNOTATE_MODULES = (
    "annotate/detail.js",
    "annotate/elements.js",
    "annotate/guidelines.js",
    "annotate/keys.js",
    "annotate/link-mode.js",
    "annotate/navigation.js",
    "annotate/near-view.js",
    "annotate/pointer.js",
    "annotate/popover.js",
    "annotate/reload.js",
    "annotate/render.js",
    "annotate/source-highlight.js",
    "annotate/span-list.js",
    "annotate/stance-colors.js",
    "annotate/state.js",
    "annotate/status.js",
    "annotate/submit.js",
    "annotate/text-view.js",
    "annotate/undo.js",
    "annotate/writes.js",
    "api.js",
    "html.js",
    "offsets.js",
    "savequeue.js",
    "segments.js",
    "selection.js",
    "speakers/attribution.js",
    "speakers/matcher.js",
    "speakers/quotation-speaker.js",
    "speakers/references.js",
    "speakers/subjects.js",
    "speakers/suggest.js",
    "speakers/text-units.js",
)


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
    access = debate_access(user=request.user, debate=debate)
    return render(
        request,
        "frontend/debate_home.html",
        {
            "debate": debate,
            "role": _role(request.user, debate),
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


# never_cache: the page carries its spans, so a copy kept by the browser (the back button
# reuses one) would show spans as they were; the page always comes from the server instead.
@never_cache
@login_required
def annotate(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("debate"), pk=document_id
    )
    debate = document.debate
    role = _role(request.user, debate)
    can_write = role == Role.ANNOTATOR
    # Annotators work in their own layer; everyone else reads the gold layer here (and comes
    # here from the map's sources), while reviewers edit gold on the review page.
    layer = MINE if can_write else GOLD
    layer_query = "" if can_write else f"?layer={GOLD}"
    assignment = Assignment.objects.filter(document=document, annotator=request.user).first()
    can_write, reading = _annotator_standing(document, assignment) if can_write else (False, {})
    role_keys = shortcut_letters(debate.scheme["roles"])
    relation_keys = shortcut_letters(
        debate.scheme["relation_types"], RESERVED_SHORTCUTS | {k for k, _ in role_keys}
    )
    labels = {
        part: {item["key"]: item.get("label", item["key"]) for item in debate.scheme[part]}
        for part in ("roles", "relation_types")
    }
    actors = list(debate.actors.all())  # for the page's data and its actor menu
    page_data = {
        "document": {"id": document.id, "title": document.title, "text": document.text},
        "scheme": debate.scheme,
        "actors": [
            {"id": actor.id, "name": actor.name, "aliases": actor.aliases, "kind": actor.kind}
            for actor in actors
        ],
        "can_write": can_write,
        "remember_last_choice": debate.remember_last_choice,
        "role_keys": role_keys,
        "relation_keys": relation_keys,
        "guidelines": guidelines_panel(user=request.user, debate=debate),
        # The layer's spans and relations exactly as the API lists them (same selectors, same
        # shapes), so the page draws them without a request after its scripts load.
        "spans": span_list_payload(span_list(user=request.user, document=document, layer=layer)),
        "relations": relation_list_payload(
            relation_list(user=request.user, document=document, layer=layer)
        ),
        "urls": {
            "spans": f"/api/v1/documents/{document.id}/spans/{layer_query}",
            "relations": f"/api/v1/documents/{document.id}/relations/{layer_query}",
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
            "actors": actors,
            "can_write": can_write,
            "reading": reading,
            "layer_label": "gold (read only)" if layer == GOLD else "yours",
            "my_status": assignment.get_status_display() if assignment else "not assigned to you",
            "my_status_key": assignment.status if assignment else "",
            "role_keys": [(k, labels["roles"][v]) for k, v in role_keys],
            "tag_roles": [
                {**role, "letter": dict((v, k) for k, v in role_keys).get(role["key"])}
                for role in debate.scheme["roles"]
            ],
            "relation_keys": [(k, labels["relation_types"][v]) for k, v in relation_keys],
            "page_data": page_data,
            "annotate_modules": ANNOTATE_MODULES,
        },
    )


def _annotator_standing(document: Document, assignment: Assignment | None) -> tuple[bool, dict]:
    """Return whether an annotator may tag the document here, and what the page says if not.

    The page opens read only, with the reason and what happens next, when the document is
    not in the annotator's queue yet (they start it explicitly), when they submitted it, or
    when it is adjudicated.
    """
    debate = document.debate
    adjudicated = document.status == DocumentStatus.ADJUDICATED
    if assignment is None:
        if adjudicated:
            return False, {"reason": "This document is adjudicated: its gold layer is final."}
        return False, {
            "reason": "This document is not in your queue. Start annotating it to add it to "
            f"your queue; it needs {debate.annotators_per_document} annotator"
            f"{pluralize(debate.annotators_per_document)}.",
            "can_start": True,
        }
    if assignment.status != AssignmentStatus.SUBMITTED:
        if adjudicated:
            return False, {
                "reason": "This document was adjudicated before you submitted it: its gold "
                "layer is final, so your layer is read only."
            }
        return True, {}
    when = date_format(timezone.localtime(assignment.submitted_at), "j F Y, H:i")
    if adjudicated:
        return False, {
            "reason": f"You submitted this document on {when}, and it has been adjudicated: "
            "the gold layer is final.",
            "gold_url": reverse("gold", args=[document.pk]),
        }
    if document.status == DocumentStatus.READY_FOR_REVIEW:
        next_step = "A reviewer compares the annotators' layers next."
    else:
        submitted = Assignment.objects.filter(
            document=document, status=AssignmentStatus.SUBMITTED
        ).count()
        next_step = (
            f"It goes to review once {debate.annotators_per_document} annotators have "
            f"submitted it ({submitted} so far)."
        )
    return False, {
        "reason": f"You submitted this document on {when}; your layer is final and read only. "
        + next_step
    }


class AnnotateStartView(LoginRequiredMixin, View):
    """Put a document in the annotator's queue, after they asked for it on the annotate page."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, document_id: int) -> HttpResponse:
        document = get_object_or_404(
            Document.objects.visible_to(request.user).select_related("debate"), pk=document_id
        )
        try:
            assignment_take(document=document, annotator=request.user)
        except DocumentClosed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The document is in your queue: select text to tag it.")
        return redirect("annotate", document_id=document.pk)


# --- Review, dashboard and assignment pages ---------------------------------------------
def _debate_for(request: HttpRequest, slug: str) -> tuple[Debate, DebateAccess]:
    """Return a debate the user is a member of (404 otherwise) and their access to it."""
    debate = get_object_or_404(Debate.objects.visible_to(request.user), slug=slug)
    return debate, debate_access(user=request.user, debate=debate)


def _stance_styles(debate: Debate) -> list[dict]:
    return [
        {"key": s["key"], "label": s.get("label", s["key"]), "color": s.get("color", "#57606a")}
        for s in debate.scheme["stances"]
    ]


@login_required
def review_queue_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = _debate_for(request, slug)
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
    debate, access = _debate_for(request, slug)
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
            "page_data": {
                "agreement": DebateAgreementSerializer(agreement).data,
                "stances": _stance_styles(debate),
                "status_labels": dict(DocumentStatus.choices),
                "urls": {"map_agreement": reverse("api-map-agreement", args=[debate.slug])},
            },
        },
    )


@login_required
def assign_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = _debate_for(request, slug)
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
