"""core.db.any_of: a column against a long list, as one array on PostgreSQL, the same rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.db import is_postgresql
from core.db.any_of import AnyOf
from debate.models import Document
from tests.factories import DebateFactory, DocumentFactory

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds_with_one_parameter():
    debate = DebateFactory()
    documents = [DocumentFactory(debate=debate) for _ in range(5)]
    other = DocumentFactory()
    ids = [documents[0].pk, documents[3].pk, other.pk, max(d.pk for d in documents) + 1000]
    with CaptureQueriesContext(connection) as queries:
        found = sorted(Document.objects.filter(AnyOf("pk", ids)).values_list("pk", flat=True))
        in_debate = sorted(
            Document.objects.filter(AnyOf("debate_id", [debate.pk]), AnyOf("pk", ids)).values_list(
                "pk", flat=True
            )
        )
    assert found == sorted(Document.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert found == sorted([documents[0].pk, documents[3].pk, other.pk])
    assert in_debate == sorted([documents[0].pk, documents[3].pk])
    sql = queries.captured_queries[0]["sql"]
    assert ("= ANY(" in sql) is is_postgresql(connection)
    assert (" IN (" in sql) is not is_postgresql(connection)


def test_any_of_an_empty_list_matches_nothing_without_a_query():
    DocumentFactory()
    with CaptureQueriesContext(connection) as queries:
        assert list(Document.objects.filter(AnyOf("pk", []))) == []
    assert len(queries) == 0


def test_any_of_ids_beyond_a_small_integer():
    document = DocumentFactory()
    ids = [1, 2**40, document.pk]  # the driver would type a list of small ints smallint[]
    assert list(Document.objects.filter(AnyOf("pk", ids)).values_list("pk", flat=True)) == [
        document.pk
    ]
