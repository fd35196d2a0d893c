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
