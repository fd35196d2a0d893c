"""Time storing and reading a large map version: core.db.text_bytes against the plain ORM.

    createdb -h 127.0.0.1 -U postgres debatemap_maps_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/debatemap_maps_bench
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/map_store_bench.py --spans 100000 --rounds 10

"store" serialises the map (``map_to_json_bytes`` for the fast path, ``map_to_json`` for the
ORM) and inserts it; "insert" inserts text serialised beforehand; "read" reads it back as UTF-8
bytes. The two paths alternate from round to round. Results: bench/notes/maps-fast-paths.md.
"""

import argparse
import os
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from bench.map_build_bench import generate  # noqa: E402
from core.db.text_bytes import text_bytes_insert, text_bytes_read  # noqa: E402
from debate.models import Debate  # noqa: E402
from debate.scheme import default_scheme  # noqa: E402
from maps.builder import ArgumentMap, build_map, map_to_json, map_to_json_bytes  # noqa: E402
from maps.models import MapVersion  # noqa: E402


def insert(path: str, fields: dict, text: bytes | str) -> int:
    with transaction.atomic():
        if path == "fast":
            return text_bytes_insert(MapVersion, values=fields, column="graph_json", text=text)
        return MapVersion.objects.create(**fields, graph_json=text).pk


def store(path: str, fields: dict, graph: ArgumentMap) -> int:
    text = map_to_json_bytes(graph) if path == "fast" else map_to_json(graph)
    return insert(path, fields, text)


def read(path: str, pk: int) -> bytes:
    if path == "fast":
        return text_bytes_read(MapVersion, pk=pk, column="graph_json")
    text = MapVersion.objects.filter(pk=pk).values_list("graph_json", flat=True)
    return text[0].encode("utf-8")


def timed(results: list, function, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    value = function(*args)
    results.append((time.perf_counter() - wall, time.process_time() - cpu))
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=10)
    options = parser.parse_args()
    data, _ = generate(
        spans=options.spans, documents=options.spans // 10, arguments=3000, actors=300, seed=1
    )
    graph = build_map(data)
    as_bytes, as_str = map_to_json_bytes(graph), map_to_json(graph)
    size = len(as_bytes) / 1e6
    print(f"{connection.display_name}: a graph of {size:.1f} MB ({options.spans} spans)")
    debate, _ = Debate.objects.get_or_create(
        slug="store-bench",
        defaults={"title": "Store bench", "proposition": "P", "scheme": default_scheme()},
    )
    MapVersion.objects.filter(debate=debate).delete()
    results: dict[str, list] = defaultdict(list)
    for number in range(options.rounds):
        for path in ("fast", "orm") if number % 2 == 0 else ("orm", "fast"):
            fields = {
                "debate_id": debate.pk,
                "input_hash": f"{path}{number}".ljust(64, "0"),
                "builder_version": graph.builder,
            }
            pk = timed(results[f"store {path}"], store, path, fields, graph)
            assert timed(results[f"read {path}"], read, path, pk) == as_bytes
            MapVersion.objects.filter(pk=pk).delete()
            text = as_bytes if path == "fast" else as_str
            pk = timed(results[f"insert {path}"], insert, path, fields, text)
            MapVersion.objects.filter(pk=pk).delete()
    for name in sorted(results):
        walls, cpus = zip(*results[name], strict=True)
        print(
            f"{name:12} wall median {statistics.median(walls):.3f} s "
            f"(min {min(walls):.3f}, max {max(walls):.3f}); "
            f"CPU median {statistics.median(cpus):.3f} s; n={len(walls)}"
        )
    print("load average", " ".join(f"{load:.2f}" for load in os.getloadavg()))


if __name__ == "__main__":
    main()
