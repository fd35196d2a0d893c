"""bench/served/semantic.py: the semantic build's figures, and how the report writes them."""

import json

from bench import report
from bench.served import results, semantic


def test_the_semantic_build_records_its_cpu_memory_and_purity(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    monkeypatch.setitem(semantic.SEMANTIC_SPANS, "small", 2_000)

    semantic.bench_semantic_build("small")

    saved = json.loads((tmp_path / "semantic_build.json").read_text())
    names = [item["name"] for item in saved["figures"]]
    assert names == [
        "map job with semantic merging (input hash, build, JSON chunks), 2,000 gold spans / "
        "200 documents: CPU",
        "of it the build (build_map)",
        "the same job: wall time, 2,000 gold spans / 200 documents",
        "peak resident memory of the job's process",
        "purity of its nodes (share of spans in their node's true argument)",
    ]
    # Below a million spans the targets (the million's) do not apply.
    assert [item["pass"] for item in saved["figures"]] == [None] * 5
    details = saved["details"]
    assert (details["spans"], details["method"], details["cache"]) == (2_000, "semantic", "cold")
    assert details["job"] is True
    assert details["encoded"] > 0 and details["arguments"] > 0 and details["json_mb"] > 0
    assert details["chunks"] >= 1
    # 2,000 spans: below MAP_BUILD_CACHE_MAX_SPANS, so with the worker's cache, as a worker.
    assert details["build_cache"] is True
    # The job's CPU is its three stages' (each rounded to hundredths), the build one of them.
    stages = ("hash_cpu_seconds", "build_cpu_seconds", "json_cpu_seconds")
    assert abs(details["cpu_seconds"] - sum(details[key] for key in stages)) <= 0.02
    assert saved["figures"][1]["value"] == details["build_cpu_seconds"] > 0
    # A build this small may not raise the peak the input and the model set.
    assert saved["figures"][3]["value"] == details["peak_rss_mb"] >= details["rss_before_build_mb"]
    lines = report._details("semantic_build", saved)
    assert lines[0].startswith(
        "`bench/semantic_build_bench.py --spans 2000 --method semantic --cold --job`"
    )
    assert f"build {details['build_cpu_seconds']:.2f} s" in lines[0]
    assert f"JSON in {details['chunks']:,} chunks" in lines[0]
    assert "with the worker's build cache" in lines[0]
    assert f"{details['arguments']:,} nodes" in lines[0]
    # A ratio is written with its decimals, not rounded to a whole number.
    assert report._value(saved["figures"][4]) == f"{details['purity']:.3f}"
