"""document_update: the one path that changes a document's details, and never its text."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from debate.models import Document
from debate.services import document_update
from tests.factories import DocumentFactory, SpanFactory

pytestmark = pytest.mark.django_db


def test_it_changes_the_details_of_an_annotated_document_and_keeps_its_text():
    document = DocumentFactory(title="Shropshire Star", text="Scanning row deepens. Body.")
    SpanFactory(document=document, start=0, end=12)

    updated = document_update(
        document=document,
        changes={"title": "Scanning row\n deepens", "published": datetime.date(2023, 7, 12)},
    )

    stored = Document.objects.get(pk=document.pk)
    assert (stored.title, stored.published, stored.text) == (
        "Scanning row deepens",
        datetime.date(2023, 7, 12),
        "Scanning row deepens. Body.",
    )
    assert (updated.title, updated.updated_at) == (stored.title, stored.updated_at)
    assert stored.updated_at > document.updated_at


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"title": "New", "text": "Replaced."},
            {"text": ["Only a document's title, source, URL and date change here."]},
        ),
        (
            {"status": "adjudicated"},
            {"status": ["Only a document's title, source, URL and date change here."]},
        ),
        ({"title": " \n "}, {"title": ["A document needs a title."]}),
        ({"source": "a\x00b"}, {"source": ["Contains a NUL character (U+0000)."]}),
        (
            {"title": "New", "url": "not a url"},
            {"url": ["Enter a valid URL."]},
        ),
    ],
)
def test_it_refuses_by_name_and_writes_nothing(changes, errors):
    document = DocumentFactory(title="Old", text="Some text.")
    before = Document.objects.values().get(pk=document.pk)

    with pytest.raises(ValidationError) as refused:
        document_update(document=document, changes=changes)

    assert refused.value.message_dict == errors
    assert Document.objects.values().get(pk=document.pk) == before
