"""A small debate for export and import tests, written through the real services.

Its text is full of traps: an emoji (one code point, two UTF-16 units), a decomposed accent
(x + U+0301, which has no precomposed form), curly quotes, a no-break space and a span that
runs over a line break.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import Relation, Span
from annotations.services import SpanInput, relation_create, span_create
from debate.models import Actor, Debate, Document, Role
from tests.factories import (
    ActorFactory,
    DebateFactory,
    DocumentFactory,
    MembershipFactory,
    UserFactory,
)

TEXT_A = (
    "Tech firms 🔐 say a “backdoor” weakens security for all.\n"
    "The NSPCC says scanning is needed. Then x\u0301 marks\u00a0the spot."
)
TEXT_B = "Rani Govender said scanning protects children.\nKate Robertson disagreed strongly."
TEXT_C = "An article published later: encryption keeps everyone safe."


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
    govender: Actor
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
    doc_b = DocumentFactory(
        debate=debate, text=TEXT_B, title="Govender", published=date(2023, 3, 1)
    )
    doc_c = DocumentFactory(debate=debate, text=TEXT_C, title="Later", published=date(2024, 5, 1))
    govender = ActorFactory(debate=debate, name="Rani Govender")
    firms = ActorFactory(debate=debate, name="the tech firms", kind="collective")
    ann, rev = users["ann"], users["rev"]
    spans = {
        "a_firms": add_span(doc_a, ann, ann, "Tech firms 🔐 say", actor=firms, stance="contra"),
        "a_backdoor": add_span(
            doc_a, ann, ann, "a “backdoor” weakens security", role="premise", stance="contra"
        ),
        "a_multiline": add_span(
            doc_a, ann, ann, "for all.\nThe NSPCC", stance="neutral", note="crosses\na line"
        ),
        "a_accent": add_span(doc_a, ann, ann, "x\u0301 marks\u00a0the", stance="neutral"),
        "gold_a": add_span(doc_a, None, rev, "a “backdoor” weakens security", stance="contra"),
        "gold_a2": add_span(doc_a, None, rev, "scanning is needed", role="premise"),
        "gold_b": add_span(doc_b, None, rev, "scanning protects children", actor=govender),
        "gold_b2": add_span(
            doc_b, None, rev, "Kate Robertson disagreed", stance="contra", role="premise"
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
        govender=govender,
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
    from datetime import UTC, datetime

    from annotations.export_selectors import (
        ExportFilters,
        export_actors,
        export_jsonl_body,
        export_provenance,
        export_spans,
    )
    from annotations.exports import brat_export, jsonl_export
    from debate.permissions import DebateAccess

    filters = filters or ExportFilters()
    now = datetime(2025, 1, 2, tzinfo=UTC)
    actors = export_actors(debate=debate)
    provenance = export_provenance(debate=debate, filters=filters, format=format, by="t", now=now)
    access = DebateAccess(user_id=0, role="researcher")
    if format == "jsonl":
        # Small chunks for the portable writer, so documents and relations cross chunk
        # boundaries; PostgreSQL writes the lines itself.
        body = export_jsonl_body(
            access=access, debate=debate, filters=filters, actors=actors, chunk_size=3
        )
        return b"".join(jsonl_export(provenance=provenance, actors=actors, body=body))
    spans = export_spans(
        access=access, debate=debate, filters=filters, actors=actors, with_text=True, chunk_size=3
    )
    return b"".join(
        brat_export(
            provenance=provenance, scheme=debate.scheme, actors=actors, spans=spans, now=now
        )
    )
