"""The guidelines pages: every member reads the current guidelines and their history, managers
preview and publish new versions, and readers confirm having read a version."""

import difflib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from debate.markdown import markdown_html
from debate.models import MAX_GUIDELINES_CHARS, Debate, Guidelines
from debate.permissions import DebateAccess
from debate.selectors import (
    debate_access,
    guidelines_history,
    guidelines_readers,
    guidelines_to_read,
)
from debate.services import (
    GuidelinesStale,
    guidelines_mark_read,
    guidelines_publish,
    guidelines_text_clean,
)


def _debate_for(request: HttpRequest, slug: str) -> tuple[Debate, DebateAccess]:
    """Return a debate the user is a member of (404 otherwise) and their access to it."""
    debate = get_object_or_404(Debate.objects.visible_to(request.user), slug=slug)
    return debate, debate_access(user=request.user, debate=debate)


def _version(value: str | None) -> int | None:
    """Return a version number sent by a form or a link, None when absent or not a number."""
    if value is None or not value.isascii() or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


def diff_lines(before: str, after: str) -> list[tuple[str, str]]:
    """Return the changes from one guidelines text to the next as (kind, line) pairs.

    Kinds: ``hunk`` (where a group of changes starts), ``del``, ``add`` and ``same`` (context).
    """
    lines = []
    unified = difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=2)
    for line in list(unified)[2:]:  # the two file headers name no file here
        kind = {"@": "hunk", "-": "del", "+": "add"}.get(line[:1], "same")
        lines.append((kind, line))
    return lines


@login_required
def guidelines_page(request: HttpRequest, slug: str) -> HttpResponse:
    debate, access = _debate_for(request, slug)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    history = list(guidelines_history(debate=debate))
    current = history[0] if history else None
    shown = current
    if "version" in request.GET:
        asked = _version(request.GET["version"])
        shown = next((version for version in history if version.version == asked), None)
        if shown is None:
            raise Http404("This debate has no such version of its guidelines.")
    context = {
        "debate": debate,
        "can_manage": access.can_manage,
        "history": history,
        "current": current,
        "shown": shown,
        "diff": _diff_to_previous(history, shown),
        "must_read": shown is not None
        and shown == current
        and guidelines_to_read(access=access, debate=debate) is not None,
        "readers": guidelines_readers(guidelines=current)
        if current and access.can_manage
        else None,
        "unpublished": False,
        "form_text": current.text_markdown if current else "",
        "form_version": current.version if current else 0,
        "max_chars": MAX_GUIDELINES_CHARS,
        "max_chars_text": f"{MAX_GUIDELINES_CHARS:,}",
        "preview": None,
        "errors": [],
    }
    status = 200
    if request.method == "POST":
        if not access.can_manage:
            raise PermissionDenied("Only managers of this debate publish its guidelines.")
        text = request.POST.get("text", "")
        context["form_text"] = text
        context["unpublished"] = True
        if request.POST.get("action") == "preview":
            try:
                context["preview"] = markdown_html(guidelines_text_clean(text))
            except ValidationError as invalid:
                context["errors"], status = invalid.messages, 400
        else:
            try:
                published = guidelines_publish(
                    debate=debate,
                    text=text,
                    by=request.user,
                    expected_version=_version(request.POST.get("version")),
                )
            except GuidelinesStale as stale:
                # Shown the newer version above the form, a second click publishes theirs.
                context["errors"], status = [str(stale)], 409
            except ValidationError as invalid:
                context["errors"], status = invalid.messages, 400
            else:
                if published.created:
                    messages.success(request, f"Published version {published.guidelines.version}.")
                else:
                    messages.info(
                        request, "The text is the current version's: nothing was published."
                    )
                return redirect("guidelines", slug=debate.slug)
    if context["readers"] is not None:
        context["readers_total"] = len(context["readers"]["read"]) + len(
            context["readers"]["unread"]
        )
    return render(request, "frontend/guidelines.html", context, status=status)


def _diff_to_previous(history: list[Guidelines], shown: Guidelines | None):
    """Return the diff from the version before ``shown`` to it (None for the first)."""
    if shown is None:
        return None
    older = [version for version in history if version.version < shown.version]
    if not older:
        return None
    return {
        "from": older[0].version,
        "lines": diff_lines(older[0].text_markdown, shown.text_markdown),
    }


@login_required
def guidelines_read(request: HttpRequest, slug: str) -> HttpResponse:
    debate, _access = _debate_for(request, slug)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    version = _version(request.POST.get("version"))
    if version is None:
        return HttpResponse("Say which version you read.", status=400, content_type="text/plain")
    try:
        guidelines_mark_read(debate=debate, user=request.user, version=version)
    except ValidationError as invalid:
        return HttpResponse(" ".join(invalid.messages), status=400, content_type="text/plain")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("debate-home", args=[debate.slug])
    return redirect(target)
