"""brat: the exported zip read by brat's own rules and pybrat, and imports of brat files."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from pybrat.parser import BratParser

from annotations.exports.selectors import (
    ExportFilters,
    export_actors,
)
from annotations.formats.brat import (
    MappingInvalid,
    annotation_conf,
    brat_files_from_zip,
    brat_fragments,
    brat_mapping_default,
    brat_mapping_parse,
)
from annotations.imports.services import brat_import
from annotations.models import Span
from core.uploads.limits import import_limits
from core.uploads.zips import ZipUpload
from debate.models import Document
from debate.text import normalize_text, text_sha256
from tests.annotations.export_corpus import (
    AAE_MAPPING,
    TEXT_A,
    brat_docs,
    export,
    export_bytes,
    find,
    span_content,
)


def _unzip(data: bytes, folder) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    archive.extractall(folder)
    return archive


def test_brat_zip_holds_provenance_conf_and_a_txt_ann_pair_per_document_and_layer(corpus, tmp_path):
    archive = _unzip(export(corpus, "brat"), tmp_path)
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    assert archive.namelist() == [
        "provenance.json",
        "annotation.conf",
        f"gold/doc-{a}.txt",
        f"gold/doc-{a}.ann",
        f"annotators/ann/doc-{a}.txt",
        f"annotators/ann/doc-{a}.ann",
        f"gold/doc-{b}.txt",
        f"gold/doc-{b}.ann",
        f"annotators/ann2/doc-{c}.txt",
        f"annotators/ann2/doc-{c}.ann",
    ]
    assert json.loads(archive.read("provenance.json"))["format"] == "brat"
    assert archive.read(f"gold/doc-{a}.txt").decode("utf-8") == TEXT_A
    assert archive.read("annotation.conf").decode() == (
        "# Debatemap label scheme: entity types are roles.\n"
        "[entities]\nclaim\npremise\n\n"
        "[relations]\n"
        "supports\tArg1:<ENTITY>, Arg2:<ENTITY>\n"
        "attacks\tArg1:<ENTITY>, Arg2:<ENTITY>\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n"
        "[events]\n\n"
        "[attributes]\n"
        "Stance\tArg:<ENTITY>, Value:pro|contra|neutral\n"
        "Actor\tArg:<ENTITY>, Value:Mara_Quill|the_tech_firms\n"
    )


def test_brat_ann_lines_are_exact(corpus, tmp_path):
    archive = _unzip(export(corpus, "brat"), tmp_path)
    ann = archive.read(f"annotators/ann/doc-{corpus.doc_a.pk}.ann").decode("utf-8")
    firms = find(TEXT_A, "Chat hosts 🔐 say")
    backdoor = find(TEXT_A, "a “master key” opens any door")
    multiline = find(TEXT_A, "at once.\nThe Heron")
    accent = find(TEXT_A, "x\u0301 marks\u00a0the")
    newline = TEXT_A.index("\n")
    assert ann.splitlines() == [
        f"T1\tclaim {firms[0]} {firms[1]}\tChat hosts 🔐 say",
        "A1\tStance T1 contra",
        "A2\tActor T1 the_tech_firms",
        f"T2\tpremise {backdoor[0]} {backdoor[1]}\ta “master key” opens any door",
        "A3\tStance T2 contra",
        f"T3\tclaim {multiline[0]} {newline};{newline + 1} {multiline[1]}\tat once. The Heron",
        "A4\tStance T3 neutral",
        "#3\tAnnotatorNotes T3\tcrosses a line",
        f"T4\tclaim {accent[0]} {accent[1]}\tx\u0301 marks\u00a0the",
        "A5\tStance T4 neutral",
        "R1\tsupports Arg1:T2 Arg2:T1",
        "R2\tattacks Arg1:T3 Arg2:T1",
    ]


def test_pybrat_parses_the_brat_export(corpus, tmp_path):
    _unzip(export(corpus, "brat"), tmp_path)
    examples = {
        example.id: example
        for folder in ("gold", "annotators/ann", "annotators/ann2")
        for example in BratParser(error="raise").parse(tmp_path / folder)
    }
    a = examples[f"doc-{corpus.doc_a.pk}"]  # the annotator's layer (parsed last)
    assert a.text == TEXT_A
    by_mention = {entity.mention: entity for entity in a.entities}
    assert set(by_mention) == {
        "Chat hosts 🔐 say",
        "a “master key” opens any door",
        "at once. The Heron",
        "x\u0301 marks\u00a0the",
    }
    for entity in a.entities:
        assert " ".join(a.text[span.start : span.end] for span in entity.spans) == entity.mention
    multiline = by_mention["at once. The Heron"]
    newline = TEXT_A.index("\n")
    assert [(span.start, span.end) for span in multiline.spans] == [
        (TEXT_A.index("at once."), newline),
        (newline + 1, TEXT_A.index("The Heron") + len("The Heron")),
    ]
    relations = sorted((r.type, r.arg1.mention, r.arg2.mention) for r in a.relations)
    assert relations == [
        ("attacks", "at once. The Heron", "Chat hosts 🔐 say"),
        ("supports", "a “master key” opens any door", "Chat hosts 🔐 say"),
    ]
    b = examples[f"doc-{corpus.doc_b.pk}"]
    assert [(e.type, e.mention) for e in b.entities] == [
        ("claim", "checking shields children"),
        ("premise", "Owen Pell disagreed"),
    ]


def test_pybrat_refuses_two_entities_on_one_span_which_brat_allows(tmp_path):
    # Why the export keeps each layer in its own folder: pybrat 0.1.7 raises on two entities
    # with identical offsets (_check_entities), although brat itself allows it.
    (tmp_path / "d.txt").write_text("abc def", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tclaim 0 3\tabc\nT2\tpremise 0 3\tabc\n")
    with pytest.raises(RuntimeError, match="identical span"):
        BratParser(error="raise").parse(tmp_path)


def test_brat_export_leaves_out_relations_to_spans_filtered_away(corpus, tmp_path):
    corpus.spans["a_firms"].__class__.objects.filter(pk=corpus.spans["a_firms"].pk).update(
        updated_at=datetime(2020, 1, 1, tzinfo=UTC)
    )
    filters = ExportFilters(layer="ann", updated_since=datetime(2021, 1, 1, tzinfo=UTC))
    archive = zipfile.ZipFile(io.BytesIO(export(corpus, "brat", filters)))
    ann = archive.read(f"annotators/ann/doc-{corpus.doc_a.pk}.ann").decode()
    assert "Chat hosts" not in ann
    assert not [line for line in ann.splitlines() if line.startswith("R")]


@pytest.mark.parametrize(
    ("text", "start", "end", "fragments"),
    [
        ("abc\ndef", 0, 7, [(0, 3), (4, 7)]),
        ("abc\n\n\ndef", 1, 8, [(1, 3), (6, 8)]),
        ("abc\r\ndef", 0, 8, [(0, 3), (5, 8)]),
        ("abc\u2028def", 0, 7, [(0, 3), (4, 7)]),
        ("\nabc\n", 0, 5, [(1, 4)]),
        ("abc", 0, 3, [(0, 3)]),
    ],
)
def test_brat_fragments_split_at_line_breaks(text, start, end, fragments):
    assert brat_fragments(text, start, end) == fragments


def test_annotation_conf_names_labels_brat_can_read():
    scheme = {
        "stances": [{"key": "for it", "side": "pro"}],
        "roles": [{"key": "major claim"}],
        "relation_types": [{"key": "supports", "polarity": "support"}],
    }
    conf = annotation_conf(scheme=scheme, actors=[])
    assert "major_claim\n" in conf
    assert "Stance\tArg:<ENTITY>, Value:for_it\n" in conf
    assert "Actor" not in conf  # brat refuses an attribute without values


def test_brat_round_trip_into_another_layer_gives_identical_spans(corpus):
    exported = export_bytes(corpus.debate, "brat", ExportFilters(layer="ann"))
    upload = ZipUpload(io.BytesIO(exported), limits=import_limits())
    documents, ignored = brat_files_from_zip(upload)
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
    assert [row[3] for row in multiline] == ["at once.\nThe Heron"]


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
    text = "We should scan. It protects children. Mara said so.\n"
    ann = (
        "T1\tMajorClaim 0 15\tWe should scan.\n"
        "T2\tPremise 16 37\tIt protects children.\n"
        "A1\tStance T1 For\n"
        "A2\tSpeaker T2 MQ\n"
        "R1\tsupports Arg1:T2 Arg2:T1\n"
        "#1\tAnnotatorNotes T2\tfrom the Heron Trust\n"
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
    # No line reads as a headline, so the title is the first sentence (debate.titles).
    assert (document.title, document.source) == ("We should scan.", "essay001.txt")
    spans = {span.quote: span for span in Span.objects.filter(document=document)}
    claim, premise = spans["We should scan."], spans["It protects children."]
    assert (claim.role, claim.stance, claim.actor) == ("claim", "pro", None)
    assert (premise.role, premise.stance, premise.actor) == ("premise", "neutral", corpus.quill)
    assert premise.note == "from the Heron Trust"
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
    start = raw.index("The Heron")
    ann = f"T1\tclaim {start} {start + 9}\tThe Heron\nA1\tStance T1 pro\n"
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
        TEXT_A.index("The Heron"),
        TEXT_A.index("The Heron") + 9,
        "The Heron",
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
