"""agreement: the debate's agreement endpoint cold, warm, and after one more submission.

The scenario's data are written straight into the tables, so the first request finds no kept
counts and counts every document (cold); from ``AGREEMENT_QUICK_FROM`` documents on it
counts them at once and a worker keeps each document's row after it, which the benchmark
waits for. The next ones sum what is kept (warm). Then the last
annotator submits the one document left open and the endpoint is asked again: the
submission counted that document again, so the request only sums.
"""

from __future__ import annotations

import statistics
import time

import psycopg
import requests

from bench.served.common import BASE, BenchError, database_url, say
from bench.served.cpu import ServerCpu
from bench.served.results import figure, save_result

# A cold count of a large debate takes minutes; the served one has gunicorn's timeout too.
COLD_TIMEOUT = 1800


def _timed(method: str, url: str, token: str) -> tuple[float, float, requests.Response]:
    started = time.perf_counter()
    with ServerCpu() as cpu:
        answer = requests.request(
            method, url, headers={"Authorization": f"Token {token}"}, timeout=COLD_TIMEOUT
        )
    seconds = time.perf_counter() - started
    if answer.status_code != 200:
        raise BenchError(f"{method} {url} answered {answer.status_code}: {answer.text[:300]}")
    return seconds, cpu.web_seconds + cpu.db_seconds, answer


def reset_agreement(scenario: dict) -> None:
    """Drop the kept counts, as on data made just now (``reopen_pending`` reopens the layer).

    So a rerun on kept data (``--reuse-data``) measures the same cold start and submission.
    """
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(
            "DELETE FROM annotations_documentagreementtally WHERE row_id IN (SELECT id FROM "
            "annotations_documentagreement WHERE debate_id = "
            "(SELECT id FROM debate_debate WHERE slug = %s))",
            [scenario["debate"]],
        )
        conn.execute(
            "DELETE FROM annotations_documentagreement "
            "WHERE debate_id = (SELECT id FROM debate_debate WHERE slug = %s)",
            [scenario["debate"]],
        )
        conn.execute(
            "DELETE FROM annotations_debateagreementtotal "
            "WHERE debate_id = (SELECT id FROM debate_debate WHERE slug = %s)",
            [scenario["debate"]],
        )


def _rows_kept(scenario: dict, documents: int, *, started: float) -> float:
    """Wait until every compared document has its kept row; return the seconds it took.

    A cold answer of a large debate is counted at once and a task keeps the rows after it
    (docs/AGREEMENT.md); the warm reads and the submission are timed once they are kept.
    """
    with psycopg.connect(database_url(), autocommit=True) as conn:
        while True:
            (rows,) = conn.execute(
                "SELECT count(*) FROM annotations_documentagreement "
                "WHERE debate_id = (SELECT id FROM debate_debate WHERE slug = %s)",
                [scenario["debate"]],
            ).fetchone()
            if rows >= documents:
                return time.perf_counter() - started
            if time.perf_counter() - started > COLD_TIMEOUT:
                raise BenchError(f"the worker kept {rows} of {documents} rows in {COLD_TIMEOUT} s")
            time.sleep(0.5)


def reopen_pending(scenario: dict) -> None:
    """Reopen the scenario's pending layer (in SQL), so it can be submitted again."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(
            "UPDATE annotations_assignment SET status = 'in_progress', submitted_at = NULL "
            "WHERE document_id = %s AND annotator_id = %s",
            [scenario["pending"]["document"], scenario["pending"]["annotator"]["id"]],
        )


def bench_agreement(manifest: dict, sizes: dict[str, int], scale: str) -> None:
    scenario = manifest["agreement"]
    reset_agreement(scenario)
    reopen_pending(scenario)
    token = scenario["researcher"]["token"]
    url = f"{BASE}/api/v1/debates/{scenario['debate']}/agreement/"
    cold, cold_cpu, answer = _timed("GET", url, token)
    say(f"  agreement cold {cold:.2f} s ({cold_cpu:.2f} s CPU)")
    first_body = answer.json()
    filled = _rows_kept(scenario, first_body["agreement"]["documents"], started=time.perf_counter())
    say(f"  every document's row kept by the worker {filled:.2f} s after the cold answer")
    warm, warm_cpu = [], []
    for _ in range(sizes["agreement_runs"]):
        seconds, cpu_seconds, answer = _timed("GET", url, token)
        warm.append(seconds)
        warm_cpu.append(cpu_seconds)
        say(f"  agreement warm {seconds:.2f} s")
    if answer.json() != first_body:
        raise BenchError("the warm agreement differs from the cold one")
    pending = scenario["pending"]
    submit_url = f"{BASE}/api/v1/documents/{pending['document']}/submit/"
    submit, submit_cpu, _answer = _timed("POST", submit_url, pending["annotator"]["token"])
    say(f"  one more submission {submit:.2f} s")
    after, after_cpu, answer = _timed("GET", url, token)
    say(f"  agreement after it {after:.2f} s")
    before, now = first_body["agreement"], answer.json()["agreement"]
    if now["documents"] != before["documents"] or now == before:
        raise BenchError("the submission should change the figures, not the documents compared")
    label = f"{scenario['documents']:,} documents x {scenario['annotators']} annotators"
    save_result(
        "agreement",
        scale,
        [
            figure(f"debate agreement cold (no kept counts), {label}", cold, "s", 10),
            figure(f"debate agreement warm, {label}: median", statistics.median(warm), "s", None),
            figure("one more submission (POST .../submit/)", submit, "s", None),
            figure(f"debate agreement after one more submission, {label}", after, "s", 1),
            figure("rows kept by the worker after the cold answer (a task)", filled, "s", None),
            figure("CPU of the cold request (gunicorn worker + PostgreSQL)", cold_cpu, "s", None),
            figure(
                "CPU of a warm request (gunicorn worker + PostgreSQL), median",
                statistics.median(warm_cpu),
                "s",
                None,
            ),
            figure("CPU of the request after the submission", after_cpu, "s", None),
            figure("CPU of the submission", submit_cpu, "s", None),
        ],
        {
            "request": "GET /api/v1/debates/<slug>/agreement/ (researcher token)",
            "cold_seconds": round(cold, 3),
            "runs_seconds": [round(s, 3) for s in warm],
            "submit_seconds": round(submit, 3),
            "after_seconds": round(after, 3),
            "spans": scenario["spans"],
            "response_bytes": len(answer.content),
        },
    )
