"""Span imports: round trips (JSON Lines, brat), offset checks, mappings, atomicity, commands."""

import io
import json
import zipfile
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from annotations.export_selectors import ExportFilters, export_actors
from annotations.imports import (
    AS_EXPORTED,
    BratFiles,
    MappingInvalid,
    ZipUpload,
    brat_import,
    brat_mapping_default,
    brat_mapping_parse,
    import_limits,
    jsonl_drafts,
    spans_import,
)
from annotations.models import Span, SpanEvent
from bench.management.commands.generate_bench_data import Command as GenerateBenchData
from debate.models import Actor, Document, Role
from debate.text import normalize_text, text_sha256
from tests.annotations.export_corpus import TEXT_A, export_bytes, make_corpus, span_content
from tests.factories import DebateFactory, MembershipFactory, UserFactory

AAE_MAPPING = {
    "entities": {
        "MajorClaim": {"role": "claim"},
        "Claim": {"role": "claim"},
        "Premise": {"role": "premise"},
    },
    "attributes": {
        "Stance": {"field": "stance", "values": {"For": "pro", "Against": "contra"}},
        "Speaker": {"field": "actor", "values": {"RG": "Rani Govender"}},
    },
    "defaults": {"stance": "neutral"},
}


@pytest.fixture
def corpus(db):
    return make_corpus()


@pytest.fixture
def empty_debate(corpus):
    """A second debate with the same people and no documents, actors or spans."""
    debate = DebateFactory(slug="copy", title="Copy")
    for name, role in [
        ("ann", Role.ANNOTATOR),
        ("ann2", Role.ANNOTATOR),
        ("rev", Role.REVIEWER),
        ("man", Role.MANAGER),
    ]:
        MembershipFactory(debate=debate, user=corpus.users[name], role=role)
    return debate


def jsonl_import(debate, data: bytes, layer: str, by, source_layer=None):
    drafts = jsonl_drafts(io.BytesIO(data), file="export.jsonl", source_layer=source_layer)
    return spans_import(debate=debate, drafts=drafts, layer=layer, by=by, origin="test")


def brat_zip(files: dict[str, str]) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    return buffer


def brat_docs(files: dict[str, str]) -> list[BratFiles]:
    return ZipUpload(brat_zip(files), limits=import_limits()).brat_files()[0]


# --- JSON Lines round trips -----------------------------------------------------------------
def test_jsonl_round_trip_into_an_empty_debate_gives_identical_spans(corpus, empty_debate):
    exported = export_bytes(corpus.debate, "jsonl")
    report = jsonl_import(empty_debate, exported, AS_EXPORTED, corpus.users["man"])
    assert report.as_dict()["rejected"] == 0, report.as_dict()
    assert (report.count("imported"), report.as_dict()["spans"]) == (4, 9)
    assert report.as_dict()["relations"] == 4
    assert span_content(empty_debate) == span_content(corpus.debate)
    # Documents and actors came along with everything that describes them.
    copy_b = Document.objects.get(debate=empty_debate, sha256=corpus.doc_b.sha256)
    assert (copy_b.title, copy_b.published) == ("Govender", corpus.doc_b.published)
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
        "export.jsonl:7: invalid JSON (Expecting property name enclosed in double quotes at "
        "column 2)"
    )
    assert reasons[1].startswith("export.jsonl:5: span ")
    assert "quote: Must equal text[" in reasons[1]
    assert second.status == "imported"
    # Nothing of the rejected document was written, not even the document.
    assert not Document.objects.filter(debate=empty_debate, sha256=corpus.doc_a.sha256).exists()
    assert Document.objects.filter(debate=empty_debate, sha256=corpus.doc_b.sha256).exists()


def test_import_is_refused_to_who_may_not_write_the_layer(corpus):
    exported = export_bytes(corpus.debate, "jsonl", ExportFilters(layer="gold"))
    with pytest.raises(PermissionDenied, match="Reviewers import into the gold layer only"):
        jsonl_import(corpus.debate, exported, "ann2", corpus.users["rev"])
    for who in ("res", "ann"):
        with pytest.raises(PermissionDenied, match="Only managers and reviewers"):
            jsonl_import(corpus.debate, exported, "ann2", corpus.users[who])
    assert not Span.objects.filter(annotator=corpus.users["ann2"], document=corpus.doc_a)


# --- brat -----------------------------------------------------------------------------------
def test_brat_round_trip_into_another_layer_gives_identical_spans(corpus):
    exported = export_bytes(corpus.debate, "brat", ExportFilters(layer="ann"))
    upload = ZipUpload(io.BytesIO(exported), limits=import_limits())
    documents, ignored = upload.brat_files()
    assert ignored == ["annotation.conf", "provenance.json"]
    mapping = brat_mapping_default(
        scheme=corpus.debate.scheme, actors=export_actors(debate=corpus.debate)
    )
    report = brat_import(
        debate=corpus.debate,
        documents=documents,
        annotator=corpus.users["ann2"],
        by=corpus.users["man"],
        mapping=mapping,
    )
    assert report.as_dict()["rejected"] == 0, report.as_dict()
    copied = [row for row in span_content(corpus.debate, "ann2") if row[0] != corpus.doc_c.sha256]
    original = span_content(corpus.debate, "ann")
    # brat lines cannot hold line breaks, so notes come back with spaces; all else is equal.
    assert [row[:7] + row[8:] for row in copied] == [row[:7] + row[8:] for row in original]
    assert sorted(row[7] for row in copied) == ["", "", "", "crosses a line"]
    multiline = [row for row in copied if "\n" in row[3]]
    assert [row[3] for row in multiline] == ["for all.\nThe NSPCC"]


def test_brat_offsets_are_checked_against_the_text(corpus):
    docs = brat_docs(
        {
            "essays/e1.txt": "Scanning is needed. Encryption protects.",
            "essays/e1.ann": "T1\tclaim 0 19\tScanning is needed.\nT2\tclaim 20 30\tEncryptiox\n",
            "essays/e2.txt": "Short.",
            "essays/e2.ann": "T1\tclaim 0 60\tShort.\n",
        }
    )
    mapping = brat_mapping_parse(
        {"defaults": {"stance": "pro"}}, scheme=corpus.debate.scheme, actors=[]
    )
    report = brat_import(
        debate=corpus.debate,
        documents=docs,
        annotator=None,
        by=corpus.users["man"],
        mapping=mapping,
    )
    assert [str(problem) for outcome in report.documents for problem in outcome.problems] == [
        "essays/e1.ann:2: T2: the text at 20 30 is 'Encryption', not 'Encryptiox' as the line says",
        "essays/e2.ann:1: T1: offsets 0 60 are outside the text, which has 6 characters (code "
        "points)",
    ]
    assert [outcome.status for outcome in report.documents] == ["rejected", "rejected"]
    assert not Document.objects.filter(text__startswith="Scanning is needed.").exists()


def test_brat_with_a_mapping_like_an_argument_mining_corpus(corpus):
    text = "We should scan. It protects children. Rani said so.\n"
    ann = (
        "T1\tMajorClaim 0 15\tWe should scan.\n"
        "T2\tPremise 16 37\tIt protects children.\n"
        "A1\tStance T1 For\n"
        "A2\tSpeaker T2 RG\n"
        "R1\tsupports Arg1:T2 Arg2:T1\n"
        "#1\tAnnotatorNotes T2\tfrom the NSPCC\n"
    )
    mapping = brat_mapping_parse(
        AAE_MAPPING, scheme=corpus.debate.scheme, actors=export_actors(debate=corpus.debate)
    )
    report = brat_import(
        debate=corpus.debate,
        documents=brat_docs({"essay001.txt": text, "essay001.ann": ann}),
        annotator=None,
        by=corpus.users["man"],
        mapping=mapping,
    )
    outcome = report.documents[0]
    assert (outcome.status, outcome.spans, outcome.relations, outcome.document_created) == (
        "imported",
        2,
        1,
        True,
    )
    document = Document.objects.get(pk=outcome.document)
    assert (document.title, document.source) == (
        "We should scan. It protects children. Rani said so.",
        "essay001.txt",
    )
    spans = {span.quote: span for span in Span.objects.filter(document=document)}
    claim, premise = spans["We should scan."], spans["It protects children."]
    assert (claim.role, claim.stance, claim.actor) == ("claim", "pro", None)
    assert (premise.role, premise.stance, premise.actor) == ("premise", "neutral", corpus.govender)
    assert premise.note == "from the NSPCC"
    assert [(r.type, r.target) for r in premise.outgoing.all()] == [("supports", claim)]


def test_brat_labels_missing_from_the_mapping_are_named(corpus):
    ann = "T1\tMajorClaim 0 5\tHello\nA1\tConfidence T1 high\nE1\tEvent:T1\n"
    mapping = brat_mapping_default(scheme=corpus.debate.scheme, actors=[])
    report = brat_import(
        debate=corpus.debate,
        documents=brat_docs({"x.txt": "Hello world", "x.ann": ann}),
        annotator=None,
        by=corpus.users["man"],
        mapping=mapping,
    )
    assert [str(problem) for problem in report.documents[0].problems] == [
        "x.ann:1: entity type 'MajorClaim' is not in the mapping (known: claim, premise)",
        "x.ann:3: E lines are not imported; add 'E' to the mapping's ignore list to leave them out",
    ]


def test_brat_text_that_is_not_normalised_maps_offsets_and_matches_the_stored_document(corpus):
    # The same text as document A, as a Windows editor with decomposed accents would save it.
    raw = TEXT_A.replace("\n", "\r\n").replace("x\u0301", "x\u0301")
    raw = "\ufeff" + raw.replace("“", "“")
    assert normalize_text(raw) == TEXT_A
    start = raw.index("The NSPCC")
    ann = f"T1\tclaim {start} {start + 9}\tThe NSPCC\nA1\tStance T1 pro\n"
    report = brat_import(
        debate=corpus.debate,
        documents=brat_docs({"a.txt": raw, "a.ann": ann}),
        annotator=corpus.users["ann2"],
        by=corpus.users["man"],
        mapping=brat_mapping_default(scheme=corpus.debate.scheme, actors=[]),
    )
    outcome = report.documents[0]
    assert (outcome.status, outcome.document, outcome.document_created) == (
        "imported",
        corpus.doc_a.pk,
        False,
    )
    span = Span.objects.get(document=corpus.doc_a, annotator=corpus.users["ann2"])
    assert (span.start, span.end, span.quote) == (
        TEXT_A.index("The NSPCC"),
        TEXT_A.index("The NSPCC") + 9,
        "The NSPCC",
    )


def test_brat_offset_inside_a_character_normalisation_joins_is_refused(corpus):
    raw = "Cafe\u0301 culture"  # NFC joins e + U+0301 into é
    ann = "T1\tclaim 0 4\tCafe\nA1\tStance T1 pro\n"
    report = brat_import(
        debate=corpus.debate,
        documents=brat_docs({"c.txt": raw, "c.ann": ann}),
        annotator=None,
        by=corpus.users["man"],
        mapping=brat_mapping_default(scheme=corpus.debate.scheme, actors=[]),
    )
    assert [str(problem) for problem in report.documents[0].problems] == [
        "c.ann:1: T1: offset 4 falls inside characters that Unicode normalisation (NFC) joins; "
        "the span cannot be placed in the stored text"
    ]
    assert not Document.objects.filter(sha256=text_sha256(normalize_text(raw))).exists()


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


def test_mapping_values_must_exist_in_the_debate(corpus):
    actors = export_actors(debate=corpus.debate)
    cases = [
        ({"entities": {"Claim": {"role": "thesis"}}}, "entities.Claim: 'thesis' is not a role"),
        (
            {"attributes": {"Who": {"field": "actor", "values": {"X": "Nobody"}}}},
            "attributes.Who.values.X: 'Nobody' is not a actor",
        ),
        ({"relations": {"rel": "causes"}}, "relations.rel: 'causes' is not a relation type"),
        ({"colours": {}}, "Unknown mapping keys: colours."),
        ({"ignore": ["T"]}, "ignore: a list of line kinds"),
    ]
    for data, message in cases:
        with pytest.raises(MappingInvalid, match=message.replace(".", r"\.")):
            brat_mapping_parse(data, scheme=corpus.debate.scheme, actors=actors)


# --- Commands -------------------------------------------------------------------------------
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


def test_generate_bench_data_command(db):
    stdout = StringIO()
    UserFactory(username="someone")
    call_command(GenerateBenchData(), "--spans", "250", "--documents", "5", stdout=stdout)
    assert "Created bench-export: 250 spans over 5 documents" in stdout.getvalue()
    spans = Span.objects.filter(document__debate__slug="bench-export")
    assert spans.count() == 250
    assert all(span.quote == span.document.text[span.start : span.end] for span in spans)
    with pytest.raises(CommandError, match="exists"):
        call_command(GenerateBenchData(), "--spans", "10")
