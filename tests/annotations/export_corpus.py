"""A small debate for export and import tests, written through the real services.

Its text is full of traps: an emoji (one code point, two UTF-16 units), a decomposed accent
(x + U+0301, which has no precomposed form), curly quotes, a no-break space and a span that
runs over a line break. The sentences are our own, written for the tests; the people and
organisations in them are invented.
"""

import io
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.auth.models import AbstractBaseUser

from annotations.exports.selectors import (
    ExportFilters,
    export_actors,
    export_jsonl_body,
    export_provenance,
    export_spans,
)
from annotations.formats.brat import BratFiles, brat_export, brat_files_from_zip
from annotations.formats.csv import csv_export
from annotations.formats.jsonl import jsonl_drafts, jsonl_export
from annotations.formats.w3c import w3c_export
from annotations.imports.services import spans_import
from annotations.models import Relation, Span
from annotations.services import SpanInput, relation_create, span_create
from core.uploads.limits import import_limits
from core.uploads.zips import ZipUpload
from debate.models import Actor, Debate, Document, Role
from debate.permissions import DebateAccess
from tests.factories import (
    ActorFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

TEXT_A = (
    "Chat hosts 🔐 say a “master key” opens any door at once.\n"
    "The Heron Trust says checking is overdue. Then x\u0301 marks\u00a0the spot."
)
TEXT_B = "Mara Quill said checking shields children.\nOwen Pell disagreed strongly."
TEXT_C = "An article published later: encryption keeps everyone safe."
NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
READER = DebateAccess(user_id=0, role="researcher")


def find(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@dataclass
class Corpus:
    debate: Debate
    users: dict[str, AbstractBaseUser]
    doc_a: Document
    doc_b: Document
    doc_c: Document
    quill: Actor
    firms: Actor
    spans: dict[str, Span]
    relations: list[Relation]


def add_span(
    document: Document,
    annotator,
    by,
    needle: str,
    *,
    stance: str = "pro",
    role: str = "claim",
    actor: Actor | None = None,
    note: str = "",
) -> Span:
    """Create a span over the first ``needle`` of a document through the service."""
    start, end = find(document.text, needle)
    data = SpanInput(
        start=start,
        end=end,
        quote=needle,
        stance=stance,
        role=role,
        actor=None if actor is None else actor.pk,
        note=note,
    )
    return span_create(document=document, annotator=annotator, by=by, data=data).span


def make_corpus(slug: str = "encryption") -> Corpus:
    """Return a debate with members of every role, three documents, spans and relations."""
    debate = DebateFactory(slug=slug, title="Encryption “debate”")
    users = {
        name: UserFactory(username=name)
        for name in ("ann", "ann2", "rev", "man", "res", "outsider", "root")
    }
    users["root"].is_superuser = True
    users["root"].save()
    for name, role in [
        ("ann", Role.ANNOTATOR),
        ("ann2", Role.ANNOTATOR),
        ("rev", Role.REVIEWER),
        ("man", Role.MANAGER),
        ("res", Role.RESEARCHER),
    ]:
        MembershipFactory(debate=debate, user=users[name], role=role)
    MembershipFactory(user=users["outsider"], role=Role.MANAGER)  # of another debate
    doc_a = DocumentFactory(debate=debate, text=TEXT_A, title="Scanning row", published=None)
    doc_b = DocumentFactory(debate=debate, text=TEXT_B, title="Quill", published=date(2023, 3, 1))
    doc_c = DocumentFactory(debate=debate, text=TEXT_C, title="Later", published=date(2024, 5, 1))
    quill = ActorFactory(debate=debate, name="Mara Quill")
    firms = ActorFactory(debate=debate, name="the tech firms", kind="collective")
    ann, rev = users["ann"], users["rev"]
    spans = {
        "a_firms": add_span(doc_a, ann, ann, "Chat hosts 🔐 say", actor=firms, stance="contra"),
        "a_backdoor": add_span(
            doc_a, ann, ann, "a “master key” opens any door", role="premise", stance="contra"
        ),
        "a_multiline": add_span(
            doc_a, ann, ann, "at once.\nThe Heron", stance="neutral", note="crosses\na line"
        ),
        "a_accent": add_span(doc_a, ann, ann, "x\u0301 marks\u00a0the", stance="neutral"),
        "gold_a": add_span(doc_a, None, rev, "a “master key” opens any door", stance="contra"),
        "gold_a2": add_span(doc_a, None, rev, "checking is overdue", role="premise"),
        "gold_b": add_span(doc_b, None, rev, "checking shields children", actor=quill),
        "gold_b2": add_span(
            doc_b, None, rev, "Owen Pell disagreed", stance="contra", role="premise"
        ),
        "ann2_c": add_span(doc_c, users["ann2"], users["ann2"], "encryption keeps everyone safe"),
    }
    relations = [
        relation_create(
            document=doc_a,
            by=ann,
            source=spans["a_backdoor"],
            target=spans["a_firms"],
            type="supports",
        ),
        relation_create(
            document=doc_a,
            by=ann,
            source=spans["a_multiline"],
            target=spans["a_firms"],
            type="attacks",
        ),
        relation_create(
            document=doc_a,
            by=rev,
            source=spans["gold_a2"],
            target=spans["gold_a"],
            type="attacks",
        ),
        relation_create(
            document=doc_b,
            by=rev,
            source=spans["gold_b2"],
            target=spans["gold_b"],
            type="attacks",
        ),
    ]
    return Corpus(
        debate=debate,
        users=users,
        doc_a=doc_a,
        doc_b=doc_b,
        doc_c=doc_c,
        quill=quill,
        firms=firms,
        spans=spans,
        relations=relations,
    )


def span_content(debate: Debate, layer: str | None = None) -> list[tuple]:
    """Return the spans of a debate compared on content: ids may differ, nothing else.

    Each span is (document sha256, layer, start, end, quote, stance, role, actor name, note,
    sorted relations as (type, target's start, end, role)); the layer is left out when one
    layer is asked for, so two layers can be compared.
    """
    spans = Span.objects.filter(document__debate=debate).select_related(
        "document", "annotator", "actor"
    )
    if layer == "gold":
        spans = spans.filter(annotator__isnull=True)
    elif layer is not None:
        spans = spans.filter(annotator__username=layer)
    rows = []
    for span in spans:
        links = sorted(
            (relation.type, relation.target.start, relation.target.end, relation.target.role)
            for relation in span.outgoing.select_related("target")
        )
        rows.append(
            (
                span.document.sha256,
                *([] if layer else ["gold" if span.annotator is None else span.annotator.username]),
                span.start,
                span.end,
                span.quote,
                span.stance,
                span.role,
                None if span.actor is None else span.actor.name,
                span.note,
                tuple(links),
            )
        )
    return sorted(rows)


def export_bytes(debate: Debate, format: str, filters=None) -> bytes:
    """Return a whole export of a debate, as a researcher would download it."""
    filters = filters or ExportFilters()
    now = datetime(2025, 1, 2, tzinfo=UTC)
    actors = export_actors(debate=debate)
    provenance = export_provenance(debate=debate, filters=filters, format=format, by="t", now=now)
    if format == "jsonl":
        # Small chunks for the portable writer, so documents and relations cross chunk
        # boundaries; PostgreSQL writes the lines itself.
        body = export_jsonl_body(
            access=READER, debate=debate, filters=filters, actors=actors, chunk_size=3
        )
        return b"".join(jsonl_export(provenance=provenance, actors=actors, body=body))
    spans = export_spans(
        access=READER, debate=debate, filters=filters, actors=actors, with_text=True, chunk_size=3
    )
    return b"".join(
        brat_export(
            provenance=provenance, scheme=debate.scheme, actors=actors, spans=spans, now=now
        )
    )


def export(corpus, format: str, filters: ExportFilters | None = None) -> bytes:
    """Return an export of the corpus in a format, as of ``NOW``, by the researcher."""
    filters = filters or ExportFilters()
    actors = export_actors(debate=corpus.debate)
    provenance = export_provenance(
        debate=corpus.debate, filters=filters, format=format, by="res", now=NOW
    )
    if format == "jsonl":
        # Two spans a chunk for the portable writer, so documents and relations cross
        # chunk boundaries; PostgreSQL writes the lines itself.
        body = export_jsonl_body(
            access=READER, debate=corpus.debate, filters=filters, actors=actors, chunk_size=2
        )
        return b"".join(jsonl_export(provenance=provenance, actors=actors, body=body))
    spans = export_spans(
        access=READER,
        debate=corpus.debate,
        filters=filters,
        actors=actors,
        with_text=format != "csv",
    )
    if format == "csv":
        stream = csv_export(spans=spans)
    elif format == "w3c":
        stream = w3c_export(
            provenance=provenance,
            spans=spans,
            base_url="https://debatemap.test/",
            collection_id="https://debatemap.test/export",
            label="spans",
        )
    else:
        stream = brat_export(
            provenance=provenance,
            scheme=corpus.debate.scheme,
            actors=actors,
            spans=spans,
            now=NOW,
        )
    return b"".join(stream)


TRICKY_TEXT = (
    'He said "no" \\ then\ttabbed,\nnext line and \x01\x1f\x7f controls; '
    "emoji 🔐🧪, separators \u2028 and \u2029, NEL \x85, no-break\u00a0space."
)


TRICKY_NOTE = 'line one\nline "two"\t\\ \x01\x1b \u2028 🔐 \r end'


def make_tricky():
    """Return a debate whose spans hold every character JSON escapes or leaves raw."""
    debate = DebateFactory(slug="tricky", title='Tricky "quotes" \\ and\nlines')
    quoted = UserFactory(username='o"neil\\x')
    plain = UserFactory(username="plain")
    reviewer = UserFactory(username="rev")
    MembershipFactory(debate=debate, user=quoted, role=Role.ANNOTATOR)
    MembershipFactory(debate=debate, user=plain, role=Role.ANNOTATOR)
    MembershipFactory(debate=debate, user=reviewer, role=Role.REVIEWER)
    first = DocumentFactory(
        debate=debate, text=TRICKY_TEXT, title='Title "one"\t\\', source="src\n2", published=None
    )
    second = DocumentFactory(
        debate=debate,
        text="Second text 🧪 with a \u2028 separator.",
        title="Zweite \u00fcbersicht",
        url='https://example.org/?q="x"&y=\\',
        published=date(2024, 2, 29),
    )
    actor = ActorFactory(debate=debate, name='The "firm" \\ 🔐\u2028')
    spans = {
        "quoted": add_span(
            first,
            quoted,
            quoted,
            'said "no" \\ then\ttabbed,\nnext',
            actor=actor,
            note=TRICKY_NOTE,
        ),
        "controls": add_span(first, quoted, quoted, "\x01\x1f\x7f controls"),
        "gold": add_span(first, None, reviewer, "emoji 🔐🧪, separators \u2028 and \u2029"),
        "gold_nel": add_span(first, None, reviewer, "NEL \x85, no-break\u00a0space", note="\u2029"),
        "plain": add_span(second, plain, plain, "Second text 🧪", stance="contra"),
        "second_gold": add_span(second, None, reviewer, "with a \u2028 separator", role="premise"),
    }
    for source, target, kind in [
        ("quoted", "controls", "supports"),
        ("controls", "quoted", "attacks"),
        ("gold", "gold_nel", "attacks"),
        ("gold_nel", "gold", "supports"),
    ]:
        by = reviewer if spans[source].annotator_id is None else spans[source].annotator
        relation_create(
            document=spans[source].document,
            by=by,
            source=spans[source],
            target=spans[target],
            type=kind,
        )
    # A second relation of the same span, so the order of relations inside a line counts.
    relation_create(
        document=first, by=quoted, source=spans["quoted"], target=spans["controls"], type="attacks"
    )
    # Timestamps whose microseconds end in zeros or are zero: written with six digits.
    Span.objects.filter(pk=spans["quoted"].pk).update(
        created_at=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        updated_at=datetime(2024, 1, 2, 3, 4, 5, 120000, tzinfo=UTC),
    )
    Span.objects.filter(pk=spans["plain"].pk).update(
        updated_at=datetime(2030, 6, 7, 8, 9, 10, 1, tzinfo=UTC)
    )
    return debate, spans


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
    return brat_files_from_zip(ZipUpload(brat_zip(files), limits=import_limits()))[0]


# A brat mapping for the argument-annotated-essays style of tags (MajorClaim, Claim, Premise).
AAE_MAPPING = {
    "entities": {
        "MajorClaim": {"role": "claim"},
        "Claim": {"role": "claim"},
        "Premise": {"role": "premise"},
    },
    "attributes": {
        "Stance": {"field": "stance", "values": {"For": "pro", "Against": "contra"}},
        "Speaker": {"field": "actor", "values": {"MQ": "Mara Quill"}},
    },
    "defaults": {"stance": "neutral"},
}
