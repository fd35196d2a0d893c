"""Time the compiled hot reads against the ORM path they replace, on PostgreSQL.

Every API request reads the token's user and most read a document with the caller's role;
``core.db.compiled.CompiledQuery`` runs them as SQL compiled once per process. This script runs
each read both ways in one process, on one connection, many times, with statements kept
prepared (``DB_PREPARE_THRESHOLD`` 5, the default) and not (``none``), and prints the CPU
microseconds per read of this process (the web process's share) and the wall time:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/debatemap_fastpaths \\
        .venv/bin/python -m bench.fast_paths_bench [--reads 5000]

It creates its database's tables and a few rows if needed (``migrate``), never elsewhere.
"""

import argparse
import json
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from knox.crypto import hash_token  # noqa: E402

from accounts.authentication import TOKEN_QUERY  # noqa: E402
from bench.scenarios.common import bench_token  # noqa: E402
from core.db import is_postgresql  # noqa: E402
from debate.models import Role  # noqa: E402
from debate.selectors import DOCUMENT_ACCESS  # noqa: E402
from debate.services import DocumentInput, debate_create, document_create, member_add  # noqa: E402


def setup_rows() -> tuple[str, int, int]:
    """Return a token key, its user's id and a document id the user reads as an annotator."""
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from debate.models import Debate

    debate = Debate.objects.filter(slug="fast-paths").first() or debate_create(
        slug="fast-paths", title="Fast paths", proposition="Reads should be fast."
    )
    user = get_user_model().objects.filter(username="fast").first()
    user = user or get_user_model().objects.create_user("fast", password=None)
    member_add(debate=debate, username="fast", role=Role.ANNOTATOR)
    document, _ = document_create(
        debate=debate, data=DocumentInput(text="A text to read fast. " * 200, source="bench")
    )
    return bench_token(user), user.pk, document.pk


def timed(read, reads: int) -> dict:
    """Return CPU and wall microseconds per read, median of five rounds."""
    for _ in range(200):
        read()
    cpu, wall = [], []
    for _ in range(5):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(reads):
            read()
        cpu.append((time.process_time() - c0) / reads * 1e6)
        wall.append((time.perf_counter() - w0) / reads * 1e6)
    return {
        "cpu_us": round(statistics.median(cpu), 1),
        "wall_us": round(statistics.median(wall), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=5000)
    options = parser.parse_args()
    if not is_postgresql(connection):
        raise SystemExit("Run it on PostgreSQL: set DATABASE_URL=postgres://...")
    key, user_id, document_id = setup_rows()
    document_shape = {"text": False, "is_superuser": False, "is_staff": False, "is_active": True}
    reads = {
        "token": (
            lambda: TOKEN_QUERY.first(shape={}, digest=hash_token(key)),
            lambda: TOKEN_QUERY.queryset(shape={}, digest=hash_token(key)).first(),
        ),
        "document_access": (
            lambda: DOCUMENT_ACCESS.first(shape=document_shape, user_id=user_id, pk=document_id),
            lambda: DOCUMENT_ACCESS.queryset(
                shape=document_shape, user_id=user_id, pk=document_id
            ).first(),
        ),
    }
    results = {}
    for threshold in (5, None):
        connection.close()
        connection.settings_dict.setdefault("OPTIONS", {})["prepare_threshold"] = threshold
        label = f"prepare_threshold={threshold}"
        for name, (compiled, orm) in reads.items():
            assert compiled() == orm(), f"{name}: the compiled read differs from the ORM's"
            results[f"{name} compiled, {label}"] = timed(compiled, options.reads)
            results[f"{name} ORM, {label}"] = timed(orm, options.reads)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
