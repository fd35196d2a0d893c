"""Each database fast path of the annotations beside its ORM path, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/debatemap_ann_bench \\
        .venv/bin/python manage.py generate_bench_data --settings bench.settings \\
        --spans 200000 --documents 2000 --slug bench-200k
    DATABASE_URL=... .venv/bin/python bench/annotations_fast_paths.py --runs 5

In process, on the same data, the two paths of each alternating so both see the same machine
load: the JSON Lines body (``core.db.json_lines`` on two and on one connection, against
``formats.jsonl.jsonl_body``), span creation (``core.db.guarded_insert``'s one statement
against the ORM's transaction), the export's timestamps and the span list's
(``core.db.timestamps`` against Python formatting). Prints the median and range of wall
time, and the CPU time of this process and of its first database backend. Results:
bench/notes/annotations-fast-paths.md.
"""

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

import annotations.services.spans as span_services  # noqa: E402
from annotations.exports.lines import export_lines_query  # noqa: E402
from annotations.exports.selectors import (  # noqa: E402
    ExportFilters,
    export_actors,
    export_span_chunks,
)
from annotations.formats.jsonl import jsonl_body  # noqa: E402
from annotations.models import Assignment, AssignmentStatus, Span  # noqa: E402
from annotations.selectors import ALL, span_list  # noqa: E402
from annotations.serializers import span_list_payload  # noqa: E402
from annotations.services import SpanInput, span_insert  # noqa: E402
from core.db import is_postgresql  # noqa: E402
from core.db.guarded_insert import insert_guarded_by_orm, insert_guarded_by_statement  # noqa: E402
from core.db.json_lines import json_lines_by_copy  # noqa: E402
from core.db.timestamps import UtcIsoText, utc_iso  # noqa: E402
from debate.models import Debate, Document, DocumentStatus, Membership, Role  # noqa: E402
from debate.permissions import DebateAccess  # noqa: E402
from debate.scheme import default_scheme  # noqa: E402
from debate.text import text_sha256  # noqa: E402

READER = DebateAccess(user_id=0, role="researcher")


def backend_cpu() -> float:
    """Return the CPU seconds of this connection's PostgreSQL backend so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(run: Callable[[], str]) -> tuple[float, float, float, str]:
    connection.ensure_connection()
    db, cpu, wall = backend_cpu(), time.process_time(), time.perf_counter()
    digest = run()
    return time.perf_counter() - wall, time.process_time() - cpu, backend_cpu() - db, digest


def drain(blocks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for block in blocks:
        digest.update(block)
    return digest.hexdigest()


def compare(title: str, paths: dict[str, Callable[[], str]], runs: int, per: int = 1) -> None:
    """Run each path ``runs`` times, alternating; print the figures per run (or per item)."""
    results = {name: [] for name in paths}
    for _ in range(runs):
        for name, path in paths.items():
            results[name].append(timed(path))
    unit, scale = ("ms a span", 1000 / per) if per > 1 else ("s", 1)
    print(f"\n{title}")
    for name, values in results.items():
        walls = [value[0] * scale for value in values]
        print(
            f"  {name}: wall median {statistics.median(walls):.3f} {unit} "
            f"({min(walls):.3f}-{max(walls):.3f}); this process "
            f"{statistics.median(value[1] * scale for value in values):.3f}, first backend "
            f"{statistics.median(value[2] * scale for value in values):.3f} CPU; "
            f"{len({value[3] for value in values})} distinct result(s)",
            flush=True,
        )
    digests = {value[3] for values in results.values() for value in values}
    if len(digests) != 1:
        print(f"  NOTE: the paths' results differ ({len(digests)} digests)")


def jsonl_paths(debate: Debate) -> dict[str, Callable[[], str]]:
    actors = export_actors(debate=debate)
    filters = ExportFilters()

    def database(*, alone: bool) -> str:
        lines = export_lines_query(debate=debate, filters=filters)
        if alone:
            with transaction.atomic():
                return drain(json_lines_by_copy(lines=lines, batch_size=50))
        return drain(json_lines_by_copy(lines=lines, batch_size=50))

    def portable() -> str:
        chunks = export_span_chunks(
            access=READER, debate=debate, filters=filters, actors=actors, with_text=True
        )
        return drain(jsonl_body(chunks))

    return {
        "database, two connections": lambda: database(alone=False),
        "database, one connection": lambda: database(alone=True),
        "python (jsonl_body)": portable,
    }


def timestamp_paths(debate: Debate) -> dict[str, Callable[[], str]]:
    spans = Span.objects.filter(document__debate=debate).order_by("document_id", "id")
    text = spans.annotate(
        created=UtcIsoText("created_at"), updated=UtcIsoText("updated_at")
    ).values_list("id", "created", "updated")
    plain = spans.values_list("id", "created_at", "updated_at")

    def read(queryset, formatted: bool) -> str:
        digest = hashlib.sha256()
        with transaction.atomic():
            for row in queryset.iterator(chunk_size=2000):
                created, updated = row[-2:]
                if not formatted:
                    created, updated = utc_iso(created), utc_iso(updated)
                digest.update(created.encode())
                digest.update(updated.encode())
        return digest.hexdigest()

    return {
        "written by the database (UtcIsoText)": lambda: read(text, True),
        "formatted in Python": lambda: read(plain, False),
    }


def creation_document() -> tuple[Document, object]:
    user, _ = get_user_model().objects.get_or_create(username="bench-creator")
    debate, _ = Debate.objects.get_or_create(
        slug="bench-create",
        defaults={"title": "Create", "proposition": "P", "scheme": default_scheme()},
    )
    Membership.objects.get_or_create(debate=debate, user=user, defaults={"role": Role.ANNOTATOR})
    text = "Chat hosts 🔐 say a “master key” opens any door. " * 40
    document = Document.objects.filter(debate=debate).first() or Document.objects.create(
        debate=debate, text=text, sha256=text_sha256(text), status=DocumentStatus.ANNOTATING
    )
    Assignment.objects.update_or_create(
        document=document, annotator=user, defaults={"status": AssignmentStatus.IN_PROGRESS}
    )
    return document, user


def creation_paths(document: Document, user, count: int) -> dict[str, Callable[[], str]]:
    start = document.text.index("a “master key”")
    item = SpanInput(
        start=start, end=start + 14, quote=document.text[start : start + 14], stance="pro",
        role="claim",
    )  # fmt: skip

    def create(insert) -> str:
        span_services.insert_guarded = insert
        try:
            for _ in range(count):
                span_insert(document=document, annotator=user, by=user, item=item, reason="")
        finally:
            span_services.insert_guarded = original
        return "created"

    original = span_services.insert_guarded
    return {
        "one statement": lambda: create(insert_guarded_by_statement),
        "ORM transaction": lambda: create(insert_guarded_by_orm),
    }


def span_list_paths(document: Document, user) -> dict[str, Callable[[], str]]:
    def payload(zone: str) -> str:
        with timezone.override(zone):
            spans = span_list_payload(span_list(user=user, document=document, layer=ALL))
        return str(len(spans))

    return {
        "times written by the database (UTC)": lambda: payload("UTC"),
        "times formatted in Python (another zone)": lambda: payload("Europe/Paris"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slug", default="bench-200k")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--creates", type=int, default=500, help="spans created per run")
    parser.add_argument("--only", help="one of: jsonl, timestamps, create, list")
    options = parser.parse_args()
    if not is_postgresql(connection):
        raise SystemExit("The fast paths exist on PostgreSQL only: set DATABASE_URL.")
    debate = Debate.objects.get(slug=options.slug)
    spans = Span.objects.filter(document__debate=debate).count()
    print(f"{spans} spans in {options.slug}; load {os.getloadavg()[0]:.1f}", flush=True)
    wanted = lambda name: options.only in (None, name)  # noqa: E731
    if wanted("jsonl"):
        compare("JSON Lines body of the whole debate", jsonl_paths(debate), options.runs)
    if wanted("timestamps"):
        compare("the export's two timestamps a span", timestamp_paths(debate), options.runs)
    document, user = creation_document()
    if wanted("create"):
        compare(
            f"span creation, {options.creates} a run",
            creation_paths(document, user, options.creates),
            options.runs,
            per=options.creates,
        )
    if wanted("list"):
        listed = Span.objects.filter(document=document).count()
        compare(f"span list of {listed} spans", span_list_paths(document, user), options.runs)
    Span.objects.filter(document=document).delete()
    print(f"\nload {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
