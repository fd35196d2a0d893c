"""bench-map: gold spans and relations over adjudicated documents, and one left to review.

The spans are drawn by the generator of bench/map_build_bench.py (``text="syllables"``:
made-up words, merged lexically) or of bench/claims_text.py (``text="english"``: English
claims, merged semantically, the default of new debates); the document left to review has a
single unit to decide, the "one more decision" before a rebuild.
"""

import random
from typing import Any

from django.utils import timezone

from annotations.models import Assignment, AssignmentStatus, Relation, Span
from bench.claims_text import generate_claims
from bench.map_build_bench import generate as generate_map_data
from bench.scenarios.common import (
    SLUGS,
    add_member,
    create_debate,
    insert_documents,
    insert_rows,
    relation_row,
    span_row,
)
from debate.models import Actor, Debate, DocumentStatus, MergeMethod, Role

# How each text is merged: made-up words are the lexical benchmark (no model can place them),
# as the figures of docs/BENCHMARKS.md always were; English claims are merged semantically.
TEXTS = {
    "syllables": (generate_map_data, MergeMethod.LEXICAL),
    "english": (generate_claims, MergeMethod.SEMANTIC),
}


def scenario_map(
    *, spans: int, documents: int, rng: random.Random, text: str = "syllables"
) -> dict[str, Any]:
    """Create gold spans over adjudicated documents, and one document one decision from done."""

    generate, method = TEXTS[text]
    debate = create_debate(SLUGS["map"], "Benchmark: argument map")
    debate.merge_method = method
    debate.save(update_fields=["merge_method"])
    reviewer = add_member(debate, "bench-map-reviewer", Role.REVIEWER, token=True)
    annotators = [
        add_member(debate, f"bench-map-annotator-{index}", Role.ANNOTATOR) for index in (1, 2)
    ]
    data, _truth = generate(
        spans=spans,
        documents=documents,
        arguments=max(100, min(3_000, spans // 33)),
        actors=300,
        seed=rng.randrange(1 << 30),
    )
    actor_ids = [
        actor.pk
        for actor in Actor.objects.bulk_create(
            Actor(debate=debate, name=f"Actor {actor.id}") for actor in data.actors
        )
    ]
    quotes: list[list[str]] = [[] for _ in data.documents]
    for span in data.spans:
        quotes[span.document_id].append(span.quote)
    # The generator places each quote one space after the previous one.
    texts = [" ".join(parts) + f"\n\n(Article {n})" for n, parts in enumerate(quotes, start=1)]
    document_ids = insert_documents(debate, texts, DocumentStatus.ADJUDICATED)
    now = timezone.now()
    span_ids = insert_rows(
        Span,
        [
            span_row(
                document_id=document_ids[span.document_id],
                annotator_id=None,
                author_id=reviewer["id"],
                start=span.start,
                end=span.end,
                quote=span.quote,
                stance=span.stance,
                role=span.role,
                actor_id=None if span.actor_id is None else actor_ids[span.actor_id],
                now=now,
            )
            for span in data.spans
        ],
    )
    pk_of = {span.id: pk for span, pk in zip(data.spans, span_ids, strict=True)}
    document_of = {span.id: document_ids[span.document_id] for span in data.spans}
    insert_rows(
        Relation,
        [
            relation_row(
                document_id=document_of[relation.source_id],
                annotator_id=None,
                author_id=reviewer["id"],
                source=pk_of[relation.source_id],
                target=pk_of[relation.target_id],
                kind=relation.type,
            )
            for relation in data.relations
        ],
    )
    pending = _pending_review(debate, annotators, data.spans[-1].quote, actor_ids[0])
    return {
        "debate": debate.slug,
        "reviewer": reviewer,
        "gold_spans": len(span_ids),
        "gold_relations": len(data.relations),
        "documents": len(document_ids),
        "text": text,
        "merge_method": method,
        "pending_document": pending,
    }


def _pending_review(
    debate: Debate, annotators: list[dict[str, Any]], claim: str, actor_id: int
) -> int:
    """Create a document both annotators submitted with one identical span: one unit to decide."""
    text = f"{claim} (a late report)\n"
    (document_id,) = insert_documents(debate, [text], DocumentStatus.READY_FOR_REVIEW)
    now = timezone.now()
    for person in annotators:
        Assignment.objects.create(
            document_id=document_id,
            annotator_id=person["id"],
            status=AssignmentStatus.SUBMITTED,
            submitted_at=now,
        )
    insert_rows(
        Span,
        [
            span_row(
                document_id=document_id,
                annotator_id=person["id"],
                author_id=person["id"],
                start=0,
                end=len(claim),
                quote=claim,
                stance="contra",
                role="claim",
                actor_id=actor_id,
                now=now,
            )
            for person in annotators
        ],
    )
    return document_id
