"""Imports: who may import, and each document written all or nothing."""

import pytest
from django.core.exceptions import PermissionDenied

from annotations.exports.selectors import (
    ExportFilters,
)
from annotations.formats.brat import (
    brat_mapping_default,
)
from annotations.imports.services import brat_import
from annotations.models import (
    Assignment,
    AssignmentStatus,
    Relation,
    RelationEvent,
    Span,
    SpanEvent,
)
from debate.models import Document
from tests.annotations.export_corpus import (
    brat_docs,
    export_bytes,
    jsonl_import,
)


def test_import_is_refused_to_who_may_not_write_the_layer(corpus):
    exported = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold"))
    with pytest.raises(PermissionDenied, match="Reviewers import into the gold layer only"):
        jsonl_import(corpus.debate, exported, "ann2", corpus.users["rev"])
    for who in ("res", "ann"):
        with pytest.raises(PermissionDenied, match="Only managers and reviewers"):
            jsonl_import(corpus.debate, exported, "ann2", corpus.users[who])
    assert not Span.objects.filter(annotator=corpus.users["ann2"], document=corpus.doc_a)


def test_one_bad_document_leaves_the_others_imported(corpus):
    files = {
        "good.txt": "Encryption protects everyone.",
        "good.ann": "T1\tclaim 0 10\tEncryption\nA1\tStance T1 contra\n",
        "bad.txt": "Scanning finds abuse.",
        "bad.ann": "T1\tclaim 0 8\tScanning\nA1\tStance T1 pro\nT2\tclaim 9 14\twrong\n",
    }
    report = brat_import(
        debate=corpus.debate,
        documents=brat_docs(files),
        annotator=None,
        by=corpus.users["man"],
        mapping=brat_mapping_default(scheme=corpus.debate.scheme, actors=[]),
    )
    assert {outcome.name: outcome.status for outcome in report.documents} == {
        "bad": "rejected",
        "good": "imported",
    }
    assert not Document.objects.filter(text="Scanning finds abuse.").exists()
    assert Span.objects.filter(document__text="Encryption protects everyone.").count() == 1


def test_imported_spans_and_relations_are_recorded_in_their_history(corpus, empty_debate):
    exported = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold"))

    report = jsonl_import(empty_debate, exported, "gold", corpus.users["man"])

    assert (report.count("imported"), report.as_dict()["relations"]) == (2, 2)
    relations = Relation.objects.filter(document__debate=empty_debate)
    events = RelationEvent.objects.filter(relation_pk__in=relations.values("pk"))
    assert sorted((e.action, e.by.username, e.reason, e.after["type"]) for e in events) == [
        ("created", "man", "imported from test", "attacks"),
        ("created", "man", "imported from test", "attacks"),
    ]
    spans = Span.objects.filter(document__debate=empty_debate)
    assert SpanEvent.objects.filter(span_pk__in=spans.values("pk"), action="created").count() == 4


def test_an_import_into_a_submitted_layer_rejects_the_document(corpus):
    exported = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold"))
    Assignment.objects.create(
        document=corpus.doc_a, annotator=corpus.users["ann2"], status=AssignmentStatus.SUBMITTED
    )

    report = jsonl_import(corpus.debate, exported, "ann2", corpus.users["man"])

    rejected = {outcome.document: outcome for outcome in report.documents}
    assert [str(problem) for problem in rejected[corpus.doc_a.pk].problems] == [
        "export.jsonl: layer ann2: You submitted this document; your layer of it is final."
    ]
    assert not Span.objects.filter(document=corpus.doc_a, annotator=corpus.users["ann2"])
