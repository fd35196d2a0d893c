"""The site's own middleware: no stored copies of pages, 503 for a lost database, request ids.

``HtmlNoStoreMiddleware`` keeps browsers from showing a page as it was when they go Back.
``DatabaseUnavailableMiddleware`` answers a request that lost the database with 503 and
Retry-After, not with a 500. The API's exception handler answers its own views
(core/api.py); this middleware answers everything else: a plain page for the browser, JSON
under /api/. Either way the request's transaction was rolled back, so the answer can say that
nothing was written.
"""

import logging
import sqlite3

import structlog
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django_structlog.middlewares import RequestMiddleware

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 1
UNAVAILABLE_DETAIL = "The database is busy or unreachable; nothing was written. Retry shortly."


# sqlite3 reports a connection closed under it as a ProgrammingError (psycopg as an
# OperationalError, psycopg2 as an InterfaceError): the same loss, not a bug in the query.
SQLITE_CLOSED = "Cannot operate on a closed database."


def database_unavailable(exc: BaseException) -> bool:
    """Return whether a database error means the database was lost, rather than a bug.

    OperationalError and InterfaceError are the driver saying so: a terminated backend, a
    closed connection, a lock that could not be had.
    """
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    # Django wraps driver errors, except the one closing a cursor of the closed connection.
    return isinstance(exc, DatabaseError | sqlite3.ProgrammingError) and str(exc) == SQLITE_CLOSED


class HtmlNoStoreMiddleware:
    """Send ``Cache-Control: no-store`` with every HTML answer that sets no caching of its own.

    A page shows state that changes behind it (a queue's count, a review's decisions): a copy
    the browser kept would show, on Back, the state before the user's last action
    (tests/browser/test_back.py). Static files and the API's JSON keep their own headers, and
    a view that chose its caching (``never_cache``, ``cache_control``) keeps its choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response


class DatabaseUnavailableMiddleware:
    """Turn a lost database in a view into 503 with Retry-After: a page, or JSON for /api/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not database_unavailable(exception):
            return None
        logger.error("Database unavailable, answered 503: %s", request.path, exc_info=exception)
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": UNAVAILABLE_DETAIL}, status=503)
        else:
            # Rendered without the request: no context processor may touch the database.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RequestIdMiddleware(RequestMiddleware):
    """django-structlog's request middleware (a request id bound to every log line, and the
    request_finished line), keeping the id bound until the next request
    begins: Django writes its own line about a 4xx or 5xx answer after the middleware has
    returned, and that line should carry the id too."""

    def prepare(self, request: HttpRequest) -> None:
        structlog.contextvars.clear_contextvars()
        super().prepare(request)

    def handle_response(self, request: HttpRequest, response: HttpResponse) -> None:
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        super().handle_response(request, response)
        structlog.contextvars.bind_contextvars(request_id=request_id)
