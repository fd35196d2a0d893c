"""bench-agreement: documents with several annotators' submitted layers, ready for review.

One more document has every layer submitted but the last annotator's, which the benchmark
submits (``pending`` in the manifest) to time the figures after one more submission.
"""

import random
from typing import Any

from django.utils import timezone

from annotations.models import Assignment, AssignmentStatus, Span
from bench.agreement_bench import generate as generate_agreement_data
from bench.scenarios.common import (
    SLUGS,
    add_member,
    create_debate,
    insert_documents,
    insert_rows,
    span_row,
    text_of,
    word_pool,
)
from debate.models import Actor, Document, DocumentStatus, Role


def scenario_agreement(*, documents: int, annotators: int, rng: random.Random) -> dict[str, Any]:
    """Create documents with every annotator's submitted layer, and one missing its last."""

    debate = create_debate(
        SLUGS["agreement"], "Benchmark: agreement", annotators_per_document=annotators
    )
    researcher = add_member(debate, "bench-agreement-researcher", Role.RESEARCHER, token=True)
    generated = generate_agreement_data(documents + 1, annotators, 10, rng.randrange(1 << 30))
    members = {
        name: add_member(debate, f"bench-agreement-{name}", Role.ANNOTATOR, token=True)
        for name in generated[0].annotators
    }
    people = {name: member["id"] for name, member in members.items()}
    last = generated[0].annotators[-1]
    actors = Actor.objects.bulk_create(
        Actor(debate=debate, name=name)
        for name in ("Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms")
    )
    actor_of = {index: actor.pk for index, actor in enumerate(actors, start=1)}
    pool = word_pool(rng, 200_000)
    texts = [
        text_of(pool, rng, number, document.text_length)
        for number, document in enumerate(generated, start=1)
    ]
    document_ids = insert_documents(debate, texts, DocumentStatus.READY_FOR_REVIEW)
    pending = document_ids[-1]
    Document.objects.filter(pk=pending).update(status=DocumentStatus.ANNOTATING)
    now = timezone.now()
    insert_rows(
        Assignment,
        [
            {
                "document_id": document_id,
                "annotator_id": user_id,
                "status": AssignmentStatus.IN_PROGRESS
                if (document_id, name) == (pending, last)
                else AssignmentStatus.SUBMITTED,
                "submitted_at": None if (document_id, name) == (pending, last) else now,
                "created_at": now,
                "updated_at": now,
            }
            for document_id in document_ids
            for name, user_id in people.items()
        ],
    )
    rows = [
        span_row(
            document_id=document_id,
            annotator_id=people[span.annotator],
            author_id=people[span.annotator],
            start=span.start,
            end=span.end,
            quote=text[span.start : span.end],
            stance=span.stance,
            role=span.role,
            actor_id=actor_of.get(span.actor),
            now=now,
        )
        for document_id, text, document in zip(document_ids, texts, generated, strict=True)
        for span in document.spans
    ]
    insert_rows(Span, rows)
    return {
        "debate": debate.slug,
        "researcher": researcher,
        "documents": len(document_ids) - 1,
        "annotators": annotators,
        "spans": len(rows),
        "pending": {"document": pending, "annotator": members[last]},
    }
