"""Create the data of the served benchmarks (``make bench``), in bulk.

    python manage.py generate_bench_scenarios --manifest var/bench/scenarios.json
    python manage.py generate_bench_scenarios --only map --map-spans 10000 --map-documents 1000

Each scenario is a debate of its own (``--replace`` makes it again):

- ``bench-spans``: annotators with API tokens, each assigned a document, and valid span
  payloads (offsets and quotes) for the load generator to send, in the manifest;
- ``bench-page``: one document with 2,000 spans and some relations in one annotator's layer;
  that annotator logs in with the password in the manifest;
- ``bench-map``: gold spans and relations over adjudicated documents, drawn by the generator
  of ``bench/map_build_bench.py`` (paraphrases of a few thousand arguments, so the builder
  merges as it would on real data), and one document waiting for review with a single unit
  left: the "one more decision" before a rebuild;
- ``bench-agreement``: documents with three annotators' submitted layers, drawn by the
  generator of ``bench/agreement_bench.py`` (missed spans, shifted boundaries, other labels);
- ``bench-peer``: an empty debate with a manager and an annotator holding tokens, which
  ``bench/peer_client.py`` fills through the API (``bench/served/peer.py``).

Rows go in with COPY on PostgreSQL (bulk_create elsewhere) and without history: the data is
for measuring, not for auditing. The manifest (JSON) names the debates, documents, users and
tokens the benchmark uses; it holds secrets of this benchmark database only.
"""

import json
import random
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench.scenarios.agreement import scenario_agreement
from bench.scenarios.common import SCENARIOS, SLUGS, remove_scenario
from bench.scenarios.maps import scenario_map
from bench.scenarios.page import scenario_page
from bench.scenarios.peer import scenario_peer
from bench.scenarios.spans import scenario_spans
from core.db import is_postgresql
from debate.models import Debate


class Command(BaseCommand):
    help = (
        "Create the served benchmarks' data (span creation, a 2,000-span document, a map of "
        "gold spans, agreement layers) and write a manifest of what the benchmark uses."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only", action="append", choices=SCENARIOS, help="a scenario (repeatable)"
        )
        parser.add_argument("--span-clients", type=int, default=64)
        parser.add_argument("--span-payloads", type=int, default=400, help="per client")
        parser.add_argument("--page-spans", type=int, default=2_000)
        parser.add_argument("--page-relations", type=int, default=400)
        parser.add_argument("--map-spans", type=int, default=100_000)
        parser.add_argument("--map-documents", type=int, default=10_000)
        parser.add_argument(
            "--map-text",
            choices=("syllables", "english"),
            default="syllables",
            help="made-up words merged lexically, or English claims merged semantically",
        )
        parser.add_argument("--agreement-documents", type=int, default=10_000)
        parser.add_argument("--agreement-annotators", type=int, default=3)
        parser.add_argument("--seed", type=int, default=8)
        parser.add_argument("--manifest", type=Path, help="write the manifest (JSON) here")
        parser.add_argument(
            "--replace", action="store_true", help="delete a scenario's debate first if it exists"
        )

    def handle(self, *args, **options) -> None:
        chosen = options["only"] or list(SCENARIOS)
        if options["agreement_annotators"] < 2 or options["map_documents"] < 1:
            raise CommandError("Give at least 2 annotators and 1 map document.")
        for name in chosen:
            if Debate.objects.filter(slug=SLUGS[name]).exists():
                if not options["replace"]:
                    raise CommandError(f"{SLUGS[name]} exists; add --replace to make it again.")
                remove_scenario(SLUGS[name])
        makers = {
            "spans": lambda rng: scenario_spans(
                clients=options["span_clients"], payloads=options["span_payloads"], rng=rng
            ),
            "page": lambda rng: scenario_page(
                spans=options["page_spans"], relations=options["page_relations"], rng=rng
            ),
            "map": lambda rng: scenario_map(
                spans=options["map_spans"],
                documents=options["map_documents"],
                rng=rng,
                text=options["map_text"],
            ),
            "agreement": lambda rng: scenario_agreement(
                documents=options["agreement_documents"],
                annotators=options["agreement_annotators"],
                rng=rng,
            ),
            "peer": lambda rng: scenario_peer(),
        }
        manifest: dict[str, Any] = {}
        for name in chosen:
            began = time.perf_counter()
            # One seed per scenario, so each comes out the same whether made alone or not.
            rng = random.Random(f"{options['seed']}-{name}")
            with transaction.atomic():
                manifest[name] = makers[name](rng)
            manifest[name]["seconds"] = round(time.perf_counter() - began, 1)
            self.stdout.write(f"{SLUGS[name]}: made in {manifest[name]['seconds']} s")
        if is_postgresql(connection):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics, as a live database would have
        if options["manifest"]:
            options["manifest"].parent.mkdir(parents=True, exist_ok=True)
            options["manifest"].write_text(json.dumps(manifest, indent=1), encoding="utf-8")
            self.stdout.write(f"Manifest: {options['manifest']}")
        self.stdout.write(self.style.SUCCESS(f"Created {', '.join(chosen)}."))
