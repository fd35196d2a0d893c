"""A debate's adjudicated documents with gold, from the generated articles of bench/."""

from annotations.models import Span
from bench.suggestions_text import generate_articles
from debate.models import Debate, Document, DocumentStatus
from debate.text import text_sha256
from tests.factories import UserFactory


def seed_gold(debate: Debate, *, documents: int, seed: int = 1, first: int = 0) -> list[Document]:
    """Store ``documents`` generated articles as adjudicated, with their gold spans."""
    reviewer = UserFactory(username=f"gold-writer-{debate.slug}")
    articles = generate_articles(documents=first + documents, seed=seed)[first:]
    stored = []
    for article in articles:
        document = Document.objects.create(
            debate=debate,
            title=article.title,
            source="generated",
            text=article.text,
            sha256=text_sha256(article.text),
            status=DocumentStatus.ADJUDICATED,
        )
        Span.objects.bulk_create(
            Span(
                document=document,
                annotator=None,
                start=s.start,
                end=s.end,
                quote=article.text[s.start : s.end],
                stance=s.stance,
                role=s.role,
                created_by=reviewer,
            )
            for s in article.spans
        )
        stored.append(document)
    return stored


def unannotated_document(debate: Debate, *, seed: int = 1, number: int = 90) -> Document:
    """Store one more generated article, new, without gold: what annotators get next."""
    article = generate_articles(documents=number + 1, seed=seed)[number]
    return Document.objects.create(
        debate=debate,
        title="A new article",
        source="generated",
        text=article.text,
        sha256=text_sha256(article.text),
    )


_FITTED: dict[tuple, tuple[bytes, dict]] = {}


def store_trained_model(debate: Debate):
    """Store the model a training of the debate's gold makes, fitted once per test session.

    The fit and the cross-validation depend only on the texts and gold spans (ids only order
    them), so the generated gold of every test's debate gives the same model: fitted once,
    stored under the hash of this debate's own input, it is what ``suggestion_training_run``
    would store (tests/suggestions/test_services.py trains for real).
    """
    import pickle

    from suggestions.learn import cross_validate, fit_suggester, training_input_hash
    from suggestions.selectors import gold_training_documents
    from suggestions.services import suggestion_model_store

    documents = gold_training_documents(debate=debate)
    key = tuple((d.text, d.spans) for d in documents)
    if key not in _FITTED:
        _FITTED[key] = (pickle.dumps(fit_suggester(documents)), cross_validate(documents).to_dict())
    fitted, report = _FITTED[key]
    return suggestion_model_store(
        debate=debate,
        digest=training_input_hash(documents),
        fitted=fitted,
        report=report,
        document_count=len(documents),
        span_count=report["gold_spans"],
    )
