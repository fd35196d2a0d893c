"""The database connection drops in the middle of a request: a clear 503, nothing half-written.

The connection is dropped for real at a chosen point of the request (just before a given SQL
statement runs): on PostgreSQL another connection terminates the request's backend with
``pg_terminate_backend``, as a failover or a restarted server does; on SQLite, which has no
server to lose, the request's connection handle is closed under it mid-transaction. Either
way the API answers 503 in JSON with ``Retry-After``, a page answers a plain 503 page, no
row of the interrupted write is left behind, and the next request works again.

"Nothing left behind" is checked over the whole database (every row of every model, as
``tests.scenes.database_state`` reads it), so a stray write to any table fails.
"""

import io
import time
import zipfile
from collections.abc import Callable

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import InterfaceError, OperationalError, ProgrammingError, connection
from django.test import Client
from rest_framework.test import APIClient

from annotations.models import DocumentReview, ReviewDecision, Span
from annotations.review.services import ACCEPT_AGREED, DecisionInput, review_decide
from annotations.services import SpanInput, document_submit, span_create
from core.db import is_postgresql
from debate.models import Document, DocumentStatus, Role
from maps.models import MapBuild
from tests.celery_worker import database_url
from tests.factories import (
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
    api_token,
)
from tests.scenes import changed_tables, database_state

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
        if is_postgresql(connection):
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
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(annotator)}")
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
    before = database_state()

    with DropConnection(inserts_into("annotations_span"), nth=2) as drop:
        response = api.post(url, items, format="json")

    assert drop.dropped
    assert_unavailable_json(response)
    # Not the first span, its event or the assignment: no table changed.
    assert changed_tables(before, database_state()) == []
    # The client retries, as the annotate page's save queue does: a new connection serves it.
    retry = api.post(url, items, format="json")
    assert retry.status_code == 201, retry.content
    assert Span.objects.count() == len(before["annotations.span"]) + 3


def test_a_span_post_cut_between_the_span_and_its_history_writes_neither(annotator_world):
    _debate, document, _annotator, _manager, api = annotator_world
    before = database_state()

    with DropConnection(inserts_into("annotations_spanevent")) as drop:
        response = api.post(
            f"/api/v1/documents/{document.pk}/spans/",
            {**span_items(document, "backdoor")[0], "client_id": "k1"},
            format="json",
        )

    assert drop.dropped
    assert_unavailable_json(response)
    assert changed_tables(before, database_state()) == []


def test_an_api_read_cut_mid_way_answers_503(annotator_world):
    _debate, document, _annotator, _manager, api = annotator_world
    before = database_state()

    with DropConnection(selects_from("annotations_span")) as drop:
        response = api.get(f"/api/v1/documents/{document.pk}/spans/")

    assert drop.dropped
    assert_unavailable_json(response)
    assert changed_tables(before, database_state()) == []


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
    before = database_state()

    with DropConnection(selects_from("debate_document")) as drop:
        response = client.get(f"/documents/{document.pk}/annotate/")

    assert drop.dropped
    assert_unavailable_page(response)
    assert changed_tables(before, database_state()) == []
    assert client.get(f"/documents/{document.pk}/annotate/").status_code == 200


def test_a_form_post_cut_before_its_insert_answers_a_503_page_and_writes_nothing(
    annotator_world, settings
):
    settings.DEBUG = False
    debate, _document, _annotator, manager, _api = annotator_world
    client = Client(raise_request_exception=False)
    client.force_login(manager)
    before = database_state()

    with DropConnection(inserts_into("annotations_assignment")) as drop:
        response = client.post(f"/d/{debate.slug}/assign/", {"annotators": ["ann"]})

    assert drop.dropped
    assert_unavailable_page(response)
    assert changed_tables(before, database_state()) == []


@pytest.fixture
def review_world(annotator_world):
    """Return the document ready to finish: both layers submitted, their agreed span accepted.

    The review is at version 1 and every unit is decided, so finishing it writes the review,
    a ``finish`` decision, the document's status and a map build request, in one transaction.
    """
    debate, document, annotator, _manager, _api = annotator_world
    second = UserFactory(username="ann2")
    MembershipFactory(debate=debate, user=second, role=Role.ANNOTATOR)
    reviewer = UserFactory(username="rev")
    MembershipFactory(debate=debate, user=reviewer, role=Role.REVIEWER)
    (item,) = span_items(document, "backdoor")
    for user in (annotator, second):
        span_create(document=document, annotator=user, by=user, data=SpanInput(**item))
        document_submit(document=document, annotator=user)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY_FOR_REVIEW
    review_decide(
        document=document,
        by=reviewer,
        expected_version=0,
        decision=DecisionInput(action=ACCEPT_AGREED),
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(reviewer)}")
    return document, api


def test_a_review_finish_cut_at_its_last_insert_writes_nothing(review_world):
    document, api = review_world
    url = f"/api/v1/documents/{document.pk}/review/finish/"
    # The gold span and the accept decision exist before the request; the request adds none.
    assert Span.objects.filter(document=document, annotator=None).count() == 1
    assert list(ReviewDecision.objects.values_list("action", flat=True)) == ["accept"]
    before = database_state()

    # The map build request is the transaction's last write: the review's version and
    # finish time, the finish decision and the document's status are written before it.
    with DropConnection(inserts_into("maps_mapbuild")) as drop:
        response = api.post(url, {"version": 1}, format="json")

    assert drop.dropped
    assert_unavailable_json(response)
    assert changed_tables(before, database_state()) == []
    # The reviewer retries at the version they read: it was not bumped, so the finish goes on.
    retry = api.post(url, {"version": 1}, format="json")
    assert retry.status_code == 201, retry.content
    assert retry.json()["version"] == 2
    assert Document.objects.get(pk=document.pk).status == DocumentStatus.ADJUDICATED
    assert DocumentReview.objects.get(document=document).version == 2
    assert sorted(ReviewDecision.objects.values_list("action", flat=True)) == ["accept", "finish"]
    assert MapBuild.objects.filter(debate=document.debate).count() == 1


def brat_zip(files: dict[str, str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("corpus.zip", buffer.getvalue(), content_type="application/zip")


BRAT_DOCUMENTS = {
    "a.txt": "Encryption protects everyone. Scanning weakens it.",
    "a.ann": (
        "T1\tclaim 0 29\tEncryption protects everyone.\n"
        "A1\tStance T1 contra\n"
        "T2\tpremise 30 50\tScanning weakens it.\n"
        "A2\tStance T2 contra\n"
    ),
    "b.txt": "Police want access to messages.",
    "b.ann": "T1\tclaim 0 31\tPolice want access to messages.\nA1\tStance T1 pro\n",
}


@pytest.fixture
def brat_upload(annotator_world):
    """The debate, its pre-made document, its manager's API client and the brat import's URL."""
    debate, existing, _annotator, manager, _api = annotator_world
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(manager)}")
    return debate, existing, api, f"/api/v1/debates/{debate.slug}/import/brat/"


def test_an_import_cut_after_its_first_document_is_inserted_writes_nothing(brat_upload):
    debate, existing, api, url = brat_upload
    before = database_state()

    # Cut before the first document's span history: its document row and its two spans are
    # already inserted, in the transaction that holds that document.
    with DropConnection(inserts_into("annotations_spanevent")) as drop:
        response = api.post(url, {"file": brat_zip(BRAT_DOCUMENTS)}, format="multipart")

    assert drop.dropped
    assert_unavailable_json(response)
    assert changed_tables(before, database_state()) == []
    retry = api.post(url, {"file": brat_zip(BRAT_DOCUMENTS)}, format="multipart")
    assert retry.status_code == 200, retry.content
    assert retry.json()["imported"] == 2
    assert sorted(
        Document.objects.filter(debate=debate)
        .exclude(pk=existing.pk)
        .values_list("text", flat=True)
    ) == [BRAT_DOCUMENTS["a.txt"], BRAT_DOCUMENTS["b.txt"]]
    assert Span.objects.filter(annotator=None).count() == 3


def test_an_import_cut_in_its_second_document_keeps_the_first_and_says_so(brat_upload):
    # Each document is imported in its own transaction (a bad one rejects only itself), so a
    # loss in the second leaves the first written: the 503 must not say "nothing was written".
    debate, _existing, api, url = brat_upload
    before = database_state()

    upload = brat_zip({**BRAT_DOCUMENTS, "annotation.conf": "[entities]\nclaim\n"})
    with DropConnection(inserts_into("debate_document"), nth=2) as drop:
        response = api.post(url, {"file": upload}, format="multipart")

    assert drop.dropped
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "1"
    answer = response.json()
    assert answer["detail"] == (
        "The database was lost part way through the import, after 1 document(s) were "
        "imported; those are kept and nothing of the others was written. Retry shortly: "
        "importing the same file again skips the documents already imported."
    )
    first = Document.objects.get(debate=debate, text=BRAT_DOCUMENTS["a.txt"])
    assert (answer["imported"], answer["spans"], answer["rejected"]) == (1, 2, 0)
    assert [(d["name"], d["status"], d["document"]) for d in answer["documents"]] == [
        ("a", "imported", first.pk)
    ]
    assert answer["ignored"] == ["annotation.conf"]
    # The first document's gold, with its review record (a decision per span).
    assert changed_tables(before, database_state()) == [
        # The debate's documents counted by status, kept by the database (annotations 0008).
        "annotations.debatestatuscount",
        "annotations.documentreview",
        # Each document's gold revision, moved by the database (annotations 0009).
        "annotations.goldrevision",
        "annotations.reviewdecision",
        "annotations.span",
        "annotations.spanevent",
        "debate.document",
    ]
    assert Document.objects.filter(debate=debate).count() == 2  # the existing one and a
    assert Span.objects.filter(annotator=None, document=first).count() == 2

    retry = api.post(url, {"file": brat_zip(BRAT_DOCUMENTS)}, format="multipart")
    assert retry.status_code == 200, retry.content
    assert (retry.json()["imported"], retry.json()["skipped"]) == (1, 1)
    assert Span.objects.filter(annotator=None).count() == 3


def test_the_import_command_cut_in_its_second_document_says_what_it_kept(annotator_world, tmp_path):
    debate, _existing, _annotator, manager, _api = annotator_world
    for name, data in BRAT_DOCUMENTS.items():
        (tmp_path / name).write_text(data, encoding="utf-8")

    with (
        DropConnection(inserts_into("debate_document"), nth=2) as drop,
        pytest.raises(CommandError) as failed,
    ):
        call_command("import_brat", debate.slug, str(tmp_path), "--by", manager.username)

    assert drop.dropped
    assert str(failed.value) == (
        "Imported 1 document(s) (2 spans, 0 relations), skipped 0, rejected 0. The database "
        "was lost part way through the import, after 1 document(s) were imported; those are "
        "kept and nothing of the others was written. Retry shortly: importing the same file "
        "again skips the documents already imported."
    )
    first = Document.objects.get(debate=debate, text=BRAT_DOCUMENTS["a.txt"])
    assert Span.objects.filter(annotator=None).count() == 2
    assert set(Span.objects.values_list("document", flat=True)) == {first.pk}


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
    before = database_state()
    response = api.get(f"/api/v1/documents/{document.pk}/spans/")

    assert response.status_code == status
    assert changed_tables(before, database_state()) == []
    if status == 503:
        assert_unavailable_json(response)
