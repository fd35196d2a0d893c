"""Each document's gold revision, kept by triggers (annotations.gold_revisions): every path that
writes a gold span or relation gives its document a new revision, never one given before, and
leaves every other document's as it was; an annotator's rows move nothing."""

import pytest
from django.db import connection

from annotations.models import GoldRevision, Relation, Span
from tests.factories import DocumentFactory, RelationFactory, SpanFactory, UserFactory

pytestmark = pytest.mark.django_db


def revisions() -> dict[int, int]:
    return dict(GoldRevision.objects.values_list("document_id", "revision"))


@pytest.fixture
def documents():
    return [DocumentFactory(text="Tech firms say a backdoor weakens everyone.") for _ in range(3)]


def test_a_gold_span_gives_its_document_a_revision_and_an_annotators_span_none(documents):
    one, two, _ = documents
    SpanFactory(document=one, annotator=UserFactory(), start=0, end=10)
    assert revisions() == {}

    SpanFactory(document=two, annotator=None, created_by=UserFactory(), start=0, end=10)

    assert list(revisions()) == [two.pk]


def test_every_write_of_a_gold_row_moves_its_documents_revision_and_no_other(documents):
    one, two, three = documents
    reviewer = UserFactory()
    gold = [
        SpanFactory(document=document, annotator=None, created_by=reviewer, start=0, end=4)
        for document in documents
    ]
    seen = [revisions()]
    assert set(seen[0]) == {one.pk, two.pk, three.pk}

    def moved() -> set[int]:
        """The documents whose revision changed since the last look; each new revision is
        higher than every one given before, to any document (never given twice)."""
        now, before = revisions(), seen[-1]
        changed = {pk for pk in now if now[pk] != before.get(pk)}
        highest = max(revision for snapshot in seen for revision in snapshot.values())
        assert all(now[pk] > highest for pk in changed)
        seen.append(now)
        return changed

    gold[0].stance = "contra"
    gold[0].save(update_fields=["stance"])  # the ORM's save
    assert moved() == {one.pk}
    Span.objects.filter(pk__in=[gold[1].pk, gold[2].pk]).update(role="premise")  # bulk
    assert moved() == {two.pk, three.pk}
    relation = RelationFactory(
        source=gold[1],
        target=SpanFactory(document=two, annotator=None, created_by=reviewer, start=5, end=9),
    )
    assert moved() == {two.pk}
    Relation.objects.filter(pk=relation.pk).update(type="attacks")
    assert moved() == {two.pk}
    with connection.cursor() as cursor:  # SQL by hand
        cursor.execute("DELETE FROM annotations_relation WHERE id = %s", [relation.pk])
    assert moved() == {two.pk}
    gold[2].delete()
    assert moved() == {three.pk}
    # A layer's span made gold (adjudication may move one) moves it; an annotator's edit not.
    layer = SpanFactory(document=one, annotator=UserFactory(), start=10, end=20)
    layer.note = "an annotator's note"
    layer.save(update_fields=["note"])
    assert moved() == set()
    Span.objects.filter(pk=layer.pk).update(annotator=None)
    assert moved() == {one.pk}


def test_a_bulk_insert_gives_each_of_its_documents_one_revision(documents):
    reviewer = UserFactory()
    Span.objects.bulk_create(
        [
            Span(
                document=document,
                annotator=None,
                created_by=reviewer,
                start=start,
                end=start + 4,
                quote=document.text[start : start + 4],
                stance="pro",
                role="claim",
            )
            for document in documents[:2]
            for start in (0, 5, 10)
        ]
    )
    kept = revisions()
    assert set(kept) == {documents[0].pk, documents[1].pk}
    assert len(set(kept.values())) == 2


def test_deleting_a_document_with_gold_leaves_no_error_and_its_revision_unreachable(documents):
    one, pk = documents[0], documents[0].pk
    SpanFactory(document=one, annotator=None, created_by=UserFactory(), start=0, end=4)
    before = revisions()[pk]

    one.delete()  # cascades to its gold span; its revision row has no constraint to break

    assert not Span.objects.filter(document_id=pk).exists()
    # The cascade moved it once more; the number names nothing a reader of a document asks for.
    assert revisions()[pk] > before
