"""bench-spans: annotators with API tokens, a document each, and span payloads to send."""

import random
from typing import Any

from annotations.models import Assignment
from bench.scenarios.common import (
    ROLES,
    SLUGS,
    STANCES,
    add_member,
    create_debate,
    insert_documents,
    text_of,
    word_pool,
)
from debate.models import DocumentStatus, Role


def scenario_spans(*, clients: int, payloads: int, rng: random.Random) -> dict[str, Any]:
    """Create annotators with tokens, a document each, and span payloads to send."""
    debate = create_debate(SLUGS["spans"], "Benchmark: span creation")
    pool = word_pool(rng, 60_000)
    texts = [text_of(pool, rng, number, 5_000) for number in range(1, clients + 1)]
    document_ids = insert_documents(debate, texts, DocumentStatus.NEW)
    people = []
    for index, (document_id, text) in enumerate(zip(document_ids, texts, strict=True), start=1):
        person = add_member(debate, f"bench-spans-annotator-{index}", Role.ANNOTATOR, token=True)
        Assignment.objects.create(document_id=document_id, annotator_id=person["id"])
        person["document"] = document_id
        person["payloads"] = []
        for _ in range(payloads):
            start = rng.randrange(0, len(text) - 10)
            end = min(len(text), start + rng.randint(5, 160))
            person["payloads"].append(
                {
                    "start": start,
                    "end": end,
                    "quote": text[start:end],
                    "stance": rng.choice(STANCES),
                    "role": rng.choice(ROLES),
                }
            )
        people.append(person)
    return {"debate": debate.slug, "clients": people}
