"""CompiledQuery: a queryset's SQL compiled once, run with each call's values."""

import pytest
from django.db import DataError, connection
from django.db.models import F

from core.db import is_postgresql
from core.db.compiled import CompiledQuery
from debate.models import Debate
from tests.factories import DebateFactory


def debates_by_slug(calls: list):
    def build(*, slug: str, newest_first: bool):
        calls.append((slug, newest_first))
        return (
            Debate.objects.filter(slug=slug)
            .annotate(size=F("annotators_per_document") + 1)
            .values_list("pk", "scheme", "created_at", "size")
        )

    return build


@pytest.mark.django_db
def test_rows_are_the_querysets_converted_as_django_converts_them():
    first, second = DebateFactory(slug="one"), DebateFactory(slug="two")
    calls = []
    query = CompiledQuery(debates_by_slug(calls))
    for debate in (first, second, first):
        row = query.first(shape={"newest_first": False}, slug=debate.slug)
        expected = Debate.objects.values_list("pk", "scheme", "created_at").get(pk=debate.pk)
        assert row == (*expected, debate.annotators_per_document + 1)
        assert isinstance(row[1], dict) and row[2].tzinfo is not None
    assert query.first(shape={"newest_first": False}, slug="three") is None
    # Compiled once, with a stand-in for the slug; a new shape compiles again.
    assert len(calls) == 1 and calls[0][0] not in ("one", "two")
    query.first(shape={"newest_first": True}, slug="one")
    assert [newest for _, newest in calls] == [False, True]
    query.clear()
    query.first(shape={"newest_first": True}, slug="one")
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_value_that_does_not_reach_the_sql_is_refused():
    query = CompiledQuery(lambda *, slug: Debate.objects.values_list("pk"))
    with pytest.raises(ValueError, match="slug"):
        query.first(shape={}, slug="one")


@pytest.mark.django_db
def test_an_empty_queryset_gives_no_row():
    DebateFactory(slug="one")
    query = CompiledQuery(lambda *, slug: Debate.objects.none().filter(slug=slug).values_list("pk"))
    assert query.first(shape={}, slug="one") is None


@pytest.fixture
def preparing(db):
    """Let the connection prepare a statement at its first run, as OPTIONS prepare_threshold=0."""
    if not is_postgresql(connection):
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    yield
    raw.prepare_threshold = threshold


def prepared_statements() -> list[str]:
    """Return the statements PostgreSQL keeps prepared for this session ([] elsewhere)."""
    if not is_postgresql(connection):
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_compiled_queries_are_prepared_and_still_logged_and_wrapped(
    preparing, django_assert_num_queries
):
    debate = DebateFactory(slug="one")
    query = CompiledQuery(debates_by_slug([]))
    seen = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with django_assert_num_queries(2), connection.execute_wrapper(record):
        for _ in range(2):
            row = query.first(shape={"newest_first": False}, slug="one")
            assert row[:2] == (debate.pk, debate.scheme)
    assert len(seen) == 2 and seen[0] == seen[1]
    if is_postgresql(connection):
        # One statement, with the slug as its parameter, prepared once and run twice.
        [statement] = [s for s in prepared_statements() if '"debate_debate"' in s]
        assert '"slug" = $2' in statement


def test_a_value_the_database_refuses_fails_with_djangos_error(preparing):
    query = CompiledQuery(lambda *, slug: Debate.objects.filter(slug=slug).values_list("pk"))
    if is_postgresql(connection):
        with pytest.raises(DataError):  # django.db's, as the API's error handler expects
            query.first(shape={}, slug="nul\x00")
    else:
        assert query.first(shape={}, slug="nul\x00") is None
