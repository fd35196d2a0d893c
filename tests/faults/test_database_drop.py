"""The database connection drops in the middle of a request: a clear 503, nothing half-written.

The connection is dropped for real at a chosen point of the request (just before a given SQL
statement runs): on PostgreSQL another connection terminates the request's backend with
``pg_terminate_backend``, as a failover or a restarted server does; on SQLite, which has no
server to lose, the request's connection handle is closed under it mid-transaction. Either
way the API answers 503 in JSON with ``Retry-After``, a page answers a plain 503 page, no
row of the interrupted write is left behind, and the next request works again.
"""

import time
from collections.abc import Callable

import psycopg
import pytest
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from annotations.models import Assignment, Span, SpanEvent
from debate.models import Document, Role
from tests.celery_worker import database_url
from tests.factories import DebateFactory, DocumentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

TEXT = "Tech firms say a backdoor weakens security for all. The NSPCC says scanning is needed."


class DropConnection:
    """Drop the connection just before the nth SQL statement ``matching``, inside the block.

    On leaving the block, the connection is closed if it is unusable, as Django does when a
    request finishes (the test client turns that off to keep the test's connection).
    """

    def __init__(self, matching: Callable[[str], bool], nth: int = 1):
        self.matching = matching
        self.nth = nth
        self.seen = 0
        self.dropped = False
        self._wrapper = connection.execute_wrapper(self)

    def __enter__(self) -> "DropConnection":
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._wrapper.__exit__(*exc_info)
        connection.close_if_unusable_or_obsolete()

    def __call__(self, execute, sql, params, many, context):
        if not self.dropped and self.matching(sql):
            self.seen += 1
            if self.seen == self.nth:
                self.drop()
        return execute(sql, params, many, context)

    def drop(self) -> None:
        self.dropped = True
        if connection.vendor == "postgresql":
            pid = connection.connection.info.backend_pid
            with psycopg.connect(database_url(), autocommit=True) as other:
                other.execute("SELECT pg_terminate_backend(%s)", [pid])
                deadline = time.monotonic() + 10
                while other.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone():
                    assert time.monotonic() < deadline, "the backend outlived its termination"
                    time.sleep(0.02)
        else:
            connection.connection.close()  # the sqlite3 handle, in the middle of the transaction


def inserts_into(table: str) -> Callable[[str], bool]:
    return lambda sql: sql.startswith(f'INSERT INTO "{table}"')


def selects_from(table: str) -> Callable[[str], bool]:
    return lambda sql: sql.startswith("SELECT") and f'FROM "{table}"' in sql


@pytest.fixture
def annotator_world():
    debate = DebateFactory(slug="drop")
    document = DocumentFactory(debate=debate, text=TEXT)
    annotator = UserFactory(username="ann")
    MembershipFactory(debate=debate, user=annotator, role=Role.ANNOTATOR)
    manager = UserFactory(username="man")
    MembershipFactory(debate=debate, user=manager, role=Role.MANAGER)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=annotator).key}")
    return debate, document, annotator, manager, api


def span_items(document: Document, *needles: str) -> list[dict]:
    items = []
    for needle in needles:
        start = document.text.index(needle)
        items.append(
            {
                "start": start,
                "end": start + len(needle),
                "quote": needle,
                "stance": "contra",
                "role": "claim",
            }
        )
    return items


def written_rows() -> dict[str, object]:
    return {
        "spans": Span.objects.count(),
        "events": SpanEvent.objects.count(),
        "assignments": list(
            Assignment.objects.values_list("document_id", "annotator_id", "status")
        ),
        "documents": list(Document.objects.values_list("id", "status")),
    }


def assert_unavailable_json(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "1"
    assert response.json() == {
        "detail": "The database is busy or unreachable; nothing was written. Retry shortly."
    }


def test_a_bulk_span_post_cut_between_two_inserts_writes_nothing(annotator_world):
    _debate, document, _annotator, _manager, api = annotator_world
    url = f"/api/v1/documents/{document.pk}/spans/"
    items = span_items(document, "Tech firms", "backdoor", "scanning")
    before = written_rows()

    with DropConnection(inserts_into("annotations_span"), nth=2) as drop:
        response = api.post(url, items, format="json")

    assert drop.dropped
    assert_unavailable_json(response)
    assert written_rows() == before  # not the first span, its event or the assignment
    # The client retries, as the annotate page's save queue does: a new connection serves it.
    retry = api.post(url, items, format="json")
    assert retry.status_code == 201, retry.content
    assert Span.objects.count() == before["spans"] + 3


def test_a_span_post_cut_between_the_span_and_its_history_writes_neither(annotator_world):
    _debate, document, _annotator, _manager, api = annotator_world
    before = written_rows()

    with DropConnection(inserts_into("annotations_spanevent")) as drop:
        response = api.post(
            f"/api/v1/documents/{document.pk}/spans/",
            {**span_items(document, "backdoor")[0], "client_id": "k1"},
            format="json",
        )

    assert drop.dropped
    assert_unavailable_json(response)
    assert written_rows() == before


def test_an_api_read_cut_mid_way_answers_503(annotator_world):
    _debate, document, _annotator, _manager, api = annotator_world

    with DropConnection(selects_from("annotations_span")) as drop:
        response = api.get(f"/api/v1/documents/{document.pk}/spans/")

    assert drop.dropped
    assert_unavailable_json(response)


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Retry-After"] == "1"
    body = response.content.decode()
    assert "Service unavailable" in body
    assert "nothing was saved" in body
    assert "Traceback" not in body


def test_a_page_cut_mid_way_answers_a_plain_503_page(annotator_world, settings):
    settings.DEBUG = False
    _debate, document, annotator, _manager, _api = annotator_world
    client = Client(raise_request_exception=False)
    client.force_login(annotator)

    with DropConnection(selects_from("debate_document")) as drop:
        response = client.get(f"/documents/{document.pk}/annotate/")

    assert drop.dropped
    assert_unavailable_page(response)
    assert client.get(f"/documents/{document.pk}/annotate/").status_code == 200


def test_a_form_post_cut_before_its_insert_answers_a_503_page_and_writes_nothing(
    annotator_world, settings
):
    settings.DEBUG = False
    debate, _document, _annotator, manager, _api = annotator_world
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    before = written_rows()

    with DropConnection(inserts_into("annotations_assignment")) as drop:
        response = client.post(f"/d/{debate.slug}/assign/", {"annotators": ["ann"]})

    assert drop.dropped
    assert_unavailable_page(response)
    assert written_rows() == before


@pytest.mark.parametrize(
    ("error", "status"),
    [
        # psycopg2 and psycopg raise these for a connection that is already closed.
        (InterfaceError("connection already closed"), 503),
        (OperationalError("the connection is closed"), 503),
        # A bug in a query is not an outage: it stays a 500, so nobody retries it for ever.
        (ProgrammingError('syntax error at or near "FORM"'), 500),
    ],
)
def test_only_a_lost_connection_answers_503(annotator_world, monkeypatch, error, status):
    _debate, document, _annotator, _manager, api = annotator_world
    api.raise_request_exception = False

    def fail(**kwargs):
        raise error

    monkeypatch.setattr("annotations.views.span_list", fail)
    response = api.get(f"/api/v1/documents/{document.pk}/spans/")

    assert response.status_code == status
    if status == 503:
        assert_unavailable_json(response)
