"""bench/served/peer.py: the peer client's run as a result, and its table in the report."""

import json

import pytest

from bench import report
from bench.served import peer, results
from bench.served.common import BenchError


def phase(**figures) -> dict:
    return {"errors": 0, "timed_out": False, "error_samples": [], **figures}


def client_run() -> dict:
    return {
        "params": {"docs": 200, "spans_per_doc": 20, "threads": 8},
        "phases": {
            "b_import": {"docs_per_s": 2000.0, "api": "POST import"},
            "c1_spans_sequential": phase(
                ok=2000, throughput_per_s=126.0, p50_ms=6.4, p95_ms=14.0, server_cpu_s=8.8
            ),
            "c2_spans_concurrent": phase(
                ok=2000, throughput_per_s=297.0, p50_ms=23.7, p95_ms=52.0, server_cpu_s=6.7
            ),
            "d_fetch_doc": {
                "p50_ms": 6.5,
                "p95_ms": 9.1,
                "requests_per_fetch": 1,
                "api": "GET include",
            },
            "e_export": {"wall_s": 0.19, "exported_spans": 4000, "expected_spans": 4000},
        },
    }


def floors() -> dict:
    run = phase(ok=2000, throughput_per_s=266.0, p50_ms=3.0, p95_ms=7.6, server_cpu_s=2.4)
    saves = {
        f"{name} {kind}": {**run, "database_cpu_s": 0.0 if name == "bare" else 2.0}
        for name in ("bare", "floor")
        for kind in ("sequential", "threads")
    }
    return {
        **saves,
        "fetch floor": {"n": 50, "p50_ms": 4.2, "p95_ms": 5.5},
        "import floor": {"docs": 200, "docs_per_s": 9100.0},
    }


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    peer.save_peer_result(client_run(), "small", database_cpu_seconds=4.0, floors=floors())
    return json.loads((tmp_path / "peer.json").read_text())


def test_the_figures_carry_the_targets_of_the_issue(saved):
    figures = {item["name"]: item for item in saved["figures"]}
    sequential = figures["peer: span saves, sequential (fresh connections)"]
    threads = figures["peer: span saves, 8 threads (fresh connections)"]
    fetch = figures["peer: fetch a document with its spans: p50"]
    assert (sequential["value"], sequential["target"], sequential["pass"]) == (126.0, 280, False)
    assert (threads["value"], threads["target"], threads["pass"]) == (297.0, 400, False)
    assert (fetch["value"], fetch["target"], fetch["pass"]) == (6.5, 5, False)
    imported = figures["peer: documents imported"]
    assert (imported["value"], imported["target"], imported["pass"]) == (2000.0, 10_000, False)
    assert figures["peer: fetch floor (the reads and the JSON, no DRF): p50"]["value"] == 4.2
    assert figures["peer: import floor (COPY as sent, no normalisation)"]["value"] == 9100.0
    assert figures["peer: gunicorn CPU per span saved, sequential"]["value"] == 4.4
    assert figures["peer: bare endpoint, 8 threads (fresh connections)"]["value"] == 266.0
    assert saved["details"]["recorded"] == peer.RECORDED


def test_the_report_puts_the_run_beside_the_recorded_peers(saved):
    lines = report._details("peer", saved)
    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == (
        "| task | Debatemap now | Debatemap at efcae63 | doccano 1.8.4 | Label Studio 1.23.2 |"
    )
    assert "| span saves, sequential | 126/s, p50 6.4 ms | 113-127/s, p50 7-8 ms |" in table[2]
    assert "| fetch a document with its 20 spans | p50 6.5 ms (1 request) |" in table[5]
    assert "| bare 8 threads | 266 | 3 ms | 7.6 ms | 1.20 + 0.00 ms |" in table
    assert "| floor sequential | 266 | 3 ms | 7.6 ms | 1.20 + 1.00 ms |" in table
    assert "| fetch a document with its spans: p50 (p95) | 6.5 ms (9.1 ms) | 4.2 ms (5.5 ms) |" in (
        table
    )
    assert "| import 200 documents | 2,000 docs/s | 9,100 docs/s |" in table


def test_a_failed_save_or_a_missing_span_fails_the_benchmark(tmp_path, monkeypatch):
    monkeypatch.setattr(results, "RESULTS", tmp_path)
    run = client_run()
    run["phases"]["e_export"]["exported_spans"] = 3999
    with pytest.raises(BenchError, match="3999 spans of 4000"):
        peer.save_peer_result(run, "small", database_cpu_seconds=0.0, floors=floors())
    run = client_run()
    run["phases"]["c2_spans_concurrent"].update(errors=1, error_samples=["500"])
    with pytest.raises(BenchError, match="8 threads"):
        peer.save_peer_result(run, "small", database_cpu_seconds=0.0, floors=floors())
