"""What the scenarios share: their names, article-like text, and rows written in bulk.

Rows go in with COPY on PostgreSQL (bulk_create elsewhere) and without history: the data is
for measuring, not for auditing.
"""

import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from annotations.models import (
    Assignment,
    DocumentReview,
    Relation,
    ReviewDecision,
    Span,
    SpanEvent,
)
from core.db import is_postgresql
from debate.models import Debate, Document, Membership
from debate.scheme import default_scheme
from debate.text import normalize_text, text_sha256
from maps.models import MapBuild, MapVersion

SCENARIOS = ("spans", "page", "map", "agreement", "peer")
SLUGS = {name: f"bench-{name}" for name in SCENARIOS}
STANCES = ("pro", "contra", "neutral")
ROLES = ("claim", "premise")
# News-like words with curly quotes, accents and an emoji; none of them combines with its
# neighbour, so every code point offset is a valid span boundary.
WORDS = (
    "encryption", "scanning", "backdoor", "privacy", "children", "safety", "platforms",
    "messages", "security", "client-side", "end-to-end", "Ofcom", "NSPCC", "“backdoor”",
    "naïve", "café", "🔐", "regulators", "trust", "abuse", "evidence", "police", "weakens",
    "everyone", "secure", "apps", "users", "governments", "the", "of", "that", "would",
)  # fmt: skip


def word_pool(rng: random.Random, length: int) -> str:
    """Return ``length`` code points of article-like text to cut documents from."""
    words: list[str] = []
    size = 0
    while size < length + 100:
        word = rng.choice(WORDS)
        if rng.random() < 0.08:
            word += "."
        if rng.random() < 0.02:
            word += "\n"
        words.append(word)
        size += len(word) + 1
    return " ".join(words).replace("\n ", "\n")[:length]


def text_of(pool: str, rng: random.Random, number: int, length: int) -> str:
    """Return a unique text of exactly ``length`` code points cut from the pool."""
    start = rng.randrange(0, len(pool) - length)
    return normalize_text((f"Article {number}. " + pool[start : start + length])[:length])


def insert_rows(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert rows (column attname -> value) in bulk and return their ids, in order."""
    if not rows:
        return []
    if not is_postgresql(connection):
        objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=5000)
        return [obj.pk for obj in objects]
    table = model._meta.db_table
    columns = ["id", *rows[0]]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Reserve ids first, so rows that point at each other can be written in one COPY.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        names = ", ".join(quote(column) for column in columns)
        with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row.values()))
    return ids


def insert_documents(debate: Debate, texts: Iterable[str], status: str) -> list[int]:
    now = timezone.now()
    return insert_rows(
        Document,
        [
            {
                "debate_id": debate.pk,
                "title": f"Article {number}",
                "source": "Benchmark",
                "url": "",
                "published": date(2024, 1, 1) + timedelta(days=number % 365),
                "text": text,
                "sha256": text_sha256(text),
                "status": status,
                "created_at": now,
                "updated_at": now,
            }
            for number, text in enumerate(texts, start=1)
        ],
    )


def span_row(
    *,
    document_id: int,
    annotator_id: int | None,
    author_id: int,
    start: int,
    end: int,
    quote: str,
    stance: str,
    role: str,
    actor_id: int | None,
    now,
) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "annotator_id": annotator_id,
        "start": start,
        "end": end,
        "quote": quote,
        "stance": stance,
        "role": role,
        "actor_id": actor_id,
        "note": "",
        "version": 1,
        "client_id": "",
        "created_by_id": author_id,
        "created_at": now,
        "updated_at": now,
    }


def relation_row(
    *, document_id: int, annotator_id: int | None, author_id: int, source: int, target: int, kind
) -> dict[str, Any]:
    return {
        "document_id": document_id,
        "annotator_id": annotator_id,
        "source_id": source,
        "target_id": target,
        "type": kind,
        "created_by_id": author_id,
        "created_at": timezone.now(),
    }


def create_debate(slug: str, title: str, *, annotators_per_document: int = 2) -> Debate:
    return Debate.objects.create(
        slug=slug,
        title=title,
        proposition="Messaging platforms should be able to scan private, end-to-end encrypted "
        "messages when children's safety is at stake.",
        scheme=default_scheme(),
        annotators_per_document=annotators_per_document,
    )


def bench_token(user) -> str:
    """Return a new API token key of ``user`` named "bench", revoking earlier "bench" tokens
    (runs repeat; an account holds a limited number of tokens)."""
    ApiToken.objects.filter(user=user, name="bench").delete()
    return api_token_create(user=user, name="bench", days=7)[1]


def add_member(debate: Debate, username: str, role: str, *, token: bool = False) -> dict[str, Any]:
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.create(debate=debate, user=user, role=role)
    found: dict[str, Any] = {"id": user.pk, "username": username}
    if token:
        found["token"] = bench_token(user)
    return found


def remove_scenario(slug: str) -> None:
    """Delete a scenario's debate and everything in it, relations and history first."""
    rows = {"document__debate__slug": slug}
    for model in (Relation, SpanEvent, ReviewDecision, DocumentReview, Assignment, Span):
        model.objects.filter(**rows)._raw_delete(model.objects.db)
    MapBuild.objects.filter(debate__slug=slug).delete()
    MapVersion.objects.filter(debate__slug=slug).delete()
    Debate.objects.filter(slug=slug).delete()
