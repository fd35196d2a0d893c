"""Time span imports of a few thousand spans: a JSON Lines file and a brat folder.

    .venv/bin/python bench/import_bench.py --documents 50 --spans 100 --runs 5
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/debatemap_ann_bench \\
        .venv/bin/python bench/import_bench.py

The input files are written here, in the documented formats (docs/EXPORTS.md), so the same
script times any version of the importer through its commands (``import_spans``,
``import_brat``). Each run imports into a debate of its own, made fresh and deleted after;
JSON Lines and brat runs alternate so both see the same machine load. Prints the median and
the range of the wall time per run, spans a second, and the median CPU time of this process
(steadier than wall time on a shared machine; the database's own time is not in it).
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from annotations.models import Span  # noqa: E402
from debate.models import Debate, Membership, Role  # noqa: E402
from debate.scheme import default_scheme  # noqa: E402

WORDS = ("chat", "hosts", "say", "a", "“master", "key”", "opens", "any", "door", "🔐", "café")


def document_text(rng: random.Random, spans: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(spans * 6)) + "."


def span_places(rng: random.Random, text: str, count: int) -> list[tuple[int, int]]:
    """Return ``count`` spans over whole words of ``text``."""
    starts = [0] + [i + 1 for i, char in enumerate(text) if char == " "]
    places = []
    for _ in range(count):
        first = rng.randrange(len(starts) - 3)
        end = starts[first + rng.randint(1, 3)] - 1
        places.append((starts[first], end))
    return places


def write_inputs(folder: Path, *, documents: int, spans: int, seed: int = 7) -> None:
    """Write ``spans.jsonl`` and the brat folder ``brat/`` with the same documents and spans."""
    rng = random.Random(seed)
    lines = []
    (folder / "brat").mkdir()
    for number in range(documents):
        text = document_text(rng, spans)
        lines.append(
            {"type": "document", "id": number, "title": f"Document {number}", "text": text}
        )
        ann = []
        places = span_places(rng, text, spans)
        for index, (start, end) in enumerate(places):
            stance = rng.choice(("pro", "contra", "neutral"))
            role = rng.choice(("claim", "premise"))
            relations = (
                [{"type": "supports", "target": f"{number}-{index - 1}"}] if index % 5 == 4 else []
            )
            lines.append(
                {
                    "type": "span",
                    "id": f"{number}-{index}",
                    "document": number,
                    "layer": "gold",
                    "start": start,
                    "end": end,
                    "quote": text[start:end],
                    "stance": stance,
                    "role": role,
                    "actor": None,
                    "note": "",
                    "relations": relations,
                }
            )
            ann.append(f"T{index + 1}\t{role} {start} {end}\t{text[start:end]}")
            ann.append(f"A{index + 1}\tStance T{index + 1} {stance}")
            if relations:
                ann.append(f"R{index + 1}\tsupports Arg1:T{index + 1} Arg2:T{index}")
        (folder / "brat" / f"doc-{number}.txt").write_text(text, encoding="utf-8")
        (folder / "brat" / f"doc-{number}.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")
    (folder / "spans.jsonl").write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )


def fresh_debate(slug: str):
    manager, _ = get_user_model().objects.get_or_create(username="bench-importer")
    Debate.objects.filter(slug=slug).delete()
    debate = Debate.objects.create(
        slug=slug, title=slug, proposition="A proposition.", scheme=default_scheme()
    )
    Membership.objects.create(debate=debate, user=manager, role=Role.MANAGER)
    return debate, manager


def run(kind: str, folder: Path, expected: int) -> tuple[float, float]:
    """Return the wall and CPU seconds of one import (this process's CPU, not the database's)."""
    debate, _manager = fresh_debate(f"bench-import-{kind}")
    began, cpu = time.perf_counter(), time.process_time()
    with open(os.devnull, "w") as quiet:
        if kind == "jsonl":
            call_command(
                "import_spans", debate.slug, str(folder / "spans.jsonl"), "--by", "bench-importer",
                stdout=quiet,
            )  # fmt: skip
        else:
            call_command(
                "import_brat", debate.slug, str(folder / "brat"), "--by", "bench-importer",
                stdout=quiet,
            )  # fmt: skip
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    imported = Span.objects.filter(document__debate=debate).count()
    if imported != expected:
        raise SystemExit(f"{kind}: imported {imported} spans, not {expected}")
    debate.documents.all().delete()
    debate.delete()
    return seconds, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--spans", type=int, default=100, help="spans per document")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    total = options.documents * options.spans
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        write_inputs(folder, documents=options.documents, spans=options.spans)
        times: dict[str, list[tuple[float, float]]] = {"jsonl": [], "brat": []}
        run("jsonl", folder, total)  # warm: imports, caches
        for _ in range(options.runs):
            for kind in times:
                times[kind].append(run(kind, folder, total))
    print(
        f"{connection.display_name}: {options.documents} documents, {total} spans, "
        f"{total // 5} relations, {options.runs} runs each"
    )
    for kind, values in times.items():
        walls = [wall for wall, _cpu in values]
        median = statistics.median(walls)
        print(
            f"  {kind}: median {median:.2f} s ({min(walls):.2f}-{max(walls):.2f}), "
            f"{total / median:,.0f} spans/s; CPU of this process "
            f"{statistics.median(cpu for _wall, cpu in values):.2f} s"
        )


if __name__ == "__main__":
    main()
