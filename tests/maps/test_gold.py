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
