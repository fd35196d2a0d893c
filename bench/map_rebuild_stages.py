"""Where a map rebuild's time goes, stage by stage, in process, on the benchmark's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench database> \\
        .venv/bin/python bench/map_rebuild_stages.py var/<bench database>/scenarios.json [method]

On the data of ``bench/run_bench.py``'s map scenario (its manifest names the debate and the
document whose review the served benchmark finishes): a first build with that document not
adjudicated, then the rebuild with it adjudicated, both through ``map_build_run`` with one
``BuildCache``, as a worker runs them; with ``BENCH_REBUILDS=n``, n rebuilds, the document
adjudicated and not in turn (no recent groups kept, so each clusters its group anew, as a
first rebuild does), and the least and median CPU of them. Each stage's CPU time
(``time.process_time``: the wall time of a shared machine moves with its load) is summed over
its calls; the builder's stages are its own functions, and "pairs" is the similarity's pair
search of the changed group.
``method`` sets the debate's merge method for the run and puts the old one back after.
Leaves the debate's builds and versions deleted (the served benchmark resets them anyway).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from debate.models import Debate, Document, DocumentStatus  # noqa: E402
from maps import gold, services  # noqa: E402
from maps.builder import build as builder  # noqa: E402
from maps.builder import merge, semantic, similarity  # noqa: E402
from maps.builder.cache import BuildCache  # noqa: E402
from maps.models import MapBuild, MapVersion  # noqa: E402

SPENT: dict[str, float] = {}
# Rebuilds after the first build (BENCH_REBUILDS): the host's noise moves one by a fifth.
REPEAT = int(os.environ.get("BENCH_REBUILDS", "1"))
STAGES = [
    (gold, "gold_map_input", "gold read"),
    (services, "input_hash", "input hash"),
    (services, "build_map", "build"),
    (builder, "read_spans", "  spans"),
    (builder, "merge_groups", "  merging"),
    (merge, "merge_group", "    changed groups"),
    (similarity.LexicalSimilarity, "similar_pair_arrays", "      pairs (lexical)"),
    (semantic.SemanticSimilarity, "similar_pair_arrays", "      pairs (semantic)"),
    (builder, "_argument_nodes", "  nodes"),
    (builder, "relation_edges", "  relation edges"),
    (builder, "stance_edges", "  stance edges"),
    (builder, "actor_parts", "  actors"),
    (builder, "dfquad_strengths", "  DF-QuAD"),
    (services, "map_version_store", "store"),
    (services, "map_to_json_bytes", "  JSON"),
    (services, "chunked", "  chunks"),
    (services, "text_bytes_insert_missing", "  chunk write"),
]


def timed(owner: object, name: str, label: str) -> None:
    function = getattr(owner, name)

    def wrapper(*args, **kwargs):
        started = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            SPENT[label] = SPENT.get(label, 0.0) + time.process_time() - started

    setattr(owner, name, wrapper)


def run(debate: Debate, label: str, cache: BuildCache) -> float:
    MapBuild.objects.filter(debate=debate).delete()
    MapVersion.objects.filter(debate=debate).delete()
    SPENT.clear()
    build = services.map_build_request(debate=debate, reason=label)
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = services.map_build_run(build_id=build.pk, cache=cache)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"{label} ({debate.merge_method}): {wall:.2f} s wall, {cpu:.2f} s CPU, "
        f"load average {os.getloadavg()[0]:.1f}, {outcome.status}"
    )
    for _, _, stage in STAGES:
        if stage in SPENT:
            print(f"  {stage:28} {SPENT[stage]:6.3f} s CPU")
    return cpu


def main() -> None:
    scenario = json.loads(Path(sys.argv[1]).read_text())["map"]
    debate = Debate.objects.get(slug=scenario["debate"])
    before = debate.merge_method
    if len(sys.argv) > 2:
        debate.merge_method = sys.argv[2]
        debate.save(update_fields=["merge_method"])
    for owner, name, label in STAGES:
        timed(owner, name, label)
    pending = Document.objects.filter(pk=scenario["pending_document"])
    status = pending.get().status
    # Rebuilds back and forth would find the group as it was two builds ago among the recent
    # groups' clusters, as an undo does: with several, none are kept, so each is clustered anew.
    cache = BuildCache() if REPEAT == 1 else BuildCache(recent_groups=0)
    try:
        pending.update(status=DocumentStatus.READY_FOR_REVIEW)
        run(debate, "first build", cache)
        totals = []
        for turn in range(REPEAT):
            # One more document, then one fewer, and so on: each a rebuild after one change.
            more = turn % 2 == 0
            pending.update(
                status=DocumentStatus.ADJUDICATED if more else DocumentStatus.READY_FOR_REVIEW
            )
            label = "rebuild after one more document" if more else "rebuild after one fewer"
            totals.append(run(debate, label, cache))
        if REPEAT > 1:
            totals.sort()
            print(f"rebuilds: least {totals[0]:.2f} s CPU, median {totals[len(totals) // 2]:.2f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS of the process {peak:,.0f} MB")
    finally:
        pending.update(status=status)
        debate.merge_method = before
        debate.save(update_fields=["merge_method"])


if __name__ == "__main__":
    main()
