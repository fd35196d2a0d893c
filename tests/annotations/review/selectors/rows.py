"""What the agreement selectors' tests compare: a count's plain rows against the documents."""

from annotations.review.agreement import AnnotatedDocument


def assert_rows_are_the_documents(rows: list, documents: list[AnnotatedDocument]) -> None:
    """Assert that ``annotated_rows`` gave the documents, layers, spans and relations that
    ``annotated_documents`` gave, in the same order."""
    assert [row[0] for row in rows] == [document.id for document in documents]
    for document, (_pk, length, names, spans, relations) in zip(documents, rows, strict=True):
        assert length == document.text_length
        assert tuple(sorted(names.values())) == document.annotators
        assert sorted((row[0], names[row[1]], *row[2:7]) for row in spans) == sorted(
            (s.id, s.annotator, s.start, s.end, s.stance, s.role, s.actor) for s in document.spans
        )
        assert sorted(relations) == sorted((r.source, r.target, r.type) for r in document.relations)
