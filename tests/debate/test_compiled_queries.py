"""CompiledQuery: a queryset's SQL compiled once, run with each call's values."""

import pytest
from django.db.models import F

from debate.compiled_queries import CompiledQuery
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
