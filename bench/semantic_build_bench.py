"""Time a semantic map build with a cold and a warm embedding cache, and its peak memory.

    .venv/bin/python bench/semantic_build_bench.py --spans 100000 --method combined

The data are bench/map_build_bench.py's. "Cold": every text is encoded (an empty cache);
"warm": every vector comes from the lookup, as from the ``ClaimEmbedding`` table after an
earlier build (here a dict; the database read is timed by the served benchmark). Each build
runs in a fresh process, so the peak resident memory is its own. Results: docs/BENCHMARKS.md.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def run(options: argparse.Namespace) -> dict:
    from bench.map_build_bench import generate
    from maps.builder import EmbeddingTable, WordLlamaEncoder, build_map, merge_similarity

    data, _ = generate(
        spans=options.spans,
        documents=options.spans // 10,
        arguments=max(100, min(3_000, options.spans // 33)),
        actors=300,
        seed=1,
    )
    stored: dict[str, bytes] = {}
    if options.warm:
        table = EmbeddingTable(WordLlamaEncoder())
        table.vectors(sorted({span.quote for span in data.spans}))
        stored = dict(table.new)
    WordLlamaEncoder().encode(["warm the model up"])  # loading is once per worker process
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = EmbeddingTable(WordLlamaEncoder(), lambda keys: {k: stored[k] for k in keys})
    if not options.warm:
        table = EmbeddingTable(WordLlamaEncoder())
    started, cpu = time.perf_counter(), time.process_time()
    built = build_map(data, similarity=merge_similarity(options.method, table))
    return {
        "spans": options.spans,
        "method": options.method,
        "cache": "warm" if options.warm else "cold",
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "encoded": table.encoded,
        "arguments": len(built.arguments),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_build_mb": round(rss_before),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--method", default="combined")
    parser.add_argument("--warm", action="store_true", help="(one run, in this process)")
    options = parser.parse_args()
    if options.warm or os.environ.get("SEMANTIC_BENCH_CHILD"):
        print(json.dumps(run(options)))
        return
    for warm in (False, True):
        command = [sys.executable, __file__, "--spans", str(options.spans)]
        command += ["--method", options.method] + (["--warm"] if warm else [])
        env = {**os.environ, "SEMANTIC_BENCH_CHILD": "1"}
        print(subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main()
