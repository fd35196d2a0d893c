"""The gold layer as map input: documents with their publication days."""

import datetime

import pytest

from debate.models import Document
from maps.builder import MapDocument
from maps.gold import gold_map_input

pytestmark = pytest.mark.django_db


def test_documents_enter_the_map_input_with_their_publication_day(debate, gold):
    dated, undated = (span.document for span in gold)
    Document.objects.filter(pk=dated.pk).update(published=datetime.date(2023, 3, 1))

    data = gold_map_input(debate=debate)

    assert data.documents == [
        MapDocument(id=dated.pk, title=dated.title, published="2023-03-01"),
        MapDocument(id=undated.pk, title=undated.title, published=None),
    ]


@pytest.mark.parametrize("cached", [False, True])
def test_the_words_rows_repeat_are_one_string_object_each(debate, gold, cached):
    from maps.builder import BuildCache
    from tests.factories import RelationFactory, SpanFactory

    first = gold[0]
    more = [
        SpanFactory(
            document=first.document,
            annotator=None,
            created_by=first.created_by,
            start=start,
            end=start + 4,
            stance="contra",
            role="premise",
        )
        for start in (0, 10, 20)
    ]
    for span in more:
        RelationFactory(
            document=first.document,
            annotator=None,
            created_by=first.created_by,
            source=span,
            target=first,
            type="supports",
        )

    data = gold_map_input(debate=debate, cache=BuildCache() if cached else None)

    assert sorted((s.stance, s.role) for s in data.spans) == [
        ("contra", "claim"),
        ("contra", "premise"),
        ("contra", "premise"),
        ("contra", "premise"),
        ("pro", "claim"),
    ]
    contra = [s for s in data.spans if s.stance == "contra"]
    assert all(s.stance is contra[0].stance for s in contra)
    assert all(s.role is contra[1].role for s in contra[1:])
    assert len(data.relations) == 3
    assert all(r.type is data.relations[0].type for r in data.relations)
