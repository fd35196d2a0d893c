"""The site's error pages (403, 404, 500): the reason the server knows and the way back.

The API answers its own errors in JSON (``core.api.exception_handler``); these pages answer
everything else. A path under /api/ that no API view took still gets the API's JSON shape.
The 500 page is rendered without the request, so it needs no database, no session and no
context processor: whatever broke, it can still be shown.
"""

import logging
import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, reverse

from debate.models import Debate, Document

logger = logging.getLogger(__name__)

# get_object_or_404's message names the model: "No Document matches the given query."
_OBJECT_NOT_FOUND = re.compile(r"No (\w+) matches the given query\.")
NOT_ALLOWED = "You are not allowed to see this page."
NO_PAGE = "There is no page at this address."
NOT_VISIBLE = "There is nothing at this address that you can see."
NOT_VISIBLE_OBJECT = (
    "There is no {name} at this address that you can see: it does not exist, or it belongs "
    "to a debate you are not a member of."
)
SERVER_ERROR = "Something went wrong on the server; it has been logged. Try again in a moment."
# The last resort when even the 500 template cannot be rendered.
FALLBACK_500 = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Server error</title>'
    "</head><body><h1>Server error</h1><p>" + SERVER_ERROR + '</p><p><a href="/">Home</a></p>'
    "</body></html>"
)


def _message(exception: BaseException | None) -> str:
    """Return the message an exception was raised with, or "" (a resolver's 404 has a dict)."""
    args = getattr(exception, "args", ())
    return args[0].strip() if args and isinstance(args[0], str) else ""


def refusal_reason(status: int, exception: BaseException | None) -> str:
    """Return, in plain words, why a page answers 403 or 404.

    A 403 carries the reason its view gave. A 404 never tells whether the object exists in a
    debate the user does not belong to, so a missing object and a hidden one read the same;
    its message is not shown, since one may name what was looked for (the admin's "object 17
    of content type 15 does not exist") and so tell one id from another.
    """
    if status == 403:
        return _message(exception) or NOT_ALLOWED
    if isinstance(exception, Resolver404):
        return NO_PAGE
    named = _OBJECT_NOT_FOUND.fullmatch(_message(exception))
    if named:
        return NOT_VISIBLE_OBJECT.format(name=named.group(1).lower())
    return NOT_VISIBLE


def _debate_named(request: HttpRequest) -> Debate | None:
    """Return the debate the URL names (by slug or through a document), if the user sees it."""
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    if "slug" in kwargs:
        return Debate.objects.visible_to(request.user).filter(slug=kwargs["slug"]).first()
    if "document_id" in kwargs:
        document = (
            Document.objects.visible_to(request.user)
            .select_related("debate")
            .filter(pk=kwargs["document_id"])
            .first()
        )
        return document.debate if document else None
    return None


def way_back(request: HttpRequest) -> dict[str, str]:
    """Return the link out of an error page: the debate's home, the home page, or logging in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"url": reverse("login"), "label": "Log in"}
    debate = _debate_named(request)
    if debate is not None:
        return {
            "url": reverse("debate-home", args=[debate.slug]),
            "label": f"Back to {debate.title}",
        }
    return {"url": reverse("home"), "label": "Your debates"}


def _refusal(request: HttpRequest, exception: BaseException | None, status: int) -> HttpResponse:
    reason = refusal_reason(status, exception)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason}, status=status)
    title = "Not allowed" if status == 403 else "Not found"
    context = {"status": status, "title": title, "reason": reason, "back": way_back(request)}
    return render(request, "frontend/error.html", context, status=status)


def permission_denied(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """Answer 403 with the reason the view refused."""
    return _refusal(request, exception, 403)


def page_not_found(request: HttpRequest, exception: BaseException) -> HttpResponse:
    """Answer 404 alike for what does not exist and for what the user may not see."""
    return _refusal(request, exception, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer 500 from a template that needs nothing but the template engine."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": SERVER_ERROR}, status=500)
    try:
        body = render_to_string("frontend/500.html", {"reason": SERVER_ERROR})
    except Exception:  # the error page must answer whatever else failed
        logger.exception("The 500 page could not be rendered; answered the plain one")
        body = FALLBACK_500
    return HttpResponse(body, status=500)
