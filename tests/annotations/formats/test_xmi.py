"""UIMA CAS XMI: the exported zip read by cassis as INCEpTION would, and imports of XMI files."""

import io
import json
import zipfile

import pytest
from cassis import Cas, load_cas_from_xmi, load_typesystem
from lxml import etree

from annotations.exports.selectors import ExportFilters
from annotations.formats.xmi import (
    RELATION_TYPE,
    SPAN_TYPE,
    XmiFiles,
    xmi_files_from_zip,
    xmi_typesystem,
)
from annotations.imports.services import xmi_import
from annotations.models import Relation, Span
from annotations.services import relation_create
from core.uploads.limits import import_limits
from core.uploads.zips import ZipUpload
from debate.models import Document
from debate.text import normalize_text
from tests.annotations.export_corpus import (
    TEXT_A,
    TRICKY_NOTE,
    TRICKY_TEXT,
    add_span,
    export,
    export_bytes,
    find,
    span_content,
    xmi_document,
    zip_of,
)
from tests.factories import ActorFactory, DocumentFactory

# Astral-plane characters (a flag pair, an emoji ZWJ sequence with a skin tone, mathematical
# letters: two UTF-16 units each) and combining marks NFC cannot fold away (q + U+0307,
# x + U+0323 + U+0304): code points and UTF-16 units part ways at every one of them.
ASTRAL_TEXT = (
    "Flags 🇪🇺 and 👩🏽\u200d⚖️ judges agree: q\u0307 is \U0001d518\U0001d52b\U0001d526 "
    "text.\nThen x\u0323\u0304 follows 🔐 and the end."
)
CUSTOM = "{http:///webanno/custom.ecore}"


def _zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def _cas(archive: zipfile.ZipFile, name: str) -> Cas:
    typesystem = load_typesystem(io.BytesIO(archive.read("TypeSystem.xml")))
    return load_cas_from_xmi(io.BytesIO(archive.read(name)), typesystem=typesystem)


def _upload(files: dict[str, bytes | str]) -> ZipUpload:
    return ZipUpload(io.BytesIO(zip_of(files)), limits=import_limits())


def _import(corpus, files: dict[str, bytes | str], *, debate=None, annotator=None, by="man"):
    documents, ignored = xmi_files_from_zip(_upload(files))
    report = xmi_import(
        debate=debate or corpus.debate,
        documents=documents,
        annotator=annotator,
        by=corpus.users[by],
        ignored=ignored,
    )
    return report.as_dict()


def _problems(report: dict) -> list[str]:
    return [
        f"{problem['file']}: {problem['reason']}"
        for outcome in report["documents"]
        for problem in outcome["problems"]
    ]


@pytest.fixture
def astral(corpus):
    """A gold layer over the astral text: three spans, two relations, an actor and a note."""
    document = DocumentFactory(debate=corpus.debate, text=ASTRAL_TEXT, title="Flags 🇪🇺")
    rev = corpus.users["rev"]
    spans = [
        add_span(document, None, rev, "🇪🇺 and 👩🏽‍⚖️ judges", actor=corpus.quill),
        add_span(
            document,
            None,
            rev,
            "q\u0307 is \U0001d518\U0001d52b\U0001d526",
            role="premise",
            note="tab\there\nnext",
        ),
        add_span(document, None, rev, "x\u0323\u0304 follows 🔐", stance="contra", role="premise"),
    ]
    for source, target, kind in [(1, 0, "supports"), (2, 0, "attacks")]:
        relation_create(
            document=document, by=rev, source=spans[source], target=spans[target], type=kind
        )
    return document


# --- Export ---------------------------------------------------------------------------------
def test_xmi_zip_holds_provenance_the_type_system_and_an_xmi_per_document_and_layer(corpus):
    archive = _zip(export(corpus, "xmi"))
    a, b, c = corpus.doc_a.pk, corpus.doc_b.pk, corpus.doc_c.pk
    assert archive.namelist() == [
        "provenance.json",
        "TypeSystem.xml",
        f"gold/doc-{a}.xmi",
        f"annotators/ann/doc-{a}.xmi",
        f"gold/doc-{b}.xmi",
        f"annotators/ann2/doc-{c}.xmi",
    ]
    assert json.loads(archive.read("provenance.json"))["format"] == "xmi"
    typesystem = load_typesystem(io.BytesIO(archive.read("TypeSystem.xml")))
    span_type = typesystem.get_type(SPAN_TYPE)
    assert [feature.name for feature in span_type.features] == ["stance", "role", "actor", "note"]
    assert span_type.supertype.name == "uima.tcas.Annotation"
    relation = typesystem.get_type(RELATION_TYPE)
    assert {feature.name: feature.rangeType.name for feature in relation.features} == {
        "Governor": SPAN_TYPE,
        "Dependent": SPAN_TYPE,
        "relationType": "uima.cas.String",
    }
    cas = _cas(archive, f"annotators/ann/doc-{a}.xmi")
    assert cas.sofa_string == TEXT_A
    metadata = cas.get_document_annotation()
    assert metadata.type.name == "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
    assert (metadata.documentTitle, metadata.documentId, metadata.collectionId) == (
        "Scanning row",
        str(a),
        "encryption",
    )
    spans = [
        (span.begin, span.end, span.get_covered_text(), span.stance, span.role, span.actor)
        for span in cas.select(SPAN_TYPE)
    ]
    assert spans == [
        (0, 16, "Chat hosts 🔐 say", "contra", "claim", "the tech firms"),
        (17, 46, "a “master key” opens any door", "contra", "premise", None),
        (47, 65, "at once.\nThe Heron", "neutral", "claim", None),
        (
            *find(TEXT_A, "x\u0301 marks\u00a0the"),
            "x\u0301 marks\u00a0the",
            "neutral",
            "claim",
            None,
        ),
    ]
    assert [span.note for span in cas.select(SPAN_TYPE)] == [None, None, "crosses\na line", None]
    relations = sorted(
        (
            relation.Governor.get_covered_text(),
            relation.Dependent.get_covered_text(),
            relation.relationType,
            relation.begin,
            relation.end,
        )
        for relation in cas.select(RELATION_TYPE)
    )
    assert relations == [
        ("a “master key” opens any door", "Chat hosts 🔐 say", "supports", 0, 16),
        ("at once.\nThe Heron", "Chat hosts 🔐 say", "attacks", 0, 16),
    ]


def test_cassis_offsets_are_code_points_where_the_xmi_counts_utf16_units(corpus, astral):
    archive = _zip(export(corpus, "xmi", ExportFilters(layer="gold", documents=(astral.pk,))))
    name = f"gold/doc-{astral.pk}.xmi"
    cas = _cas(archive, name)
    assert cas.sofa_string == ASTRAL_TEXT
    stored = list(Span.objects.filter(document=astral).order_by("start"))
    got = [(span.begin, span.end, span.get_covered_text()) for span in cas.select(SPAN_TYPE)]
    assert got == [(span.start, span.end, span.quote) for span in stored]
    assert got == [
        (6, 25, "🇪🇺 and 👩🏽‍⚖️ judges"),
        (33, 42, "q\u0307 is \U0001d518\U0001d52b\U0001d526"),
        (54, 67, "x\u0323\u0304 follows 🔐"),
    ]
    assert [(span.stance, span.role, span.actor, span.note) for span in cas.select(SPAN_TYPE)] == [
        ("pro", "claim", "Mara Quill", None),
        ("pro", "premise", None, "tab\there\nnext"),
        ("contra", "premise", None, None),
    ]
    # The file itself counts UTF-16 units, as UIMA's Java does: INCEpTION reads these.
    root = etree.fromstring(archive.read(name))
    written = [
        (int(element.get("begin")), int(element.get("end")))
        for element in root.iter(f"{CUSTOM}DebateSpan")
    ]
    assert written == [(6, 29), (37, 49), (61, 75)]
    assert written == [
        (
            len(ASTRAL_TEXT[: span.start].encode("utf-16-le")) // 2,
            len(ASTRAL_TEXT[: span.end].encode("utf-16-le")) // 2,
        )
        for span in stored
    ]


def test_text_and_notes_xml_10_cannot_hold_are_written_with_u_fffd_in_place(tricky):
    debate, spans = tricky
    archive = _zip(export_bytes(debate, "xmi"))
    first = spans["quoted"].document
    cas = _cas(archive, f"annotators/o_neil_x/doc-{first.pk}.xmi")
    expected = TRICKY_TEXT.replace("\x01", "\ufffd").replace("\x1f", "\ufffd")
    assert cas.sofa_string == expected
    assert len(cas.sofa_string) == len(TRICKY_TEXT)
    controls = [span for span in cas.select(SPAN_TYPE) if span.begin == spans["controls"].start]
    assert [span.get_covered_text() for span in controls] == ["\ufffd\ufffd\x7f controls"]
    quoted = [span for span in cas.select(SPAN_TYPE) if span.begin == spans["quoted"].start]
    assert [span.note for span in quoted] == [
        TRICKY_NOTE.replace("\x01", "\ufffd").replace("\x1b", "\ufffd")
    ]
    assert [span.actor for span in quoted] == ['The "firm" \\ 🔐\u2028']


# --- Round trips ----------------------------------------------------------------------------
def test_xmi_round_trip_into_another_layer_keeps_every_span_attribute_and_relation(corpus):
    exported = export_bytes(corpus.debate, "xmi", ExportFilters(layer="ann"))
    documents, ignored = xmi_files_from_zip(ZipUpload(io.BytesIO(exported), limits=import_limits()))
    assert ignored == ["provenance.json"]
    assert [files.typesystem_file for files in documents] == ["TypeSystem.xml"]
    report = xmi_import(
        debate=corpus.debate,
        documents=documents,
        annotator=corpus.users["ann2"],
        by=corpus.users["man"],
    ).as_dict()
    assert (report["imported"], report["spans"], report["relations"]) == (1, 4, 2)
    copied = [row for row in span_content(corpus.debate, "ann2") if row[0] != corpus.doc_c.sha256]
    assert copied == span_content(corpus.debate, "ann")
    assert [row[7] for row in copied].count("crosses\na line") == 1  # line breaks kept


def test_xmi_round_trip_into_an_empty_debate_recreates_documents_spans_and_relations(
    corpus, astral, empty_debate
):
    # Actors are matched by name, as in brat: the copy has the same people.
    for actor in (corpus.quill, corpus.firms):
        ActorFactory(debate=empty_debate, name=actor.name)
    for layer in ("gold", "ann"):
        exported = export_bytes(corpus.debate, "xmi", ExportFilters(layer=layer))
        documents, _ignored = xmi_files_from_zip(
            ZipUpload(io.BytesIO(exported), limits=import_limits())
        )
        report = xmi_import(
            debate=empty_debate,
            documents=documents,
            annotator=None if layer == "gold" else corpus.users["ann"],
            by=corpus.users["man"],
        ).as_dict()
        assert report["rejected"] == 0, report
    originals = [row for row in span_content(corpus.debate) if row[1] in ("gold", "ann")]
    assert len(originals) == 11
    assert span_content(empty_debate) == originals
    copy = Document.objects.get(debate=empty_debate, sha256=astral.sha256)
    assert (copy.title, copy.text) == ("Flags 🇪🇺", ASTRAL_TEXT)
    assert Relation.objects.filter(document=copy).count() == 2


# --- Import: what INCEpTION sends, and what is refused -------------------------------------
def test_an_inception_style_zip_with_other_layers_and_features_is_read(corpus):
    """INCEpTION's type system holds sentences, tokens and more features; they pass over."""
    typesystem = xmi_typesystem()
    sentence = typesystem.create_type(
        "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence"
    )
    typesystem.create_feature(typesystem.get_type(SPAN_TYPE), "confidence", "uima.cas.String")
    text = "Scanning is needed 🔐. Encryption protects everyone."
    cas = Cas(typesystem=typesystem, sofa_string=text)
    span_type = typesystem.get_type(SPAN_TYPE)
    claim = span_type(begin=0, end=20, stance="pro", role="claim", confidence="high")
    premise = span_type(begin=22, end=50, stance="contra", role="premise", actor="Mara Quill")
    cas.add_all([sentence(begin=0, end=21), sentence(begin=22, end=51), claim, premise])
    relation = typesystem.get_type(RELATION_TYPE)
    cas.add(relation(begin=0, end=20, Governor=premise, Dependent=claim, relationType="attacks"))
    report = _import(
        corpus,
        {
            "essay one/essay.xmi": cas.to_xmi(),
            "essay one/typesystem.xml": typesystem.to_xml(),
            "__MACOSX/._essay.xmi": b"junk",
        },
    )
    assert (report["imported"], report["spans"], report["relations"]) == (1, 2, 1), report
    assert report["ignored"] == ["__MACOSX/._essay.xmi"]
    document = Document.objects.get(debate=corpus.debate, text=text)
    assert document.source == "essay.xmi"
    spans = Span.objects.filter(document=document, annotator=None).order_by("start")
    assert [
        (s.start, s.end, s.quote, s.stance, s.role, s.actor and s.actor.name) for s in spans
    ] == [
        (0, 20, "Scanning is needed 🔐", "pro", "claim", None),
        (22, 50, "Encryption protects everyone", "contra", "premise", "Mara Quill"),
    ]
    link = Relation.objects.get(document=document)
    assert (link.source.start, link.target.start, link.type) == (22, 0, "attacks")


def test_unknown_labels_are_named_with_the_document_annotation_and_label_and_nothing_is_written(
    corpus,
):
    text = "Scanning is needed. Encryption protects. Both are true."
    spans = [
        {"begin": 0, "end": 18, "stance": "For", "role": "claim"},
        {"begin": 20, "end": 39, "stance": "pro", "role": "MajorClaim"},
        {"begin": 41, "end": 54, "stance": "pro", "role": "claim"},
        {"begin": 0, "end": 8, "role": "claim"},
    ]
    good = xmi_document(
        "A good document 🔐 here.", [{"begin": 0, "end": 6, "stance": "pro", "role": "claim"}]
    )
    before = (Document.objects.count(), Span.objects.count(), Relation.objects.count())
    report = _import(
        corpus,
        {
            "bad.xmi": xmi_document(text, spans, relations=[(2, 0, "rebuts")]),
            "good.xmi": good,
        },
    )
    # cassis numbers the sofa 1 and the annotations from 2 as added; they come in text order.
    assert _problems(report) == [
        "bad.xmi: webanno.custom.DebateSpan xmi:id 5 at 0-8 ('Scanning'): has no stance",
        "bad.xmi: webanno.custom.DebateSpan xmi:id 2 at 0-18 ('Scanning is needed'): stance "
        "'For' is not one of this debate's stances (pro, contra, neutral)",
        "bad.xmi: webanno.custom.DebateSpan xmi:id 3 at 20-39 ('Encryption protects'): role "
        "'MajorClaim' is not one of this debate's roles (claim, premise)",
    ]
    assert [(o["name"], o["status"]) for o in report["documents"]] == [
        ("bad", "rejected"),
        ("good", "imported"),
    ]
    after = (Document.objects.count(), Span.objects.count(), Relation.objects.count())
    assert after == (before[0] + 1, before[1] + 1, before[2])
    assert not Document.objects.filter(text=text).exists()


def test_an_unknown_relation_type_and_a_missing_span_layer_are_named(corpus):
    text = "Scanning is needed. Encryption protects."
    spans = [
        {"begin": 0, "end": 18, "stance": "pro", "role": "claim"},
        {"begin": 20, "end": 39, "stance": "contra", "role": "premise"},
    ]
    other = xmi_typesystem()
    other.create_type("webanno.custom.Claim")
    bare = Cas(typesystem=load_typesystem(io.BytesIO(_bare_typesystem())), sofa_string=text)
    report = _import(
        corpus,
        {
            "a/one.xmi": xmi_document(text, spans, relations=[(1, 0, "rebuts")]),
            "b/two.xmi": bare.to_xmi(),
            "b/TypeSystem.xml": _bare_typesystem(),
        },
    )
    assert _problems(report) == [
        "a/one.xmi: webanno.custom.DebateRelation xmi:id 4 at 0-18 ('Scanning is needed'): "
        "relationType 'rebuts' is not one of this debate's relation types (supports, attacks)",
        "b/TypeSystem.xml: the type system has no webanno.custom.DebateSpan layer, which holds "
        "the spans",
    ]
    assert report["imported"] == 0
    assert not Document.objects.filter(text=text).exists()


def _bare_typesystem() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier"><types>'
        b"<typeDescription><name>webanno.custom.Claim</name>"
        b"<supertypeName>uima.tcas.Annotation</supertypeName></typeDescription>"
        b"</types></typeSystemDescription>"
    )


def test_offsets_outside_the_text_and_unreadable_files_reject_their_document(corpus):
    # cassis warns that it cannot map the offset, and keeps it: the reader then names it.
    with pytest.warns(UserWarning, match=r"Not mapping external offset \[60\]"):
        report = _import(
            corpus,
            {
                "far.xmi": xmi_document(
                    "Short 🔐.", [{"begin": 0, "end": 5, "stance": "pro", "role": "claim"}]
                ).replace('end="5"', 'end="60"'),
                "broken.xmi": b"<xmi:XMI",
            },
        )
    problems = _problems(report)
    assert problems[0].startswith("broken.xmi: not a readable UIMA CAS XMI (")
    assert problems[1] == (
        "far.xmi: webanno.custom.DebateSpan xmi:id 2 at 0-60 ('Short 🔐.'): offsets 0-60 are not "
        "within the text, which has 8 characters (code points)"
    )
    assert report["rejected"] == 2


def test_xmi_text_that_is_not_normalised_maps_offsets_onto_the_stored_document(corpus):
    raw = "Cafe\u0301 owners say scanning\r\nis needed."
    assert normalize_text(raw) != raw
    start = raw.index("scanning")
    end = raw.index("needed") + len("needed")
    report = _import(
        corpus,
        {
            "cafe.xmi": xmi_document(
                raw, [{"begin": start, "end": end, "stance": "pro", "role": "claim"}]
            )
        },
    )
    assert report["imported"] == 1, report
    span = Span.objects.get(document__text=normalize_text(raw), annotator=None)
    assert (span.start, span.end, span.quote) == (16, 34, "scanning\nis needed")


def test_files_without_a_type_system_are_read_with_debatemaps_own(corpus):
    documents, ignored = xmi_files_from_zip(
        _upload({"x/doc.xmi": xmi_document("Scanning is needed.", []), "notes.txt": "hello"})
    )
    assert ignored == ["notes.txt"]
    assert documents == [XmiFiles(name="x/doc", xmi=documents[0].xmi)]


def test_a_type_system_that_bends_the_layers_is_named_not_crashed_on(corpus):
    # DebateSpan without offsets (a TOP), and a relation whose Governor is a string.
    no_offsets = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<typeSystemDescription xmlns="http://uima.apache.org/resourceSpecifier"><types>'
        b"<typeDescription><name>webanno.custom.DebateSpan</name>"
        b"<supertypeName>uima.cas.TOP</supertypeName></typeDescription>"
        b"</types></typeSystemDescription>"
    )
    ours = xmi_typesystem().to_xml()
    governor = "<name>Governor</name><description/><rangeTypeName>"
    assert f"{governor}{SPAN_TYPE}" in ours
    bent = load_typesystem(
        io.BytesIO(ours.replace(f"{governor}{SPAN_TYPE}", f"{governor}uima.cas.String").encode())
    )
    text = "Scanning is needed. Encryption protects."
    cas = Cas(typesystem=bent, sofa_string=text)
    span = bent.get_type(SPAN_TYPE)
    claim = span(begin=0, end=18, stance="pro", role="claim")
    cas.add(claim)
    cas.add(
        bent.get_type(RELATION_TYPE)(
            begin=0, end=18, Governor="xmi:id 2", Dependent=claim, relationType="supports"
        )
    )
    report = _import(
        corpus,
        {
            "a/one.xmi": xmi_document(text, []),
            "a/TypeSystem.xml": no_offsets,
            "b/two.xmi": cas.to_xmi(),
            "b/TypeSystem.xml": bent.to_xml(),
        },
    )
    assert _problems(report) == [
        "a/TypeSystem.xml: in the type system, webanno.custom.DebateSpan is not an annotation "
        "(uima.tcas.Annotation): it has no offsets",
        "b/two.xmi: webanno.custom.DebateRelation xmi:id 3 at 0-18 ('Scanning is needed'): its "
        "Governor is not a webanno.custom.DebateSpan",
    ]
    assert report["imported"] == 0
