"""Marks of groups of rows: the database's equal the ones made here from the same rows, and
any change of a row's values changes its group's mark and no other."""

import pytest

from annotations.models import Span
from core.db.group_marks import group_marks, rows_mark
from tests.factories import DocumentFactory, SpanFactory, UserFactory

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "start", "end", "quote", "stance", "role", "actor_id")


@pytest.fixture
def spans(debate):
    """Three documents, two with spans of non-ASCII quotes, NULL and non-NULL actors."""
    user = UserFactory()
    made = []
    for number, text in enumerate(("Überwachung 🔒 schützt niemanden", "Keys: 'a' \\ \"b\"")):
        document = DocumentFactory(debate=debate, text=text)
        for start, end in ((0, 5), (3, len(text))):
            made.append(
                SpanFactory(
                    document=document,
                    annotator=None,
                    created_by=user,
                    start=start,
                    end=end,
                    stance="pro" if number else "contra",
                    role="claim",
                )
            )
    DocumentFactory(debate=debate, text="No spans here.")
    return made


def _marks_made_here(rows) -> dict:
    grouped = {}
    for document, *values in rows.values_list("document_id", *COLUMNS).order_by("pk"):
        grouped.setdefault(document, []).append(values)
    return {document: rows_mark(values) for document, values in grouped.items()}


def test_the_marks_are_the_ones_made_from_the_rows_read(spans):
    rows = Span.objects.filter(annotator__isnull=True)

    marks = group_marks(rows, group="document_id", columns=COLUMNS)

    assert marks == _marks_made_here(rows)
    assert sorted(marks) == sorted({span.document_id for span in spans})
    assert [count for count, _ in marks.values()] == [2, 2]


@pytest.mark.parametrize("field", ["quote", "stance"])
def test_a_changed_value_changes_its_documents_mark_only(spans, field):
    rows = Span.objects.filter(annotator__isnull=True)
    before = group_marks(rows, group="document_id", columns=COLUMNS)
    changed = spans[1]
    # A quote of the same length (it must fit its offsets), in other letters.
    value = changed.quote.swapcase() if field == "quote" else "neutral"
    Span.objects.filter(pk=changed.pk).update(**{field: value})

    after = group_marks(rows, group="document_id", columns=COLUMNS)

    assert after == _marks_made_here(rows)
    assert after[changed.document_id] != before[changed.document_id]
    other = spans[2].document_id
    assert after[other] == before[other]
