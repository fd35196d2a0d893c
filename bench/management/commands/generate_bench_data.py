import random
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import Relation, Span
from core.db import is_postgresql
from debate.models import Actor, Debate, Document, Membership, Role
from debate.scheme import default_scheme
from debate.text import text_sha256

WORDS = (
    "encryption", "scanning", "backdoor", "privacy", "children", "safety", "platforms",
    "messages", "security", "client-side", "end-to-end", "Ofcom", "NSPCC", "“backdoor”",
    "naïve", "café", "🔐", "regulators", "trust", "abuse", "evidence", "police", "weakens",
    "everyone", "secure", "apps", "users", "governments",
)  # fmt: skip
STANCES = ("pro", "contra", "neutral")
ROLES = ("claim", "premise")
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


def _insert_spans(rows: list[tuple]) -> None:
    columns = (
        "document_id", "annotator_id", "start", "end", "quote", "stance", "role", "actor_id",
        "note", "version", "client_id", "created_by_id", "created_at", "updated_at",
    )  # fmt: skip
    quote_name = connection.ops.quote_name
    # Table and column names come from the models, never from input.
    table = quote_name(Span._meta.db_table)
    names = ", ".join(quote_name(column) for column in columns)
    values = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({values})"  # noqa: S608
    with connection.cursor() as cursor:
        if is_postgresql(connection):
            # COPY is several times faster than even pipelined INSERTs.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, rows)


def _link_neighbours(debate: Debate, every: int, stamp) -> None:
    """Relate a share of the spans to the span before them in their document's layer.

    One INSERT ... SELECT with a window function (PostgreSQL and SQLite alike), so no span
    id ever travels to Python.
    """
    quote_name = connection.ops.quote_name
    spans, relations = quote_name(Span._meta.db_table), quote_name(Relation._meta.db_table)
    documents = quote_name(Document._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(  # table names come from the models, never from input
            f"""
            INSERT INTO {relations}
                (document_id, annotator_id, source_id, target_id, type, created_by_id,
                 created_at)
            SELECT document_id, annotator_id, id, previous,
                   CASE WHEN id %% 3 = 0 THEN 'attacks' ELSE 'supports' END,
                   created_by_id, %s
            FROM (
                SELECT s.id, s.document_id, s.annotator_id, s.created_by_id,
                       LAG(s.id) OVER (
                           PARTITION BY s.document_id, s.annotator_id ORDER BY s.id
                       ) AS previous
                FROM {spans} s JOIN {documents} d ON d.id = s.document_id
                WHERE d.debate_id = %s
            ) neighbours
            WHERE previous IS NOT NULL AND id %% %s = 0
            """,  # noqa: S608
            [stamp, debate.pk, every],
        )


@transaction.atomic
def bench_data_generate(
    *,
    slug: str,
    spans: int,
    documents: int,
    annotators: int,
    text_length: int = 3000,
    relation_every: int = 2,
    seed: int = 1,
) -> Debate:
    """Create a debate holding ``spans`` spans over ``documents`` documents, in bulk.

    Spans are spread over gold and ``annotators`` annotator layers; every
    ``relation_every``-th span is linked to the span before it in the same layer. Rows go in
    with multi-row inserts and no history: the data is for measuring reads.
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
    actor_ids = [
        actor.pk
        for actor in Actor.objects.bulk_create(
            Actor(debate=debate, name=name)
            for name in ("Kate Robertson", "Rani Govender", "Susie Hargreaves", "the tech firms")
        )
    ]
    layers: list[tuple[int | None, int]] = [(None, reviewer.pk)] + [(p.pk, p.pk) for p in people]
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    per_document, extra = divmod(spans, documents)
    pending: list[tuple] = []
    for number in range(documents):
        text = f"Article {number + 1}\n" + bench_text(rng, text_length)
        document = Document(
            debate=debate,
            title=f"Article {number + 1}",
            text=text,
            published=date(2023, 1, 1) + timedelta(days=number % 365),
        )
        document.sha256 = text_sha256(text)
        document.save()
        for index in range(per_document + (1 if number < extra else 0)):
            annotator, author = layers[index % len(layers)]
            start = rng.randrange(0, len(text) - 1)
            end = min(len(text), start + rng.randint(10, 200))
            actor = rng.choice(actor_ids) if rng.random() < 0.3 else None
            note = "checked" if rng.random() < 0.05 else ""
            stance, role = rng.choice(STANCES), rng.choice(ROLES)
            pending.append(
                (document.pk, annotator, start, end, text[start:end], stance, role, actor,
                 note, 1, "", author, stamp, stamp)
            )  # fmt: skip
        if len(pending) >= BATCH:
            _insert_spans(pending)
            pending = []
    if pending:
        _insert_spans(pending)
    _link_neighbours(debate, relation_every, stamp)
    return debate


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
