"""span_create (wrk beside the bare endpoint and the database floor) and span_read."""

from __future__ import annotations

import json
from typing import Any

import psycopg
import requests

from bench.served.common import BASE, WORK, BenchError, database_url, say
from bench.served.load import run_wrk
from bench.served.results import figure, save_result

PACE_MS = 1000  # about a span a second per annotator: brisk for a person


def bench_span_create(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    scenario = manifest["spans"]
    clients_file = WORK / "clients.tsv"
    with clients_file.open("w", encoding="utf-8") as out:
        for client in scenario["clients"]:
            payloads = [json.dumps(p, ensure_ascii=True)[:-1] for p in client["payloads"]]
            out.write("\t".join([client["token"], str(client["document"]), *payloads]) + "\n")
    before = count_spans(scenario["debate"])
    seconds = sizes["wrk_seconds"]
    runs: dict[str, dict[str, Any]] = {}
    expected_created = 0
    in_flight = 0  # requests wrk stops waiting for at the end of a run (sent, maybe stored)
    for connections in (8, 32):
        for mode in ("bare", "floor", "spans"):
            warm = run_wrk(clients_file, mode, connections, 2)  # fill caches and connections
            result = run_wrk(clients_file, mode, connections, seconds)
            if mode != "bare":  # the floor writes spans too
                expected_created += warm["ok"] + result["ok"]
                in_flight += 2 * connections
            runs[f"{mode}@{connections}"] = result
            say(
                f"  {mode:5} c={connections:2}: {result['rps']:7.1f} req/s, p50 "
                f"{result['p50_us'] / 1000:.1f} ms, p95 {result['p95_us'] / 1000:.1f} ms, "
                f"{result['bad_status']} non-2xx, "
                f"{result['connect_errors'] + result['read_errors'] + result['timeouts']} errors;"
                f" server CPU {result['web_cpu_ms']:.1f} + {result['db_cpu_ms']:.1f} ms a request"
            )
    # The same 32 annotators at a human pace, each saving a span once a second: the latency a
    # person feels when the server is not saturated.
    paced = run_wrk(clients_file, "spans", 32, seconds, pace_ms=PACE_MS)
    expected_created += paced["ok"]
    in_flight += 32
    runs["spans@32, one a second each"] = paced
    say(
        f"  paced c=32: {paced['rps']:7.1f} req/s, p50 {paced['p50_us'] / 1000:.1f} ms, "
        f"p95 {paced['p95_us'] / 1000:.1f} ms, {paced['bad_status']} non-2xx"
    )
    created = count_spans(scenario["debate"]) - before
    figures = []
    for connections in (8, 32):
        spans, bare = runs[f"spans@{connections}"], runs[f"bare@{connections}"]
        figures += [
            figure(
                f"span creation, {connections} clients: throughput", spans["rps"], "req/s", None
            ),
            figure(f"bare endpoint, {connections} clients: throughput", bare["rps"], "req/s", None),
            figure(
                f"span creation, {connections} clients: share of the bare endpoint",
                100 * spans["rps"] / bare["rps"],
                "%",
                50,
                higher_is_better=True,
            ),
            figure(
                f"span creation, {connections} clients: p50", spans["p50_us"] / 1000, "ms", None
            ),
            figure(f"span creation, {connections} clients: p95", spans["p95_us"] / 1000, "ms", 30),
            figure(f"bare endpoint, {connections} clients: p95", bare["p95_us"] / 1000, "ms", None),
        ]
        floor = runs[f"floor@{connections}"]
        figures.append(
            figure(
                f"database floor (a creation's database work, no DRF), {connections} clients: "
                "share of the bare endpoint",
                100 * floor["rps"] / bare["rps"],
                "%",
                None,
            )
        )
    spans8, bare8, floor8 = runs["spans@8"], runs["bare@8"], runs["floor@8"]
    figures += [
        figure(
            "server CPU per span creation (gunicorn worker + PostgreSQL)",
            spans8["web_cpu_ms"] + spans8["db_cpu_ms"],
            "ms",
            None,
        ),
        figure(
            "server CPU per database-floor request (gunicorn worker + PostgreSQL)",
            floor8["web_cpu_ms"] + floor8["db_cpu_ms"],
            "ms",
            None,
        ),
        figure(
            "server CPU per bare request (gunicorn worker + PostgreSQL)",
            bare8["web_cpu_ms"] + bare8["db_cpu_ms"],
            "ms",
            None,
        ),
    ]
    figures.append(
        figure(
            "span creation, 32 annotators saving once a second each: p95",
            paced["p95_us"] / 1000,
            "ms",
            30,
        )
    )
    failures = sum(
        r["bad_status"] + r["connect_errors"] + r["read_errors"] + r["timeouts"]
        for r in runs.values()
    )
    save_result(
        "span_create",
        scale,
        figures,
        {
            "load_generator": "wrk 4.1 (Debian), 2 threads, bench/wrk_requests.lua",
            "seconds_per_run": seconds,
            "clients": len(scenario["clients"]),
            "runs": runs,
            "spans_created": created,
            "spans_acknowledged": expected_created,
            "failed_requests": failures,
        },
    )
    # Every 201 is a stored span; a few more may be stored from requests still in flight
    # when wrk stopped counting.
    if not expected_created <= created <= expected_created + in_flight:
        raise BenchError(f"{expected_created} spans acknowledged but {created} stored")


def count_spans(slug: str) -> int:
    with psycopg.connect(database_url()) as conn:
        return conn.execute(
            "SELECT count(*) FROM annotations_span s JOIN debate_document d "
            "ON d.id = s.document_id JOIN debate_debate b ON b.id = d.debate_id "
            "WHERE b.slug = %s",
            [slug],
        ).fetchone()[0]


def bench_span_read(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    page = manifest["page"]
    answer = requests.get(
        f"{BASE}/api/v1/documents/{page['document']}/spans/?page_size=5000",
        headers={"Authorization": f"Token {page['token']}"},
        timeout=30,
    )
    answer.raise_for_status()
    body = answer.json()
    if len(body["results"]) != page["spans"] or body["next"]:
        raise BenchError(f"expected {page['spans']} spans in one page, got {len(body['results'])}")
    clients_file = WORK / "reader.tsv"
    clients_file.write_text(f"{page['token']}\t{page['document']}\t{{}}\n", encoding="utf-8")
    run_wrk(clients_file, "get", 1, 2, threads=1)
    result = run_wrk(clients_file, "get", 1, sizes["get_seconds"], threads=1)
    save_result(
        "span_read",
        scale,
        [
            figure("GET 2,000 spans: p50", result["p50_us"] / 1000, "ms", None),
            figure("GET 2,000 spans: p95", result["p95_us"] / 1000, "ms", 50),
            figure(
                "server CPU per GET of 2,000 spans (gunicorn worker + PostgreSQL)",
                result["web_cpu_ms"] + result["db_cpu_ms"],
                "ms",
                None,
            ),
        ],
        {
            "request": "GET /api/v1/documents/<id>/spans/?page_size=5000 (the annotator's layer)",
            "load_generator": "wrk, 1 connection: one request after another",
            "response_bytes": len(answer.content),
            "run": result,
        },
    )
