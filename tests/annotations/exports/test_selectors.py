"""Export reads: order, who may export, and memory that stays flat however large the export."""

import gc
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from annotations.exports.selectors import (
    ExportFilters,
    export_actors,
    export_jsonl_body,
    export_provenance,
    export_spans,
)
from annotations.formats.brat import (
    brat_export,
)
from annotations.formats.jsonl import jsonl_export
from bench.management.commands.generate_bench_data import bench_data_generate
from debate.permissions import DebateAccess
from tests.annotations.export_corpus import (
    NOW,
    READER,
    add_span,
)


def test_spans_come_by_document_then_gold_first_then_text_order(corpus):
    spans = list(
        export_spans(
            access=READER,
            debate=corpus.debate,
            filters=ExportFilters(),
            actors=export_actors(debate=corpus.debate),
            with_text=False,
        )
    )
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    order = [(span.document.id, span.layer, span.quote) for span in spans]
    assert order == [
        (a, "gold", "a “master key” opens any door"),
        (a, "gold", "checking is overdue"),
        (a, "ann", "Chat hosts 🔐 say"),
        (a, "ann", "a “master key” opens any door"),
        (a, "ann", "at once.\nThe Heron"),
        (a, "ann", "x\u0301 marks\u00a0the"),
        (b, "gold", "checking shields children"),
        (b, "gold", "Owen Pell disagreed"),
        (c, "ann2", "encryption keeps everyone safe"),
    ]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 4, 9])
def test_relations_of_a_document_split_between_chunks_are_kept(corpus, chunk_size):
    # Gold spans by document: a, a | b, b | c. At three a chunk, the second chunk starts with
    # b's second span (the source of b's relation) and ends in c.
    add_span(corpus.doc_c, None, corpus.users["rev"], "encryption keeps everyone safe")
    spans = export_spans(
        access=READER,
        debate=corpus.debate,
        filters=ExportFilters(layer="gold"),
        actors=export_actors(debate=corpus.debate),
        with_text=False,
        chunk_size=chunk_size,
    )
    links = [(span.quote, [(link.type, link.target) for link in span.relations]) for span in spans]
    assert links == [
        ("a “master key” opens any door", []),
        ("checking is overdue", [("attacks", corpus.spans["gold_a"].pk)]),
        ("checking shields children", []),
        ("Owen Pell disagreed", [("attacks", corpus.spans["gold_b"].pk)]),
        ("encryption keeps everyone safe", []),
    ]


def test_export_spans_refuses_who_does_not_read_every_layer(corpus):

    spans = export_spans(
        access=DebateAccess(user_id=corpus.users["ann"].pk, role="annotator"),
        debate=corpus.debate,
        filters=ExportFilters(),
        actors=[],
        with_text=False,
    )
    with pytest.raises(PermissionDenied):
        next(spans)


def _rss_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB$", status, re.MULTILINE)[1])


def _peak_growth_while_exporting(debate, format: str) -> tuple[int, int]:
    """Return (bytes written, growth of peak RSS in bytes) over a whole export.

    The kernel's high-water mark of resident memory (VmHWM) is reset first, so the peak is
    the export's own; nothing is traced, so the export runs at full speed.
    """
    actors = export_actors(debate=debate)
    filters = ExportFilters()
    provenance = export_provenance(debate=debate, filters=filters, format=format, by="x")
    selection = {
        "access": READER,
        "debate": debate,
        "filters": filters,
        "actors": actors,
        "with_text": True,
    }
    if format == "jsonl":
        body = export_jsonl_body(access=READER, debate=debate, filters=filters, actors=actors)
        stream = jsonl_export(provenance=provenance, actors=actors, body=body)
    else:
        spans = export_spans(**selection)
        stream = brat_export(
            provenance=provenance, scheme=debate.scheme, actors=actors, spans=spans, now=NOW
        )
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _rss_kib("VmRSS")
    written = sum(len(block) for block in stream)
    return written, (_rss_kib("VmHWM") - before) * 1024


@pytest.mark.django_db(transaction=True)
def test_export_memory_stays_flat_from_50k_to_200k_spans():
    small = bench_data_generate(slug="flat-50k", spans=50_000, documents=500, annotators=2)
    large = bench_data_generate(slug="flat-200k", spans=200_000, documents=2000, annotators=2)
    small_bytes, small_growth = _peak_growth_while_exporting(small, "jsonl")
    large_bytes, large_growth = _peak_growth_while_exporting(large, "jsonl")
    assert large_bytes > 3.5 * small_bytes > 90 * 2**20  # four times the data went out...
    # ...in the same memory: a chunk of rows at a time. Holding the export would add its
    # size (over 100 MB); the allowance is a few MB of allocator noise.
    assert large_growth < small_growth + 4 * 2**20, (small_growth, large_growth)
    assert large_growth < 16 * 2**20, large_growth


@pytest.mark.django_db(transaction=True)
def test_brat_export_memory_grows_with_documents_not_spans():
    # A zip ends with a directory of its entries, so the writer keeps one small record per
    # file (about 0.5 KB); spans are held one document's layer at a time.
    small = bench_data_generate(slug="brat-50k", spans=50_000, documents=400, annotators=2)
    large = bench_data_generate(slug="brat-200k", spans=200_000, documents=400, annotators=2)
    small_bytes, small_growth = _peak_growth_while_exporting(small, "brat")
    large_bytes, large_growth = _peak_growth_while_exporting(large, "brat")
    assert large_bytes > 2 * small_bytes > 3 * 2**20  # the .ann files grow four times
    assert large_growth < small_growth + 4 * 2**20, (small_growth, large_growth)
    assert large_growth < 16 * 2**20, large_growth
