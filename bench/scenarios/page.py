"""bench-page: one long document with many spans and relations in one annotator's layer."""

import random
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from annotations.models import Assignment, AssignmentStatus, Relation, Span
from bench.scenarios.common import (
    ROLES,
    SLUGS,
    STANCES,
    add_member,
    bench_token,
    create_debate,
    insert_documents,
    insert_rows,
    relation_row,
    span_row,
    text_of,
    word_pool,
)
from debate.models import Actor, DocumentStatus, Role


def scenario_page(*, spans: int, relations: int, rng: random.Random) -> dict[str, Any]:
    """Create one long document with ``spans`` spans in one annotator's layer."""
    debate = create_debate(SLUGS["page"], "Benchmark: a document with many spans")
    password = f"bench-{rng.getrandbits(64):016x}"
    user = add_member(debate, "bench-page-annotator", Role.ANNOTATOR)
    account = get_user_model().objects.get(pk=user["id"])
    account.set_password(password)
    account.save(update_fields=["password"])
    # After the password: a password change revokes the tokens issued before it.
    user["token"] = bench_token(account)
    actors = Actor.objects.bulk_create(
        Actor(debate=debate, name=name)
        for name in ("Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms")
    )
    pool = word_pool(rng, 120_000)
    text = text_of(pool, rng, 1, 50_000)
    (document_id,) = insert_documents(debate, [text], DocumentStatus.ANNOTATING)
    Assignment.objects.create(
        document_id=document_id, annotator_id=user["id"], status=AssignmentStatus.IN_PROGRESS
    )
    now = timezone.now()
    rows = []
    for _ in range(spans):
        # Mostly sentence-sized, a tenth paragraph-sized, so spans nest and overlap.
        size = 5 + rng.randrange(600 if rng.random() < 0.1 else 120)
        start = rng.randrange(0, len(text) - size)
        rows.append(
            span_row(
                document_id=document_id,
                annotator_id=user["id"],
                author_id=user["id"],
                start=start,
                end=start + size,
                quote=text[start : start + size],
                stance=rng.choice(STANCES),
                role=rng.choice(ROLES),
                actor_id=rng.choice(actors).pk if rng.random() < 0.3 else None,
                now=now,
            )
        )
    span_ids = insert_rows(Span, rows)
    pairs = set()
    while len(pairs) < min(relations, len(span_ids) - 1):
        source, target = rng.sample(span_ids, 2)
        pairs.add((source, target))
    insert_rows(
        Relation,
        [
            relation_row(
                document_id=document_id,
                annotator_id=user["id"],
                author_id=user["id"],
                source=source,
                target=target,
                kind=rng.choice(("supports", "attacks")),
            )
            for source, target in sorted(pairs)
        ],
    )
    return {
        "debate": debate.slug,
        "document": document_id,
        "username": user["username"],
        "password": password,
        "token": user["token"],
        "spans": len(span_ids),
        "relations": len(pairs),
        "characters": len(text),
    }
