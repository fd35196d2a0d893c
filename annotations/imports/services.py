"""Imports of spans into one layer: a draft per document, each written all or nothing.

Readers (``annotations.formats``) turn files into ``DocumentDraft``s; ``document_draft_import``
checks one draft against the debate and writes it in one transaction through the services
(``spans_create_many``, ``relations_create_many``: the rules, the layer's state and the
history of every other write, in bulk), so a bad document rejects only itself and nothing of
it is written. Documents are matched by the SHA-256 of their normalised text and created
when new. Who may import into which layer is ``permissions.import_refusal``.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations.fields import SPAN_VALUES
from annotations.formats.brat import BratFiles, BratMapping, brat_document_read
from annotations.formats.drafts import DocumentDraft, Problem
from annotations.imports.reports import (
    IMPORTED,
    REJECTED,
    SKIPPED,
    DocumentOutcome,
    ImportInterrupted,
    ImportReport,
)
from annotations.models import (
    GOLD,
    DocumentReview,
    Relation,
    ReviewAction,
    ReviewDecision,
    Span,
    SpanEvent,
)
from annotations.permissions import import_refusal
from annotations.services import (
    LayerSubmitted,
    Link,
    SpanInput,
    relations_create_many,
    span_errors,
    spans_create_many,
)
from core.middleware import database_unavailable
from debate.models import Actor, ActorKind, Debate, Document, Membership, Role
from debate.permissions import DebateAccess
from debate.scheme import scheme_keys
from debate.selectors import debate_access
from debate.services import DocumentInput, actor_create, document_create
from debate.text import normalize_text, text_sha256

AS_EXPORTED = "as-exported"
REASON_MAX = SpanEvent._meta.get_field("reason").max_length


def import_layer_user(*, debate: Debate, layer: str) -> AbstractBaseUser | None:
    """Return the user whose layer ``layer`` names (None for gold); raise ValidationError."""
    if layer == GOLD:
        return None
    membership = (
        Membership.objects.filter(debate=debate, user__username=layer, role=Role.ANNOTATOR)
        .select_related("user")
        .first()
    )
    if membership is None:
        raise ValidationError(
            {"layer": [f"No annotator {layer!r} in this debate; give gold or an annotator."]}
        )
    return membership.user


def import_default_by(*, debate: Debate, annotator: AbstractBaseUser | None):
    """Return who a command-line import acts as when not told: a manager, else a superuser."""
    manager = (
        Membership.objects.filter(debate=debate, role=Role.MANAGER)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if manager is not None:
        return manager.user
    return get_user_model().objects.filter(is_superuser=True).order_by("id").first()


# --- Checking one draft against the debate --------------------------------------------------
def _check_spans(draft: DocumentDraft, document: Document) -> None:
    """Add to the draft every reason its spans and relations cannot be stored."""
    seen: set[str] = set()
    for span in draft.spans:
        if span.key in seen:
            draft.problem(span.line, f"span {span.key} is given twice")
        seen.add(span.key)
        values = {
            **{name: getattr(span, name) for name in SPAN_VALUES},
            "actor": None,  # resolved by name, against the debate, in _resolve_actors
        }
        for field_name, messages in span_errors(document=document, values=values).items():
            for message in messages:
                draft.problem(span.line, f"span {span.key}: {field_name}: {message}")
    relation_types = scheme_keys(document.debate.scheme, "relation_types")
    links: set[tuple[str, str, str]] = set()
    for relation in draft.relations:
        where = f"relation {relation.source} -> {relation.target}"
        missing = [key for key in (relation.source, relation.target) if key not in seen]
        if missing:
            draft.problem(relation.line, f"{where}: no span {missing[0]} in this layer")
        elif relation.source == relation.target:
            draft.problem(relation.line, f"{where}: a span cannot be related to itself")
        if relation.type not in relation_types:
            draft.problem(
                relation.line,
                f"{where}: type {relation.type!r} is not one of this debate's relation types "
                f"({', '.join(relation_types)})",
            )
        link = (relation.source, relation.target, relation.type)
        if link in links:
            draft.problem(relation.line, f"{where}: the same relation is given twice")
        links.add(link)


def _resolve_actors(draft: DocumentDraft, debate: Debate, *, may_add: bool) -> dict[str, int]:
    """Return actor ids by name; create actors the file describes and the debate lacks.

    Only a manager's import adds actors (``may_add``), as only managers add them elsewhere.
    """
    names = {span.actor for span in draft.spans if span.actor is not None}
    if not names:
        return {}
    ids = dict(Actor.objects.filter(debate=debate, name__in=names).values_list("name", "pk"))
    for span in draft.spans:
        name = span.actor
        if name is None or name in ids:
            continue
        record = draft.actors.get(name)
        if record is None:
            draft.problem(span.line, f"span {span.key}: no actor {name!r} in this debate")
            continue
        if not may_add:
            draft.problem(
                span.line,
                f"span {span.key}: no actor {name!r} in this debate; only managers add actors",
            )
            continue
        try:
            ids[name] = actor_create(
                debate=debate,
                name=name,
                kind=record.get("kind") or ActorKind.PERSON,
                affiliation=record.get("affiliation") or "",
                aliases=list(record.get("aliases") or []),
            ).pk
        except ValidationError as exc:
            draft.problem(span.line, f"actor {name!r} cannot be created: {'; '.join(exc.messages)}")
    return ids


def _find_document(
    debate: Debate, draft: DocumentDraft, *, may_add: bool
) -> tuple[Document | None, bool]:
    """Return the debate's document of a draft, created from its text when ``may_add``."""
    if draft.text is not None and not may_add:
        sha256 = text_sha256(normalize_text(draft.text))
        return Document.objects.filter(debate=debate, sha256=sha256).first(), False
    if draft.text is not None:
        return document_create(
            debate=debate,
            data=DocumentInput(
                text=draft.text,
                title=draft.title,
                source=draft.source,
                url=draft.url,
                published=draft.published,
            ),
        )
    return Document.objects.filter(debate=debate, sha256=draft.sha256).first(), False


class _Rejected(Exception):
    """Roll back one document's transaction; the draft holds the problems."""


def _write_layer(
    *,
    draft: DocumentDraft,
    document: Document,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    access: DebateAccess,
    actor_ids: dict[str, int],
    reason: str,
) -> int:
    """Write a checked draft's spans and relations into the layer, with their history."""
    spans = spans_create_many(
        document=document,
        annotator=annotator,
        by=by,
        items=[
            SpanInput(
                **{name: getattr(item, name) for name in SPAN_VALUES if name != "actor"},
                actor=None if item.actor is None else actor_ids[item.actor],
            )
            for item in draft.spans
        ],
        reason=reason[:REASON_MAX],
        access=access,
        permission=import_refusal,
    )
    by_key = {item.key: span for item, span in zip(draft.spans, spans, strict=True)}
    relations = relations_create_many(
        document=document,
        annotator=annotator,
        by=by,
        links=[
            Link(source=by_key[item.source], target=by_key[item.target], type=item.type)
            for item in draft.relations
        ],
        reason=reason[:REASON_MAX],
        access=access,
        permission=import_refusal,
    )
    if annotator is None:
        _record_gold_import(document=document, spans=spans, relations=relations, by=by)
    return len(spans)


def _record_gold_import(
    *, document: Document, spans: list[Span], relations: list[Relation], by: AbstractBaseUser
) -> None:
    """Record an import into gold as review decisions (action ``import``), one per span and
    relation written, so the gold layer's audit trail names who put each there, as a review's
    decisions do; the document's review version moves on by one for the whole import."""
    review, _created = DocumentReview.objects.select_for_update().get_or_create(document=document)
    review.version += 1
    if review.started_by_id is None:
        review.started_by = by
    review.save(update_fields=["version", "started_by", "updated_at"])
    common = {
        "document": document,
        "reviewer": by,
        "action": ReviewAction.IMPORT,
        "review_version": review.version,
    }
    ReviewDecision.objects.bulk_create(
        [ReviewDecision(**common, unit_key=f"g-{span.pk}", gold_span_pk=span.pk) for span in spans]
        + [ReviewDecision(**common, gold_relation_pk=relation.pk) for relation in relations]
    )


# --- Writing one draft ----------------------------------------------------------------------
def _import_into_report(report: ImportReport, **draft_import: Any) -> None:
    """Import one draft and record its outcome in ``report``.

    A lost database is re-raised as it came while nothing has been imported yet (then
    "nothing was written" is true); after that it becomes ``ImportInterrupted``.
    """
    try:
        report.documents.append(document_draft_import(**draft_import))
    except Exception as exc:
        if report.count(IMPORTED) and database_unavailable(exc):
            raise ImportInterrupted(report) from exc
        raise


def document_draft_import(
    *,
    debate: Debate,
    draft: DocumentDraft,
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    reason: str,
) -> DocumentOutcome:
    """Write one document's spans and relations into a layer (None: gold), all or nothing.

    The document is found by the hash of its normalised text, or created. A layer that
    already holds spans of the document is left alone (``skipped``), so running the same
    import again adds nothing. ``by`` must pass ``import_refusal``.
    """
    layer = GOLD if annotator is None else annotator.get_username()
    outcome = DocumentOutcome(name=draft.name, layer=layer, status=REJECTED)
    access = debate_access(user=by, debate=debate)
    refusal = import_refusal(
        access=access, annotator_id=None if annotator is None else annotator.pk
    )
    if refusal:
        raise PermissionDenied(refusal)
    if draft.text is None and not draft.sha256:  # nothing to check the spans against
        outcome.problems = list(draft.problems)
        return outcome
    try:
        with transaction.atomic():
            document, created = _find_document(debate, draft, may_add=access.can_manage)
            if document is None and draft.text is not None:
                draft.problem(
                    None, "no document with this text in this debate; only managers add documents"
                )
                raise _Rejected
            if document is None:
                draft.problem(
                    None,
                    f"no document with SHA-256 {draft.sha256} in this debate, and the file "
                    "does not hold its text",
                )
                raise _Rejected
            document.debate = debate  # validation reads the scheme from it
            outcome.document, outcome.document_created = document.pk, created
            held = Span.objects.filter(document=document, annotator=annotator).count()
            if held:
                outcome.status = SKIPPED
                draft.problem(
                    None,
                    f"layer {layer} of document {document.pk} already holds {held} span(s); "
                    "nothing was imported into it",
                )
                raise _Rejected
            _check_spans(draft, document)
            actor_ids = _resolve_actors(draft, debate, may_add=access.can_manage)
            if draft.problems:
                raise _Rejected
            if draft.spans:
                try:
                    outcome.spans = _write_layer(
                        draft=draft,
                        document=document,
                        annotator=annotator,
                        by=by,
                        access=access,
                        actor_ids=actor_ids,
                        reason=reason,
                    )
                except LayerSubmitted as exc:
                    draft.problem(None, f"layer {layer}: {exc}")
                    raise _Rejected from None
                outcome.relations = len(draft.relations)
            outcome.status = IMPORTED
            return outcome
    except _Rejected:
        pass
    except ValidationError as exc:  # the document itself was refused (its text)
        draft.problems.extend(Problem(draft.file, None, message) for message in exc.messages)
    outcome.problems = list(draft.problems)
    if outcome.document_created:  # rolled back with the rest
        outcome.document, outcome.document_created = None, False
    return outcome


# --- Imports of a whole upload --------------------------------------------------------------
def brat_import(
    *,
    debate: Debate,
    documents: Iterable[BratFiles],
    annotator: AbstractBaseUser | None,
    by: AbstractBaseUser,
    mapping: BratMapping,
    origin: str = "brat",
    ignored: Iterable[str] = (),
) -> ImportReport:
    """Import brat documents into one layer (None: gold), each document all or nothing.

    ``ignored`` names the upload's entries that are not brat documents, for the report (also
    the one an interrupted import carries).
    """
    report = ImportReport(ignored=list(ignored))
    for files in documents:
        _import_into_report(
            report,
            debate=debate,
            draft=brat_document_read(files, mapping=mapping),
            annotator=annotator,
            by=by,
            reason=f"imported from {origin}: {files.name}",
        )
    return report


def spans_import(
    *,
    debate: Debate,
    drafts: Iterable[DocumentDraft],
    layer: str,
    by: AbstractBaseUser,
    origin: str,
) -> ImportReport:
    """Import JSON Lines drafts into one layer, or each into its own (``as-exported``).

    With one target layer, a file holding several layers is refused document by document:
    choose one with ``source_layer``.
    """
    report = ImportReport()
    access = debate_access(user=by, debate=debate)
    target = None if layer == AS_EXPORTED else import_layer_user(debate=debate, layer=layer)
    seen_layers: set[str] = set()
    for draft in drafts:
        if draft.name == "(file)":
            report.documents.append(
                DocumentOutcome(name=draft.name, layer="", status=REJECTED, problems=draft.problems)
            )
            continue
        annotator = target
        if layer == AS_EXPORTED:
            try:
                annotator = import_layer_user(debate=debate, layer=draft.layer)
            except ValidationError as exc:
                draft.problem(None, "; ".join(exc.messages))
            else:
                refusal = import_refusal(
                    access=access, annotator_id=None if annotator is None else annotator.pk
                )
                if refusal:
                    draft.problem(None, refusal)
                    annotator = None  # never written: the draft has a problem
        else:
            seen_layers.add(draft.layer)
            if len(seen_layers) > 1:
                draft.problem(
                    None,
                    f"the file holds more than one layer ({', '.join(sorted(seen_layers))}); "
                    f"import one with source_layer, or all with layer={AS_EXPORTED}",
                )
        _import_into_report(
            report,
            debate=debate,
            draft=draft,
            annotator=annotator,
            by=by,
            reason=f"imported from {origin}",
        )
    return report
