"""JSON Lines: the exact lines of the export, and imports of them (round trips, bad lines)."""

import json

from annotations.exports.selectors import (
    ExportFilters,
    iso_time,
)
from annotations.imports.services import AS_EXPORTED
from annotations.models import Span, SpanEvent
from debate.models import Actor, Document
from tests.annotations.export_corpus import (
    TEXT_A,
    export,
    export_bytes,
    find,
    jsonl_import,
    span_content,
)


def test_jsonl_starts_with_provenance_then_actors_then_documents_with_their_spans(corpus):
    lines = [json.loads(line) for line in export(corpus, "jsonl").decode().splitlines()]
    provenance = lines[0]
    assert provenance["type"] == "provenance"
    assert provenance["software"] == {"name": "Debatemap", "version": "0.1.0"}
    assert provenance["debate"]["slug"] == "encryption"
    assert provenance["filters"] == {
        "layer": "all",
        "documents": [],
        "published_after": None,
        "published_before": None,
        "updated_since": None,
    }
    assert provenance["exported_at"] == "2025-01-02T03:04:05+00:00"
    assert provenance["exported_by"] == "res"
    assert [line["type"] for line in lines[1:3]] == ["actor", "actor"]
    assert [line["name"] for line in lines[1:3]] == ["Mara Quill", "the tech firms"]
    kinds = [(line["type"], line.get("document", line.get("id"))) for line in lines[3:]]
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    assert kinds == [
        ("document", a), *[("span", a)] * 6,
        ("document", b), *[("span", b)] * 2,
        ("document", c), ("span", c),
    ]  # fmt: skip
    document = lines[3]
    assert document["text"] == TEXT_A
    assert document["sha256"] == corpus.doc_a.sha256


def test_jsonl_span_line_holds_every_field(corpus):
    lines = [json.loads(line) for line in export(corpus, "jsonl").decode().splitlines()]
    spans = {line["id"]: line for line in lines if line["type"] == "span"}
    firms, backdoor = corpus.spans["a_firms"], corpus.spans["a_backdoor"]
    start, end = find(TEXT_A, "a “master key” opens any door")
    line = spans[backdoor.pk]
    relation = corpus.relations[0]
    assert line == {
        "type": "span",
        "id": backdoor.pk,
        "document": corpus.doc_a.pk,
        "document_sha256": corpus.doc_a.sha256,
        "layer": "ann",
        "annotator": "ann",
        "start": start,
        "end": end,
        "quote": "a “master key” opens any door",
        "stance": "contra",
        "role": "premise",
        "actor": None,
        "note": "",
        "relations": [{"id": relation.pk, "type": "supports", "target": firms.pk}],
        "version": 1,
        "created_by": "ann",
        "created_at": iso_time(backdoor.created_at),
        "updated_at": iso_time(backdoor.updated_at),
    }
    # Offsets are code points: the emoji before the quote counts once.
    assert (start, end) == (17, 46)
    assert spans[firms.pk]["actor"] == {"id": corpus.firms.pk, "name": "the tech firms"}
    gold = spans[corpus.spans["gold_a"].pk]
    assert (gold["layer"], gold["annotator"], gold["created_by"]) == ("gold", None, "rev")


def test_jsonl_round_trip_into_an_empty_debate_gives_identical_spans(corpus, empty_debate):
    exported = export_bytes(corpus.debate, "jsonl")
    report = jsonl_import(empty_debate, exported, AS_EXPORTED, corpus.users["man"])
    assert report.as_dict()["rejected"] == 0, report.as_dict()
    assert (report.count("imported"), report.as_dict()["spans"]) == (4, 9)
    assert report.as_dict()["relations"] == 4
    assert span_content(empty_debate) == span_content(corpus.debate)
    # Documents and actors came along with everything that describes them.
    copy_b = Document.objects.get(debate=empty_debate, sha256=corpus.doc_b.sha256)
    assert (copy_b.title, copy_b.published) == ("Quill", corpus.doc_b.published)
    firms = Actor.objects.get(debate=empty_debate, name="the tech firms")
    assert firms.kind == "collective"
    # And the second export says the same as the first, ids and times aside.
    assert _comparable(export_bytes(empty_debate, "jsonl")) == _comparable(exported)


def _comparable(data: bytes) -> list:
    """Return an export's lines without what may differ between debates: ids and times."""
    lines = [json.loads(line) for line in data.splitlines()]
    spans = {line["id"]: line for line in lines if line["type"] == "span"}

    def content(line: dict) -> tuple:
        return (line["document_sha256"], line["layer"], line["start"], line["end"], line["role"])

    result = []
    for line in lines:
        if line["type"] == "span":
            result.append(
                (
                    *content(line),
                    line["quote"],
                    line["stance"],
                    line["actor"] and line["actor"]["name"],
                    line["note"],
                    sorted((r["type"], content(spans[r["target"]])) for r in line["relations"]),
                )
            )
        elif line["type"] == "document":
            result.append(("document", line["sha256"], line["title"], line["text"]))
        elif line["type"] == "actor":
            result.append(("actor", line["name"], line["kind"]))
    return sorted(result, key=repr)


def test_jsonl_import_into_another_layer_copies_the_layer(corpus):
    exported = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold"))
    report = jsonl_import(corpus.debate, exported, "ann2", corpus.users["man"])
    assert (report.count("imported"), report.count("rejected")) == (2, 0)
    assert span_content(corpus.debate, "ann2") == sorted(
        span_content(corpus.debate, "gold")
        + [row for row in span_content(corpus.debate, "ann2") if row[0] == corpus.doc_c.sha256]
    )
    # Every imported span has its history, written by whoever imported it.
    copied = Span.objects.filter(annotator=corpus.users["ann2"], document=corpus.doc_a)
    events = SpanEvent.objects.filter(span_pk__in=copied.values("pk"))
    assert events.count() == 2
    assert {(event.action, event.by.username, event.reason) for event in events} == {
        ("created", "man", "imported from test")
    }


def test_jsonl_import_twice_adds_nothing_the_second_time(corpus, empty_debate):
    exported = export_bytes(corpus.debate, "jsonl")
    jsonl_import(empty_debate, exported, AS_EXPORTED, corpus.users["man"])
    before = span_content(empty_debate)
    report = jsonl_import(empty_debate, exported, AS_EXPORTED, corpus.users["man"])
    assert (report.count("imported"), report.count("skipped")) == (0, 4)
    assert "already holds" in str(report.documents[0].problems[0])
    assert span_content(empty_debate) == before


def test_jsonl_of_several_layers_into_one_layer_needs_source_layer(corpus, empty_debate):
    exported = export_bytes(corpus.debate, "jsonl")
    report = jsonl_import(empty_debate, exported, "gold", corpus.users["man"])
    rejected = [outcome for outcome in report.documents if outcome.status == "rejected"]
    assert rejected
    assert "more than one layer (ann, gold)" in str(rejected[0].problems[0])
    chosen = jsonl_import(empty_debate, exported, "ann", corpus.users["man"], source_layer="ann")
    assert chosen.count("imported") == 1
    assert span_content(empty_debate, "ann") == span_content(corpus.debate, "ann")


def test_jsonl_bad_lines_reject_their_document_with_file_and_line(corpus, empty_debate):
    lines = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold")).splitlines()
    span = json.loads(lines[4])
    assert span["type"] == "span"
    span["quote"] = "not the text"
    lines[4] = json.dumps(span).encode()
    lines.insert(6, b"{not json")
    report = jsonl_import(empty_debate, b"\n".join(lines), "gold", corpus.users["man"])
    first, second = report.documents
    assert first.status == "rejected"
    reasons = [str(problem) for problem in first.problems]
    assert reasons[0] == (
        "export.jsonl:7: invalid JSON (unexpected character, expected a string key at column 2)"
    )
    assert reasons[1].startswith("export.jsonl:5: span ")
    assert "quote: Must equal text[" in reasons[1]
    assert second.status == "imported"
    # Nothing of the rejected document was written, not even the document.
    assert not Document.objects.filter(debate=empty_debate, sha256=corpus.doc_a.sha256).exists()
    assert Document.objects.filter(debate=empty_debate, sha256=corpus.doc_b.sha256).exists()
