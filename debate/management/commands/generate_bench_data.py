import random
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import Relation, Span
from debate.models import Actor, Debate, Document, Membership, Role
from debate.scheme import default_scheme
from debate.text import text_sha256

WORDS = (
    "encryption scanning backdoor privacy children safety platforms messages security "
    "client-side end-to-end Ofcom NSPCC “backdoor” naïve café 🔐 regulators trust abuse "
    "evidence police weakens everyone secure apps users governments"
).split()
STANCES = ("pro", "contra", "neutral")
ROLES = ("claim", "premise")
RELATION_TYPES = ("supports", "attacks")
BATCH = 5000


def bench_text(rng: random.Random, length: int) -> str:
    """Return about ``length`` code points of article-like text with curly quotes and emoji."""
    words: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        words.append(word)
        size += len(word) + 1
        if rng.random() < 0.08:
            words[-1] += "."
        if rng.random() < 0.02:
            words[-1] += "\n"
    return " ".join(words).replace("\n ", "\n")


@transaction.atomic
def bench_data_generate(
    *,
    slug: str,
    spans: int,
    documents: int,
    annotators: int,
    text_length: int = 3000,
    relation_share: float = 0.5,
    seed: int = 1,
) -> Debate:
    """Create a debate holding ``spans`` spans over ``documents`` documents, in bulk.

    Spans are spread over gold and ``annotators`` annotator layers, a share of them linked
    to the span before them in the same layer. Rows are written with bulk_create, without
    history: the data is for measuring reads.
    """
    rng = random.Random(seed)  # a benchmark wants the same data every time
    users = get_user_model().objects
    debate = Debate.objects.create(
        slug=slug,
        title=f"Benchmark ({spans} spans)",
        proposition="Messaging platforms should scan private messages for child safety.",
        scheme=default_scheme(),
    )
    people = []
    for index in range(annotators):
        user, _ = users.get_or_create(username=f"{slug}-annotator-{index + 1}")
        Membership.objects.create(debate=debate, user=user, role=Role.ANNOTATOR)
        people.append(user)
    researcher, _ = users.get_or_create(username=f"{slug}-researcher")
    Membership.objects.create(debate=debate, user=researcher, role=Role.RESEARCHER)
    reviewer, _ = users.get_or_create(username=f"{slug}-reviewer")
    Membership.objects.create(debate=debate, user=reviewer, role=Role.REVIEWER)
    actors = Actor.objects.bulk_create(
        Actor(debate=debate, name=name)
        for name in ("Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms")
    )
    layers: list[tuple[int | None, int]] = [(None, reviewer.pk)] + [(p.pk, p.pk) for p in people]
    per_document, extra = divmod(spans, documents)
    pending: list[Span] = []
    for number in range(documents):
        text = f"Article {number + 1}\n" + bench_text(rng, text_length)
        document = Document(debate=debate, title=f"Article {number + 1}", text=text)
        document.sha256 = text_sha256(text)
        document.published = date(2023, 1, 1) + timedelta(days=number % 365)
        document.save()
        count = per_document + (1 if number < extra else 0)
        for index in range(count):
            annotator, author = layers[index % len(layers)]
            start = rng.randrange(0, len(text) - 1)
            end = min(len(text), start + rng.randint(10, 200))
            pending.append(
                Span(
                    document_id=document.pk,
                    annotator_id=annotator,
                    start=start,
                    end=end,
                    quote=text[start:end],
                    stance=rng.choice(STANCES),
                    role=rng.choice(ROLES),
                    actor_id=rng.choice(actors).pk if rng.random() < 0.3 else None,
                    note="checked" if rng.random() < 0.05 else "",
                    created_by_id=author,
                )
            )
        if len(pending) >= BATCH or number == documents - 1:
            _write(pending, rng, relation_share)
            pending = []
    return debate


def _write(pending: list[Span], rng: random.Random, relation_share: float) -> None:
    created = Span.objects.bulk_create(pending, batch_size=BATCH)
    previous: dict[tuple[int, int | None], Span] = {}
    relations = []
    for span in created:
        key = (span.document_id, span.annotator_id)
        before = previous.get(key)
        if before is not None and rng.random() < relation_share:
            relations.append(
                Relation(
                    document_id=span.document_id,
                    annotator_id=span.annotator_id,
                    source_id=span.pk,
                    target_id=before.pk,
                    type=rng.choice(RELATION_TYPES),
                    created_by_id=span.created_by_id,
                )
            )
        previous[key] = span
    Relation.objects.bulk_create(relations, batch_size=BATCH)


class Command(BaseCommand):
    help = (
        "Create a benchmark debate with many spans (bulk inserts, no history), for the export "
        "benchmark: generate_bench_data --spans 1000000."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--spans", type=int, default=100_000)
        parser.add_argument("--documents", type=int, help="default: one per 100 spans")
        parser.add_argument("--annotators", type=int, default=3)
        parser.add_argument("--slug", default="bench-export")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--replace", action="store_true", help="delete the debate first if it exists"
        )

    def handle(self, *args, **options) -> None:
        if options["spans"] < 1 or options["annotators"] < 0:
            raise CommandError("--spans must be at least 1 and --annotators at least 0.")
        slug = options["slug"]
        existing = Debate.objects.filter(slug=slug)
        if existing.exists():
            if not options["replace"]:
                raise CommandError(f"Debate {slug!r} exists; add --replace to make it again.")
            Relation.objects.filter(document__debate__slug=slug).delete()
            Span.objects.filter(document__debate__slug=slug).delete()
            existing.delete()
        documents = options["documents"] or max(1, options["spans"] // 100)
        began = time.perf_counter()
        bench_data_generate(
            slug=slug,
            spans=options["spans"],
            documents=documents,
            annotators=options["annotators"],
            seed=options["seed"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {slug}: {options['spans']} spans over {documents} documents in "
                f"{time.perf_counter() - began:.1f} s."
            )
        )
