"""The import commands: import_brat (a folder or a zip, with a mapping), import_spans and
import_xmi."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations.exports.selectors import ExportFilters
from annotations.imports.services import AS_EXPORTED
from annotations.models import Span
from debate.models import Document
from tests.annotations.export_corpus import (
    AAE_MAPPING,
    export_bytes,
    span_content,
    xmi_document,
    zip_of,
)


def test_import_brat_command_reads_a_folder_with_a_mapping(corpus, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "essay.txt").write_text("We should scan. It helps.", encoding="utf-8")
    (tmp_path / "corpus" / "essay.ann").write_text(
        "T1\tMajorClaim 0 15\tWe should scan.\nA1\tStance T1 For\n", encoding="utf-8"
    )
    (tmp_path / "mapping.json").write_text(json.dumps(AAE_MAPPING), encoding="utf-8")
    stdout = StringIO()
    call_command(
        "import_brat",
        "encryption",
        str(tmp_path / "corpus"),
        "--layer",
        "gold",
        "--mapping",
        str(tmp_path / "mapping.json"),
        stdout=stdout,
    )
    assert stdout.getvalue().strip() == (
        "Imported 1 document(s) (1 spans, 0 relations), skipped 0, rejected 0."
    )
    span = Span.objects.get(quote="We should scan.")
    assert (span.annotator, span.role, span.stance, span.created_by) == (
        None,
        "claim",
        "pro",
        corpus.users["man"],
    )


def test_import_brat_command_fails_naming_file_line_and_reason(corpus, tmp_path):
    (tmp_path / "d.txt").write_text("Hello world", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tclaim 0 5\tHellO\n", encoding="utf-8")
    stderr = StringIO()
    with pytest.raises(CommandError, match="rejected 1"):
        call_command("import_brat", "encryption", str(tmp_path), "--layer", "ann", stderr=stderr)
    assert stderr.getvalue().strip() == (
        "rejected: d.ann:1: T1: the text at 0 5 is 'Hello', not 'HellO' as the line says"
    )
    assert not Document.objects.filter(text="Hello world").exists()


def test_import_brat_command_refuses_an_unknown_layer(corpus, tmp_path):
    with pytest.raises(CommandError, match="No annotator 'res' in this debate"):
        call_command("import_brat", "encryption", str(tmp_path), "--layer", "res")


def test_import_spans_command_loads_an_export(corpus, empty_debate, tmp_path):
    path = tmp_path / "export.jsonl"
    path.write_bytes(export_bytes(corpus.debate, "jsonl"))
    stdout = StringIO()
    call_command("import_spans", "copy", str(path), "--layer", AS_EXPORTED, stdout=stdout)
    assert "Imported 4 document(s) (9 spans, 4 relations)" in stdout.getvalue()
    assert span_content(empty_debate) == span_content(corpus.debate)


def test_import_xmi_command_copies_an_exported_layer_and_names_what_it_refuses(corpus, tmp_path):
    exported = tmp_path / "ann.zip"
    exported.write_bytes(export_bytes(corpus.debate, "xmi", ExportFilters(layer="ann")))
    stdout = StringIO()
    call_command("import_xmi", "encryption", str(exported), "--layer", "ann2", stdout=stdout)
    assert stdout.getvalue().strip() == (
        "Imported 1 document(s) (4 spans, 2 relations), skipped 0, rejected 0."
    )
    copied = [row for row in span_content(corpus.debate, "ann2") if row[0] != corpus.doc_c.sha256]
    assert copied == span_content(corpus.debate, "ann")

    bad = tmp_path / "bad.zip"
    span = {"begin": 0, "end": 5, "stance": "maybe", "role": "claim"}
    bad.write_bytes(zip_of({"d.xmi": xmi_document("Hello world", [span])}))
    stderr = StringIO()
    with pytest.raises(CommandError, match="rejected 1"):
        call_command("import_xmi", "encryption", str(bad), stderr=stderr)
    assert stderr.getvalue().strip() == (
        "rejected: d.xmi: webanno.custom.DebateSpan xmi:id 2 at 0-5 ('Hello'): stance 'maybe' "
        "is not one of this debate's stances (pro, contra, neutral)"
    )
    assert not Document.objects.filter(text="Hello world").exists()
