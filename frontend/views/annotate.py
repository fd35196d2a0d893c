"""The annotate page, its shortcuts and preloaded modules, and taking a document on."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views import View
from django.views.decorators.cache import never_cache

from annotations.models import GOLD, Assignment, AssignmentStatus
from annotations.selectors import MINE, relation_list, span_list
from annotations.serializers import relation_list_payload, span_list_payload
from annotations.services import DocumentClosed, assignment_take
from debate.models import Document, DocumentStatus, Role
from debate.selectors import debate_access
from frontend.guidelines.panel import guidelines_panel
from frontend.views.common import member_role
from suggestions.selectors import suggestion_model_current, suggestions_hidden_reason

# Letters the annotate page uses for its own shortcuts (see annotate/keys.js and the help overlay).
RESERVED_SHORTCUTS = frozenset("jkertn?")
# Accept and dismiss the current suggestion: no role takes them (link mode's relation letters
# are a mode of their own and keep theirs).
SUGGESTION_SHORTCUTS = frozenset("ax")
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
    "annotate/suggestion-events.js",
    "annotate/suggestion-view.js",
    "annotate/suggestions.js",
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


# never_cache: the page carries its spans, so a copy kept by the browser (the back button
# reuses one) would show spans as they were; the page always comes from the server instead.
@never_cache
@login_required
def annotate(request: HttpRequest, document_id: int) -> HttpResponse:
    document = get_object_or_404(
        Document.objects.visible_to(request.user).select_related("debate"), pk=document_id
    )
    debate = document.debate
    role = member_role(request.user, debate)
    can_write = role == Role.ANNOTATOR
    # Annotators work in their own layer; everyone else reads the gold layer here (and comes
    # here from the map's sources), while reviewers edit gold on the review page.
    layer = MINE if can_write else GOLD
    layer_query = "" if can_write else f"?layer={GOLD}"
    assignment = Assignment.objects.filter(document=document, annotator=request.user).first()
    can_write, reading = _annotator_standing(document, assignment) if can_write else (False, {})
    role_keys = shortcut_letters(debate.scheme["roles"], RESERVED_SHORTCUTS | SUGGESTION_SHORTCUTS)
    relation_keys = shortcut_letters(
        debate.scheme["relation_types"], RESERVED_SHORTCUTS | {k for k, _ in role_keys}
    )
    labels = {
        part: {item["key"]: item.get("label", item["key"]) for item in debate.scheme[part]}
        for part in ("roles", "relation_types")
    }
    actors = list(debate.actors.all())  # for the page's data and its actor menu
    # Suggestions only on a layer the annotator writes, where the debate shows them to them;
    # elsewhere the page has no word of them (a blind pass stays blind).
    suggestions_on = (
        can_write
        and suggestions_hidden_reason(
            access=debate_access(user=request.user, debate=debate), debate=debate, user=request.user
        )
        is None
        and suggestion_model_current(debate=debate) is not None
    )
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
            # The document with its layer, in one request: what a reload reads.
            "layer": f"/api/v1/documents/{document.id}/?include=spans,relations"
            + layer_query.replace("?", "&"),
            "submit": f"/api/v1/documents/{document.id}/submit/",
            "span_detail": "/api/v1/spans/",
            "relation_detail": "/api/v1/relations/",
            "next": reverse("queue-next", args=[debate.slug]),
            **(
                {
                    "suggestions": f"/api/v1/documents/{document.id}/suggestions/",
                    "suggestion_decisions": f"/api/v1/documents/{document.id}/suggestions/"
                    "decisions/",
                }
                if suggestions_on
                else {}
            ),
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
            "suggestions_on": suggestions_on,
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
