"""Create the data of the served benchmarks (``make bench``), in bulk.

    python manage.py generate_bench_scenarios --manifest var/bench/scenarios.json
    python manage.py generate_bench_scenarios --only map --map-spans 10000 --map-documents 1000

Each scenario is a debate of its own (``--replace`` makes it again):

- ``bench-spans``: annotators with API tokens, each assigned a document, and valid span
  payloads (offsets and quotes) for the load generator to send, in the manifest;
- ``bench-page``: one document with 2,000 spans and some relations in one annotator's layer;
  that annotator logs in with the password in the manifest;
- ``bench-map``: gold spans and relations over adjudicated documents, drawn by the generator
  of ``bench/map_build_bench.py`` (paraphrases of a few thousand arguments, so the builder
  merges as it would on real data), and one document waiting for review with a single unit
  left: the "one more decision" before a rebuild;
- ``bench-agreement``: documents with three annotators' submitted layers, drawn by the
  generator of ``bench/agreement_bench.py`` (missed spans, shifted boundaries, other labels).

Rows go in with COPY on PostgreSQL (bulk_create elsewhere) and without history: the data is
for measuring, not for auditing. The manifest (JSON) names the debates, documents, users and
tokens the benchmark uses; it holds secrets of this benchmark database only.
"""

import json
import random
import time
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from annotations.models import (
    Assignment,
    AssignmentStatus,
    DocumentReview,
    Relation,
    ReviewDecision,
    Span,
    SpanEvent,
)
from bench.agreement_bench import generate as generate_agreement_data
from bench.map_build_bench import generate as generate_map_data
from core.db import is_postgresql
from debate.models import Actor, Debate, Document, DocumentStatus, Membership, Role
from debate.scheme import default_scheme
from debate.text import normalize_text, text_sha256
from maps.models import MapBuild, MapVersion

SCENARIOS = ("spans", "page", "map", "agreement")
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


def _word_pool(rng: random.Random, length: int) -> str:
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


def _text_of(pool: str, rng: random.Random, number: int, length: int) -> str:
    """Return a unique text of exactly ``length`` code points cut from the pool."""
    start = rng.randrange(0, len(pool) - length)
    return normalize_text((f"Article {number}. " + pool[start : start + length])[:length])


# --- Bulk writes ----------------------------------------------------------------------------
def _insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> list[int]:
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


def _documents(debate: Debate, texts: Iterable[str], status: str) -> list[int]:
    now = timezone.now()
    return _insert(
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


def _span_row(
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


def _relation_row(
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


def _debate(slug: str, title: str, *, annotators_per_document: int = 2) -> Debate:
    return Debate.objects.create(
        slug=slug,
        title=title,
        proposition="Messaging platforms should be able to scan private, end-to-end encrypted "
        "messages when children's safety is at stake.",
        scheme=default_scheme(),
        annotators_per_document=annotators_per_document,
    )


def _member(debate: Debate, username: str, role: str, *, token: bool = False) -> dict[str, Any]:
    user, _ = get_user_model().objects.get_or_create(username=username)
    Membership.objects.create(debate=debate, user=user, role=role)
    found: dict[str, Any] = {"id": user.pk, "username": username}
    if token:
        found["token"] = Token.objects.get_or_create(user=user)[0].key
    return found


def _remove(slug: str) -> None:
    """Delete a scenario's debate and everything in it, relations and history first."""
    rows = {"document__debate__slug": slug}
    for model in (Relation, SpanEvent, ReviewDecision, DocumentReview, Assignment, Span):
        model.objects.filter(**rows)._raw_delete(model.objects.db)
    MapBuild.objects.filter(debate__slug=slug).delete()
    MapVersion.objects.filter(debate__slug=slug).delete()
    Debate.objects.filter(slug=slug).delete()


# --- Scenarios ------------------------------------------------------------------------------
def scenario_spans(*, clients: int, payloads: int, rng: random.Random) -> dict[str, Any]:
    """Create annotators with tokens, a document each, and span payloads to send."""
    debate = _debate(SLUGS["spans"], "Benchmark: span creation")
    pool = _word_pool(rng, 60_000)
    texts = [_text_of(pool, rng, number, 5_000) for number in range(1, clients + 1)]
    document_ids = _documents(debate, texts, DocumentStatus.NEW)
    people = []
    for index, (document_id, text) in enumerate(zip(document_ids, texts, strict=True), start=1):
        person = _member(debate, f"bench-spans-annotator-{index}", Role.ANNOTATOR, token=True)
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


def scenario_page(*, spans: int, relations: int, rng: random.Random) -> dict[str, Any]:
    """Create one long document with ``spans`` spans in one annotator's layer."""
    debate = _debate(SLUGS["page"], "Benchmark: a document with many spans")
    password = f"bench-{rng.getrandbits(64):016x}"
    user = _member(debate, "bench-page-annotator", Role.ANNOTATOR)
    account = get_user_model().objects.get(pk=user["id"])
    account.set_password(password)
    account.save(update_fields=["password"])
    # After the password: a password change revokes the tokens issued before it.
    user["token"] = Token.objects.get_or_create(user=account)[0].key
    actors = Actor.objects.bulk_create(
        Actor(debate=debate, name=name)
        for name in ("Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms")
    )
    pool = _word_pool(rng, 120_000)
    text = _text_of(pool, rng, 1, 50_000)
    (document_id,) = _documents(debate, [text], DocumentStatus.ANNOTATING)
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
            _span_row(
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
    span_ids = _insert(Span, rows)
    pairs = set()
    while len(pairs) < min(relations, len(span_ids) - 1):
        source, target = rng.sample(span_ids, 2)
        pairs.add((source, target))
    _insert(
        Relation,
        [
            _relation_row(
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


def scenario_map(*, spans: int, documents: int, rng: random.Random) -> dict[str, Any]:
    """Create gold spans over adjudicated documents, and one document one decision from done."""

    debate = _debate(SLUGS["map"], "Benchmark: argument map")
    reviewer = _member(debate, "bench-map-reviewer", Role.REVIEWER, token=True)
    annotators = [
        _member(debate, f"bench-map-annotator-{index}", Role.ANNOTATOR) for index in (1, 2)
    ]
    data, _truth = generate_map_data(
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
    document_ids = _documents(debate, texts, DocumentStatus.ADJUDICATED)
    now = timezone.now()
    span_ids = _insert(
        Span,
        [
            _span_row(
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
    _insert(
        Relation,
        [
            _relation_row(
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
        "pending_document": pending,
    }


def _pending_review(
    debate: Debate, annotators: list[dict[str, Any]], claim: str, actor_id: int
) -> int:
    """Create a document both annotators submitted with one identical span: one unit to decide."""
    text = f"{claim} (a late report)\n"
    (document_id,) = _documents(debate, [text], DocumentStatus.READY_FOR_REVIEW)
    now = timezone.now()
    for person in annotators:
        Assignment.objects.create(
            document_id=document_id,
            annotator_id=person["id"],
            status=AssignmentStatus.SUBMITTED,
            submitted_at=now,
        )
    _insert(
        Span,
        [
            _span_row(
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


def scenario_agreement(*, documents: int, annotators: int, rng: random.Random) -> dict[str, Any]:
    """Create documents with every annotator's submitted layer, ready for review."""

    debate = _debate(SLUGS["agreement"], "Benchmark: agreement", annotators_per_document=annotators)
    researcher = _member(debate, "bench-agreement-researcher", Role.RESEARCHER, token=True)
    generated = generate_agreement_data(documents, annotators, 10, rng.randrange(1 << 30))
    people = {
        name: _member(debate, f"bench-agreement-{name}", Role.ANNOTATOR)["id"]
        for name in generated[0].annotators
    }
    actors = Actor.objects.bulk_create(
        Actor(debate=debate, name=name)
        for name in ("Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms")
    )
    actor_of = {index: actor.pk for index, actor in enumerate(actors, start=1)}
    pool = _word_pool(rng, 200_000)
    texts = [
        _text_of(pool, rng, number, document.text_length)
        for number, document in enumerate(generated, start=1)
    ]
    document_ids = _documents(debate, texts, DocumentStatus.READY_FOR_REVIEW)
    now = timezone.now()
    _insert(
        Assignment,
        [
            {
                "document_id": document_id,
                "annotator_id": user_id,
                "status": AssignmentStatus.SUBMITTED,
                "submitted_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for document_id in document_ids
            for user_id in people.values()
        ],
    )
    rows = [
        _span_row(
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
    _insert(Span, rows)
    return {
        "debate": debate.slug,
        "researcher": researcher,
        "documents": len(document_ids),
        "annotators": annotators,
        "spans": len(rows),
    }


class Command(BaseCommand):
    help = (
        "Create the served benchmarks' data (span creation, a 2,000-span document, a map of "
        "gold spans, agreement layers) and write a manifest of what the benchmark uses."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only", action="append", choices=SCENARIOS, help="a scenario (repeatable)"
        )
        parser.add_argument("--span-clients", type=int, default=64)
        parser.add_argument("--span-payloads", type=int, default=400, help="per client")
        parser.add_argument("--page-spans", type=int, default=2_000)
        parser.add_argument("--page-relations", type=int, default=400)
        parser.add_argument("--map-spans", type=int, default=100_000)
        parser.add_argument("--map-documents", type=int, default=10_000)
        parser.add_argument("--agreement-documents", type=int, default=10_000)
        parser.add_argument("--agreement-annotators", type=int, default=3)
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--manifest", type=Path, help="write the manifest (JSON) here")
        parser.add_argument(
            "--replace", action="store_true", help="delete a scenario's debate first if it exists"
        )

    def handle(self, *args, **options) -> None:
        chosen = options["only"] or list(SCENARIOS)
        if options["agreement_annotators"] < 2 or options["map_documents"] < 1:
            raise CommandError("Give at least 2 annotators and 1 map document.")
        for name in chosen:
            if Debate.objects.filter(slug=SLUGS[name]).exists():
                if not options["replace"]:
                    raise CommandError(f"{SLUGS[name]} exists; add --replace to make it again.")
                _remove(SLUGS[name])
        makers = {
            "spans": lambda rng: scenario_spans(
                clients=options["span_clients"], payloads=options["span_payloads"], rng=rng
            ),
            "page": lambda rng: scenario_page(
                spans=options["page_spans"], relations=options["page_relations"], rng=rng
            ),
            "map": lambda rng: scenario_map(
                spans=options["map_spans"], documents=options["map_documents"], rng=rng
            ),
            "agreement": lambda rng: scenario_agreement(
                documents=options["agreement_documents"],
                annotators=options["agreement_annotators"],
                rng=rng,
            ),
        }
        manifest: dict[str, Any] = {}
        for name in chosen:
            began = time.perf_counter()
            # One seed per scenario, so each comes out the same whether made alone or not.
            rng = random.Random(f"{options['seed']}-{name}")
            with transaction.atomic():
                manifest[name] = makers[name](rng)
            manifest[name]["seconds"] = round(time.perf_counter() - began, 1)
            self.stdout.write(f"{SLUGS[name]}: made in {manifest[name]['seconds']} s")
        if is_postgresql(connection):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
        if options["manifest"]:
            options["manifest"].parent.mkdir(parents=True, exist_ok=True)
            options["manifest"].write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            self.stdout.write(f"Manifest: {options['manifest']}")
        self.stdout.write(self.style.SUCCESS(f"Created {', '.join(chosen)}."))
