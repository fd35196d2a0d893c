import pytest
from django.db import IntegrityError, transaction

from annotations.models import Relation, Span
from tests.factories import DocumentFactory, RelationFactory, SpanFactory, UserFactory

pytestmark = pytest.mark.django_db


def _insert_span(document, user, start, end, quote):
    # bulk_create skips model validation, so only the database stands in the way.
    with transaction.atomic():
        Span.objects.bulk_create(
            [
                Span(
                    document=document,
                    annotator=user,
                    start=start,
                    end=end,
                    quote=quote,
                    stance="pro",
                    role="claim",
                    created_by=user,
                )
            ]
        )


@pytest.mark.parametrize(
    ("start", "end", "quote"),
    [
        (5, 5, ""),  # empty
        (6, 5, "x"),  # reversed
        (0, 7, "Article 1"),  # quote longer than the offsets
    ],
)
def test_database_refuses_impossible_spans(start, end, quote):
    document = DocumentFactory(text="Article text for constraints.")
    user = UserFactory()
    with pytest.raises(IntegrityError):
        _insert_span(document, user, start, end, quote)
    assert Span.objects.count() == 0


def test_database_counts_quote_length_in_code_points():
    document = DocumentFactory(text="A 🔐 e\u0301 end")  # stored NFC: "A 🔐 é end"
    user = UserFactory()
    _insert_span(document, user, 2, 5, "🔐 é")
    span = Span.objects.get()
    assert (span.start, span.end, span.quote) == (2, 5, "🔐 é")


def test_database_refuses_relation_to_itself():
    relation = RelationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Relation.objects.filter(pk=relation.pk).update(target=relation.source)


def test_span_layer_names_gold_and_annotator():
    user = UserFactory(username="ann")
    assert SpanFactory(annotator=user).layer == "ann"
    assert SpanFactory(annotator=None, created_by=user).layer == "gold"
