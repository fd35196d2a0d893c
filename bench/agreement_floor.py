"""The floor under a cold agreement count: reading a debate's submitted spans, and sorting them.

    DATABASE_URL=postgres://... .venv/bin/python -m bench.agreement_floor --debate <slug>

Reads every span of the debate's submitted layers out of PostgreSQL into NumPy arrays with
one binary COPY of fixed-width integer columns (labels as ``hashtext``, so every row has the
same width and the bytes are the array: no per-row Python at all), then sorts them as the
alignment must (document, start, end, annotator, id) and finds the candidate pairs (spans of
different annotators that overlap) with NumPy over the whole debate. It prints, for each
step, wall time, this process's CPU and the PostgreSQL backend's CPU. What it does is the
least any count of the figures must do; the figures themselves are not computed.
"""

import argparse
import os
import time
from pathlib import Path

import numpy as np
import psycopg

COLUMNS = ("document", "annotator", "start", "end", "stance", "role", "actor", "id")
SPANS = """
  SELECT s.document_id::int4 AS document, s.annotator_id::int4 AS annotator,
         s.start::int4 AS start, s."end"::int4 AS "end", hashtext(s.stance) AS stance,
         hashtext(s.role) AS role, COALESCE(s.actor_id, 0)::int4 AS actor, s.id::int4 AS id
  FROM annotations_span s
  JOIN annotations_assignment a
    ON a.document_id = s.document_id AND a.annotator_id = s.annotator_id
   AND a.status = 'submitted'
  JOIN debate_document d ON d.id = s.document_id
  JOIN debate_debate b ON b.id = d.debate_id
  WHERE b.slug = %s
"""
QUERY = f"COPY ({SPANS}) TO STDOUT (FORMAT binary)"
# The same rows as one bytea per column (each value as int4send writes it): one result row,
# so no call into libpq per row either. The aggregates of one query see the rows in one order.
COLUMN_QUERY = (
    "SELECT "  # noqa: S608
    + ", ".join(f"string_agg(int4send(\"{name}\"), '')" for name in COLUMNS)
    + f" FROM ({SPANS}) spans"
)
# A binary COPY row: the field count (int16), then each field's length (int32) and value.
ROW = np.dtype(
    [("fields", ">i2")]
    + [item for name in COLUMNS for item in ((f"_{name}", ">i4"), (name, ">i4"))]
)
HEADER = 19  # signature, flags, header extension length
TRAILER = 2


def backend_cpu(pid: int) -> float:
    """Return a local PostgreSQL backend's user + system CPU seconds (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Step:
    def __init__(self, name: str, pid: int) -> None:
        self.name, self.pid = name, pid

    def __enter__(self) -> "Step":
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.db = backend_cpu(self.pid)
        return self

    def __exit__(self, *exc) -> None:
        print(
            f"{self.name}: {time.perf_counter() - self.wall:.2f} s wall, "
            f"{time.process_time() - self.cpu:.2f} s CPU here, "
            f"{backend_cpu(self.pid) - self.db:.2f} s CPU in PostgreSQL"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--debate", required=True)
    options = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}")
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        pid = conn.info.backend_pid
        with Step("read (binary COPY into arrays)", pid):
            with conn.cursor() as cursor, cursor.copy(QUERY, [options.debate]) as copy:
                data = bytearray()
                for chunk in copy:
                    data += chunk
            rows = np.frombuffer(
                data, ROW, offset=HEADER, count=(len(data) - HEADER - TRAILER) // ROW.itemsize
            )
            spans = {name: rows[name].astype(np.int64) for name in COLUMNS}
        with Step("read (one bytea per column into arrays)", pid):
            with conn.cursor(binary=True) as cursor:
                cursor.execute(COLUMN_QUERY, [options.debate])
                row = cursor.fetchone()
            columns = {
                name: np.frombuffer(value, ">i4").astype(np.int64)
                for name, value in zip(COLUMNS, row, strict=True)
            }
        assert all(np.array_equal(np.sort(columns[name]), np.sort(spans[name])) for name in COLUMNS)
        documents = len(np.unique(spans["document"]))
        print(f"{len(rows):,} spans, {len(data) / 1e6:.0f} MB, {documents:,} documents")
        with Step("sort (document, start, end, annotator, id)", pid):
            # Document, start and end packed in one key (each below 2**21), so three sort keys.
            position = (spans["document"] << 42) | (spans["start"] << 21) | spans["end"]
            order = np.lexsort((spans["id"], spans["annotator"], position))
            ordered = {name: column[order] for name, column in spans.items()}
        with Step("candidate pairs (overlapping spans of different annotators)", pid):
            pairs = 0
            document, start, end, annotator = (
                ordered["document"],
                ordered["start"],
                ordered["end"],
                ordered["annotator"],
            )
            # Compare each span with the k-th next one while any k-th next still overlaps.
            for k in range(1, 64):
                left, right = slice(0, len(start) - k), slice(k, len(start))
                overlaps = (document[left] == document[right]) & (start[right] < end[left])
                if not overlaps.any():
                    break
                pairs += int((overlaps & (annotator[left] != annotator[right])).sum())
        print(f"{pairs:,} candidate pairs")


if __name__ == "__main__":
    main()
