"""Time debate agreement on generated layers (target: 10k documents x 3 annotators <= 10 s).

Run from the repository root, no database needed:

    .venv/bin/python -m bench.agreement_bench [--documents 10000] [--annotators 3] [--spans 10]

Each document gets ``--spans`` "true" arguments at random, non-overlapping places; every
annotator misses some, shifts some boundaries, mislabels some and adds a stray span now and
then, so the alignment meets exact, partial and one-sided units as in real layers. The data
come from a fixed seed, so runs are comparable.
"""

import argparse
import os
import platform
import random
import time

from annotations.review.agreement import (
    NOT_MARKED,
    AnnotatedDocument,
    debate_agreement,
    krippendorff_alpha_nominal,
)
from annotations.review.alignment import AnnotatedSpan, align_spans

STANCES = ("pro", "contra", "neutral")
ROLES = ("claim", "premise")
ACTORS = (1, 2, 3, 4, None)


def generate(documents: int, annotators: int, spans: int, seed: int) -> list[AnnotatedDocument]:
    """Return generated documents with every annotator's layer."""
    rng = random.Random(seed)
    names = tuple(f"annotator{i}" for i in range(1, annotators + 1))
    next_id = 1
    result = []
    for document_id in range(1, documents + 1):
        truth = []
        position = rng.randint(0, 200)
        for _ in range(spans):
            start = position + rng.randint(20, 200)
            end = start + rng.randint(30, 250)
            truth.append((start, end, rng.choice(STANCES), rng.choice(ROLES), rng.choice(ACTORS)))
            position = end
        text_length = position + rng.randint(0, 300)
        layer = []
        for name in names:
            for start, end, stance, role, actor in truth:
                if rng.random() < 0.12:
                    continue  # missed this argument
                if rng.random() < 0.35:  # boundaries off by a few characters
                    start = max(0, start + rng.randint(-15, 15))
                    end = min(text_length, max(start + 1, end + rng.randint(-15, 15)))
                if rng.random() < 0.15:
                    stance = rng.choice(STANCES)
                if rng.random() < 0.1:
                    role = rng.choice(ROLES)
                if rng.random() < 0.2:
                    actor = rng.choice(ACTORS)
                layer.append(AnnotatedSpan(next_id, name, start, end, stance, role, actor))
                next_id += 1
            if rng.random() < 0.3:  # a stray span only this annotator sees
                start = rng.randint(0, max(0, text_length - 20))
                end = min(text_length, start + rng.randint(5, 20))
                stance, role = rng.choice(STANCES), rng.choice(ROLES)
                layer.append(AnnotatedSpan(next_id, name, start, end, stance, role))
                next_id += 1
        result.append(AnnotatedDocument(document_id, text_length, names, tuple(layer)))
    return result


def timed(function, *args):
    """Return the function's result and its wall-clock seconds."""
    started = time.perf_counter()
    result = function(*args)
    return result, time.perf_counter() - started


def main() -> None:
    """Generate the layers, time the debate agreement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--spans", type=int, default=10, help="true arguments per document")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="report the best of this many")
    options = parser.parse_args()

    documents = generate(options.documents, options.annotators, options.spans, options.seed)
    total_spans = sum(len(document.spans) for document in documents)
    print(f"python {platform.python_version()} on {_processor()}, {os.cpu_count()} CPUs")
    print(
        f"{len(documents)} documents x {options.annotators} annotators, "
        f"{total_spans} spans ({total_spans / len(documents) / options.annotators:.1f} "
        "per annotator per document)"
    )

    runs = [timed(debate_agreement, documents) for _ in range(options.repeat)]
    report = runs[0][0]
    print(
        f"debate_agreement: best {min(s for _, s in runs):.2f} s, "
        f"runs {', '.join(f'{s:.2f}' for _, s in runs)} s"
    )

    _, seconds = timed(lambda: [align_spans(d.spans, d.annotators) for d in documents])
    print(f"  of which one N-way alignment of every document: {seconds:.2f} s")
    table = _stance_table(documents)
    alpha, seconds = timed(krippendorff_alpha_nominal, table)
    print(
        f"  krippendorff_alpha_nominal on a {len(table)} x {len(table[0])} table: {seconds:.2f} s"
    )
    if alpha != report.stance_alpha:  # the table is the report's own input
        raise SystemExit(f"alpha from the table {alpha} != report {report.stance_alpha}")

    figures = {
        "alpha stance": report.stance_alpha,
        "role": report.role_alpha,
        "actor": report.actor_alpha,
        "boundaries": report.boundary_alpha,
        "F1 exact": report.exact.f1,
        "overlap": report.overlap.f1,
    }
    print(
        f"units {report.units} (all agree {report.units_agreed}); "
        + ", ".join(
            f"{name} {'undefined' if value is None else f'{value:.3f}'}"
            for name, value in figures.items()
        )
    )


def _stance_table(documents: list[AnnotatedDocument]) -> list[list[object]]:
    # Coders x units, as a caller outside the report would hand it over.
    names = documents[0].annotators
    rows: list[list[object]] = [[] for _ in names]
    for document in documents:
        for unit in align_spans(document.spans, document.annotators).units:
            for row, name in zip(rows, names, strict=True):
                span = unit.span_of(name)
                row.append(NOT_MARKED if span is None else span.stance)
    return rows


def _processor() -> str:
    # platform.processor() is empty on many Linux systems; the kernel knows the model.
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    main()
