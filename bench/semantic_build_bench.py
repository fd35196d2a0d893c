"""Time a map build by merge method, with a cold and a warm embedding cache, and its peak memory.

    .venv/bin/python bench/semantic_build_bench.py --spans 100000 --method combined
    .venv/bin/python bench/semantic_build_bench.py --spans 100000 --method lexical --text syllables

``--text english`` (the default) is bench/claims_text.py's English claims about the encryption
debate; ``--text syllables`` is bench/map_build_bench.py's made-up words. "Cold": every text is
encoded (an empty cache); "warm": every vector comes from the lookup, as from the
``ClaimEmbedding`` table after an earlier build (here a dict; the database read is timed by the
served benchmark). ``--job`` runs what the map worker's job runs besides reading and writing
the database, with a worker's ``BuildCache`` where the worker would have one
(``maps.services.build_cache_for``): the input hash, the build, the embedding table
released each time a group is merged (as after storing its new vectors), the map's JSON cut
into a version's chunks (``maps.services.map_chunks``: written and cut as it goes without a
cache), with the collector paused throughout and what is left frozen
(``core.memory.collector_paused_then_frozen``); without it, ``build_map`` alone, whose return
re-enables the collector, whose first pass then walks the whole map. Each build runs in a
fresh process, so the peak resident memory is its own; ``--profile`` prints where the build's
time goes, ``--memory`` its allocations by file (tracemalloc, several times slower).
Results: docs/BENCHMARKS.md.
"""

import argparse
import cProfile
import json
import os
import pstats
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def _data(options: argparse.Namespace):
    from bench.claims_text import generate_claims
    from bench.map_build_bench import generate

    make = generate_claims if options.text == "english" else generate
    return make(
        spans=options.spans,
        documents=options.spans // 10,
        arguments=max(100, min(3_000, options.spans // 33)),
        actors=300,
        seed=options.seed,
    )


class _Truth:
    """Each span's true argument (span ids are 1 to n), read as the generator's dict is."""

    def __init__(self, truth: dict[str, int]) -> None:
        import numpy as np

        self._arguments = np.full(max(map(int, truth), default=0) + 1, -1, dtype=np.int32)
        for span_id, argument in truth.items():
            self._arguments[int(span_id)] = argument

    def __getitem__(self, span_id: str) -> int:
        return int(self._arguments[int(span_id)])

    def values(self) -> list[int]:
        return [int(a) for a in self._arguments if a >= 0]


def run(options: argparse.Namespace) -> dict:
    from bench.map_build_bench import merge_quality
    from core.memory import collector_paused_then_frozen
    from maps.builder import (
        BuildCache,
        EmbeddingTable,
        WordLlamaEncoder,
        build_map,
        input_hash,
        merge_similarity,
    )

    data, truth = _data(options)
    # The benchmark's answer key, not the job's: held as an array, so it weighs next to nothing
    # in the peak measured (a dict holds an object for every span id).
    truth = _Truth(truth)
    stored: dict[str, bytes] = {}
    if options.warm and options.method != "lexical":
        table = EmbeddingTable(WordLlamaEncoder())
        table.vectors(sorted({span.quote for span in data.spans}))
        stored = dict(table.new)
        del table
    WordLlamaEncoder().encode(["warm the model up"])  # loading is once per worker process
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if options.warm:
        table = EmbeddingTable(WordLlamaEncoder(), lambda keys: {k: stored[k] for k in keys})
    else:
        table = EmbeddingTable(WordLlamaEncoder())
    similarity = merge_similarity(options.method, table)
    profile = cProfile.Profile() if options.profile else None
    if options.memory:
        tracemalloc.start()
    cache = None
    if options.job:
        import django

        django.setup()
        from maps.services import build_cache_for, map_chunks

        cache = build_cache_for(spans=len(data.spans), cache=BuildCache())
    stages: dict[str, float] = {}
    started, cpu = time.perf_counter(), time.process_time()
    if profile:
        profile.enable()
    if options.job:
        # As the map worker's job, with the worker's build cache where it would keep one: the
        # collector off throughout and what it leaves frozen, the input hash first (to find an
        # existing version), the build, the new vectors stored and released, then the map's
        # JSON cut into the chunks a version stores.
        lap = cpu

        def spent(stage: str) -> None:
            nonlocal lap
            now = time.process_time()
            stages[f"{stage}_cpu_seconds"], lap = now - lap, now

        with collector_paused_then_frozen():
            digest = input_hash(data, similarity=similarity, cache=cache)
            spent("hash")
            # The table released each time a group is merged, as the job does (once it has
            # stored the vectors the build encoded for it).
            built = build_map(
                data,
                similarity=similarity,
                known_input_hash=digest,
                cache=cache,
                after_group=table.release,
            )
            spent("build")
            encoded = table.encoded
            # The chunks as the job writes them, dropped here instead of written.
            sizes = [len(chunk) for _, chunk in map_chunks(built, cache=cache)]
            spent("json")
            stages["json_mb"] = sum(sizes) / 2**20
            stages["chunks"] = len(sizes)
    else:
        built = build_map(data, similarity=similarity)
        encoded = table.encoded
    if profile:
        profile.disable()
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    if options.memory:
        snapshot = tracemalloc.take_snapshot()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"tracemalloc peak {peak / 2**20:,.0f} MB; held at the end, by file:")
        for stat in snapshot.statistics("filename")[:12]:
            print(f"  {stat.size / 2**20:8.1f} MB  {stat.traceback[0].filename}")
    if profile:
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
    purity, split = merge_quality(built, truth)
    return {
        "text": options.text,
        "spans": options.spans,
        "method": options.method,
        "cache": "warm" if options.warm else "cold",
        "job": options.job,
        "build_cache": cache is not None,
        **{name: round(value, 2) for name, value in stages.items()},
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "encoded": encoded,
        "arguments": len(built.arguments),
        "true_arguments": len(set(truth.values())),
        "purity": round(purity, 3),
        "nodes_per_argument": round(split, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_build_mb": round(rss_before),
        "load_average": open("/proc/loadavg").read().split()[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--method", default="combined")
    parser.add_argument("--text", choices=("english", "syllables"), default="english")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--warm", action="store_true", help="(one run, in this process)")
    parser.add_argument("--cold", action="store_true", help="(one run, in this process)")
    parser.add_argument(
        "--job",
        action="store_true",
        help="run what the map worker's job runs, with a worker's build cache: input hash, "
        "build, the map's JSON cut into chunks, with the collector paused and what is left "
        "frozen (without: build_map alone)",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the build")
    parser.add_argument("--memory", action="store_true", help="tracemalloc the build")
    options = parser.parse_args()
    if options.warm or options.cold:
        print(json.dumps(run(options)), flush=True)
        return
    caches = ("--cold",) if options.method == "lexical" else ("--cold", "--warm")
    for cache in caches:
        command = [sys.executable, __file__, *sys.argv[1:], cache]
        result = subprocess.run(command, check=True, capture_output=True, text=True)
        print(result.stdout, end="", flush=True)
        sys.stderr.write(result.stderr)


if __name__ == "__main__":
    main()
