"""Every list runs a bounded number of queries, whatever the number of rows it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Relation, Span, SpanEvent
from annotations.services import span_update
from core.db import is_postgresql
from debate.models import Role
from tests.factories import (
    ActorFactory,
    AssignmentFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

# Every test starts from the same world: it is built once for the module (tests/api/conftest.py).
ONE_WORLD_PER_MODULE = True

TEXT = "Tech firms say a backdoor weakens security for everyone who uses messaging. " * 5


def grow(world, size: int, tag: str, span) -> dict:
    """Add ``size`` rows of every kind to the world under ``tag``; return what lists show."""
    debate = world.debate
    document = DocumentFactory(debate=debate, text=f"{TEXT} {tag}", title=tag)
    annotators = [UserFactory(username=f"{tag}{n}") for n in range(size)]
    for user in annotators:
        MembershipFactory(debate=debate, user=user, role=Role.ANNOTATOR)
        AssignmentFactory(document=document, annotator=user)
    for n in range(size):
        ActorFactory(debate=debate, name=f"{tag} actor {n}")
        DocumentFactory(debate=debate, text=f"Filler {tag} {n}.")
        MembershipFactory(debate=DebateFactory(), user=world.users["man"], role=Role.RESEARCHER)
    # Annotator i holds spans i, i + size and i + 2 * size.
    spans = Span.objects.bulk_create(
        Span(
            document=document,
            annotator=annotators[n % size],
            start=n,
            end=n + 4,
            quote=TEXT[n : n + 4],
            stance="pro",
            role="claim",
            actor=world.actor,
            created_by=annotators[n % size],
        )
        for n in range(size * 3)
    )
    # And the first annotator's layer grows with size too.
    Span.objects.bulk_create(
        Span(
            document=document,
            annotator=annotators[0],
            start=n,
            end=n + 6,
            quote=TEXT[n : n + 6],
            stance="contra",
            role="premise",
            created_by=annotators[0],
        )
        for n in range(size)
    )
    Relation.objects.bulk_create(
        Relation(
            document=document,
            annotator=spans[n].annotator,
            source=spans[n],
            target=spans[n + size],
            type="supports",
            created_by=spans[n].annotator,
        )
        for n in range(size * 2)
    )
    for n in range(size):
        span = span_update(
            span=span, by=world.users["ann"], expected_version=None, changes={"note": f"{n}"}
        )
    return {"document": document, "span": span, "layer": f"{tag}0"}


LISTS = {
    "debates": lambda w, g: "/api/v1/debates/",
    "debate detail": lambda w, g: "/api/v1/debates/encryption/",
    "actors": lambda w, g: "/api/v1/debates/encryption/actors/",
    "members": lambda w, g: "/api/v1/debates/encryption/members/",
    "documents": lambda w, g: "/api/v1/debates/encryption/documents/",
    "documents filtered": lambda w, g: (
        "/api/v1/debates/encryption/documents/?search=Filler&status=new"
    ),
    "document detail": lambda w, g: f"/api/v1/documents/{g['document'].pk}/",
    "spans of all layers": lambda w, g: f"/api/v1/documents/{g['document'].pk}/spans/?layer=all",
    "spans of one layer": lambda w, g: (
        f"/api/v1/documents/{g['document'].pk}/spans/?layer={g['layer']}"
    ),
    "relations": lambda w, g: f"/api/v1/documents/{g['document'].pk}/relations/?layer=all",
    "span history": lambda w, g: f"/api/v1/spans/{g['span'].pk}/history/",
    "span detail": lambda w, g: f"/api/v1/spans/{g['span'].pk}/",
}

# Token, parent (debate or document), role, rows; the debate detail adds its actors.
MAX_QUERIES = 5


def count_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    body = response.json()
    rows = len(body["results"]) if "results" in body else 1
    return len(queries), rows


@pytest.mark.parametrize("endpoint", list(LISTS))
def test_lists_run_the_same_few_queries_for_few_and_many_rows(
    world, endpoint, django_assert_max_num_queries
):
    client = world.client("man")
    url = LISTS[endpoint]
    small = grow(world, 2, "few", world.span_ann)
    few_queries, few_rows = count_queries(client, url(world, small))

    large = grow(world, 40, "many", world.span_ann_b)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url(world, large))
    assert response.status_code == 200
    many_queries, many_rows = count_queries(client, url(world, large))

    assert many_queries == few_queries
    if endpoint not in ("span detail", "document detail", "debate detail"):
        assert many_rows > few_rows


def test_a_save_runs_a_fixed_few_statements(world, django_assert_num_queries):
    # The first save opens the layer (assigned -> in progress); later ones find it open.
    client = world.client("ann")
    url = f"/api/v1/documents/{world.document.pk}/spans/"
    body = {"start": 0, "end": 4, "quote": "Tech", "stance": "pro", "role": "claim"}
    assert client.post(url, body, format="json").status_code == 201

    # Token; the document with the caller's role; then on PostgreSQL one statement that
    # locks the assignment, inserts the span and its history event (11 before). Elsewhere
    # a transaction (a savepoint inside the test's): the assignment, the insert in a
    # savepoint of its own, the event.
    expected = 3 if is_postgresql(connection) else 9
    with django_assert_num_queries(expected):
        response = client.post(url, {**body, "end": 10, "quote": "Tech firms"}, format="json")
    assert response.status_code == 201
    assert response.json()["quote"] == "Tech firms"


@pytest.mark.parametrize("layer", ["mine", "gold"])
@pytest.mark.parametrize("with_actor", [False, True])
def test_a_saves_statements_are_prepared_when_the_connection_allows(world, layer, with_actor):
    # As with OPTIONS prepare_threshold=0 on PostgreSQL: the token, the document and the
    # insert are prepared by the server and answer as before; elsewhere nothing changes.
    client = world.client("ann" if layer == "mine" else "rev")
    url = f"/api/v1/documents/{world.document.pk}/spans/?layer={layer}"
    body = {"start": 0, "end": 4, "quote": "Tech", "stance": "pro", "role": "claim"}
    assert client.post(url, body, format="json").status_code == 201  # opens the layer
    raw = connection.connection
    threshold = getattr(raw, "prepare_threshold", None)
    if is_postgresql(connection):
        raw.prepare_threshold = 0
    try:
        extra = {"actor": world.actor.pk} if with_actor else {}
        response = client.post(
            url, {**body, "end": 10, "quote": "Tech firms", **extra}, format="json"
        )
        if is_postgresql(connection):
            with connection.cursor() as cursor:
                cursor.execute("SELECT statement FROM pg_prepared_statements")
                prepared = [statement for (statement,) in cursor.fetchall()]
    finally:
        if is_postgresql(connection):
            raw.prepare_threshold = threshold
    assert response.status_code == 201, response.content
    span = Span.objects.get(pk=response.json()["id"])
    assert (span.quote, span.actor_id, span.annotator_id, span.version) == (
        "Tech firms",
        world.actor.pk if with_actor else None,
        world.users["ann"].pk if layer == "mine" else None,
        1,
    )
    assert SpanEvent.objects.filter(span_pk=span.pk, action="created").count() == 1
    if is_postgresql(connection):
        # (More than one if the run prepares everything from the start: a statement is
        # prepared once per set of parameter types, and None differs from an actor's id.)
        for statement in ('FROM "accounts_apitoken"', 'FROM "debate_document"', "INSERT INTO"):
            assert any(statement in s for s in prepared), statement


# The token with its user, the document (with the caller's role, or with its debate, length
# and status), then one statement per list read.
SMALL_READS = {
    "document detail": ("/api/v1/documents/{pk}/", 2),
    "document with its layer": ("/api/v1/documents/{pk}/?include=spans,relations", 4),
    "document with its spans": ("/api/v1/documents/{pk}/?include=spans", 3),
    "spans": ("/api/v1/documents/{pk}/spans/", 3),
    "relations": ("/api/v1/documents/{pk}/relations/", 3),
}


@pytest.mark.parametrize("read", list(SMALL_READS))
def test_a_small_read_runs_a_fixed_few_statements(world, read, django_assert_num_queries):
    client = world.client("ann")
    path, expected = SMALL_READS[read]
    url = path.format(pk=world.document.pk)
    assert client.get(url).status_code == 200  # compiles what is compiled once per process
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
