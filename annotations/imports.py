"""Span imports: brat standoff files and Debatemap's own JSON Lines export, into one layer.

Reading is separate from writing. Readers turn files into ``DocumentDraft``s (the text, the
spans and relations it holds, or the problems found, each naming file, line and reason);
``document_draft_import`` writes one draft in one transaction, so a bad document rejects only
itself and nothing of it is written. Documents are matched by the SHA-256 of their normalised
text and created when new. Spans are checked with the same rules as every other write
(``annotations.services``): offsets in code points, quote equal to the text, labels from the
debate's scheme, and each is recorded in its history.

Uploads are checked whole before anything is read into the database: a zip with an entry that
would leave its folder (``../``, an absolute path), a link, an encrypted entry, too many
entries or too many bytes is refused with ``UploadRefused``. The limits are settings:

- ``DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES`` (default 50 MiB): the uploaded file;
- ``DEBATEMAP_IMPORT_MAX_ENTRIES`` (default 20,000): entries in a zip;
- ``DEBATEMAP_IMPORT_MAX_ENTRY_BYTES`` (default 20 MiB): one entry, uncompressed;
- ``DEBATEMAP_IMPORT_MAX_TOTAL_BYTES`` (default 200 MiB): all entries, uncompressed.
"""

import json
import re
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from annotations.exports import (
    BRAT_ACTOR,
    BRAT_CONFIG_FILES,
    BRAT_NOTE,
    BRAT_STANCE,
    ExportActor,
    actor_tokens,
    brat_name,
)
from annotations.models import GOLD, Relation, Span, SpanEvent, SpanEventAction
from annotations.services import LayerSubmitted, layer_open, span_errors, span_snapshot
from core.middleware import database_unavailable
from debate.models import Actor, ActorKind, Debate, Document, Membership, Role
from debate.permissions import DebateAccess
from debate.scheme import scheme_keys
from debate.selectors import debate_access
from debate.services import DocumentInput, actor_create, document_create
from debate.text import normalize_text, text_sha256

AS_EXPORTED = "as-exported"
IMPORTED = "imported"
SKIPPED = "skipped"
REJECTED = "rejected"
REASON_MAX = 200


# --- Limits and refusals --------------------------------------------------------------------
@dataclass(frozen=True)
class ImportLimits:
    upload_bytes: int
    entries: int
    entry_bytes: int
    total_bytes: int


def import_limits() -> ImportLimits:
    """Return the upload limits in force (settings, or the defaults documented above)."""
    return ImportLimits(
        upload_bytes=getattr(settings, "DEBATEMAP_IMPORT_MAX_UPLOAD_BYTES", 50 * 2**20),
        entries=getattr(settings, "DEBATEMAP_IMPORT_MAX_ENTRIES", 20_000),
        entry_bytes=getattr(settings, "DEBATEMAP_IMPORT_MAX_ENTRY_BYTES", 20 * 2**20),
        total_bytes=getattr(settings, "DEBATEMAP_IMPORT_MAX_TOTAL_BYTES", 200 * 2**20),
    )


class UploadRefused(Exception):
    """The upload as a whole is refused before anything is written; ``status`` says why."""

    def __init__(self, message: str, *, status: int = 400):
        self.status = status
        super().__init__(message)


class MappingInvalid(ValueError):
    """A label mapping names something the debate does not have, or has the wrong shape."""


def import_refusal(*, access: DebateAccess, annotator: AbstractBaseUser | None) -> str | None:
    """Return why a user may not import into a layer (None: gold), or None when they may.

    Loading a corpus is a manager's job: managers import into gold or any annotator's layer.
    Reviewers, who write gold anyway, import into gold. Annotators and researchers do not.
    """
    if access.can_manage:
        return None
    if access.writes_gold:
        if annotator is None:
            return None
        return "Reviewers import into the gold layer only."
    return "Only managers and reviewers of this debate import annotations."


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


# --- Reports --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class DocumentOutcome:
    name: str
    layer: str
    status: str
    document: int | None = None
    document_created: bool = False
    spans: int = 0
    relations: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "layer": self.layer,
            "status": self.status,
            "document": self.document,
            "document_created": self.document_created,
            "spans": self.spans,
            "relations": self.relations,
            "problems": [
                {"file": problem.file, "line": problem.line, "reason": problem.reason}
                for problem in self.problems
            ],
        }


@dataclass
class ImportReport:
    documents: list[DocumentOutcome] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.documents if outcome.status == status)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.count(IMPORTED),
            "skipped": self.count(SKIPPED),
            "rejected": self.count(REJECTED),
            "spans": sum(outcome.spans for outcome in self.documents),
            "relations": sum(outcome.relations for outcome in self.documents),
            "documents": [outcome.as_dict() for outcome in self.documents],
            "ignored": self.ignored,
        }


# --- Drafts: what a reader found in one document --------------------------------------------
@dataclass
class SpanDraft:
    key: str  # the span's name in the file (a brat T id, an exported span id)
    line: int
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor: str | None = None  # an actor's name
    note: str = ""


@dataclass
class RelationDraft:
    line: int
    source: str
    target: str
    type: str


@dataclass
class DocumentDraft:
    name: str
    file: str  # where the spans were read, for messages
    text: str | None = None
    title: str = ""
    source: str = ""
    url: str = ""
    published: date | None = None
    sha256: str = ""  # when the text is not in the file: a document the debate holds
    layer: str = ""  # the layer the file says (JSON Lines), for AS_EXPORTED
    spans: list[SpanDraft] = field(default_factory=list)
    relations: list[RelationDraft] = field(default_factory=list)
    actors: dict[str, dict[str, Any]] = field(default_factory=dict)  # may be created, by name
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int | None, reason: str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, line, reason))


# --- Writing one document -------------------------------------------------------------------
def _check_spans(draft: DocumentDraft, document: Document) -> None:
    """Add to the draft every reason its spans and relations cannot be stored."""
    seen: set[str] = set()
    for span in draft.spans:
        if span.key in seen:
            draft.problem(span.line, f"span {span.key} is given twice")
        seen.add(span.key)
        values = {
            "start": span.start,
            "end": span.end,
            "quote": span.quote,
            "stance": span.stance,
            "role": span.role,
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
    actor_ids: dict[str, int],
    reason: str,
) -> int:
    spans = Span.objects.bulk_create(
        [
            Span(
                document=document,
                annotator=annotator,
                start=item.start,
                end=item.end,
                quote=item.quote,
                stance=item.stance,
                role=item.role,
                actor_id=None if item.actor is None else actor_ids[item.actor],
                note=item.note,
                created_by=by,
            )
            for item in draft.spans
        ]
    )
    SpanEvent.objects.bulk_create(
        [
            SpanEvent(
                span_pk=span.pk,
                document_id=document.pk,
                annotator_id=span.annotator_id,
                action=SpanEventAction.CREATED,
                by=by,
                before=None,
                after=span_snapshot(span),
                reason=reason[:REASON_MAX],
            )
            for span in spans
        ]
    )
    by_key = {item.key: span for item, span in zip(draft.spans, spans, strict=True)}
    Relation.objects.bulk_create(
        [
            Relation(
                document=document,
                annotator=annotator,
                source=by_key[item.source],
                target=by_key[item.target],
                type=item.type,
                created_by=by,
            )
            for item in draft.relations
        ]
    )
    return len(spans)


class ImportInterrupted(Exception):
    """The database was lost part way through an import, after documents were written.

    Each document is written in its own transaction, so those finished before the loss are
    kept; ``report`` lists them. Importing the same upload again skips them.
    """

    def __init__(self, report: ImportReport) -> None:
        super().__init__(
            "The database was lost part way through the import, after "
            f"{report.count(IMPORTED)} document(s) were imported; those are kept and nothing "
            "of the others was written. Retry shortly: importing the same file again skips "
            "the documents already imported."
        )
        self.report = report


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
    refusal = import_refusal(access=access, annotator=annotator)
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
                    layer_open(document=document, annotator=annotator)
                except LayerSubmitted as exc:
                    draft.problem(None, f"layer {layer}: {exc}")
                    raise _Rejected from None
                outcome.spans = _write_layer(
                    draft=draft,
                    document=document,
                    annotator=annotator,
                    by=by,
                    actor_ids=actor_ids,
                    reason=reason,
                )
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


# --- Text offsets ---------------------------------------------------------------------------
class TextOffsets:
    """Map offsets into a text as a file holds it to offsets into its normalised form.

    brat counts code points of the ``.txt`` as it is; Debatemap stores NFC text with ``\\n``
    line ends. Where normalising changed nothing the map is the identity; otherwise the text
    is cut where normalisation cannot join neighbours, and only those cuts map.
    """

    def __init__(self, raw: str):
        self.raw = raw
        self.text = normalize_text(raw)
        self._map: dict[int, int] | None = None
        self.mappable = True
        if self.text != raw:
            self._build()

    def _build(self) -> None:
        raw = self.raw
        cuts = [0]
        if raw.startswith("\ufeff"):
            cuts.append(1)
        for index in range(cuts[-1] + 1, len(raw)):
            before, after = raw[index - 1], raw[index]
            if before == "\r" and after == "\n":
                continue
            if unicodedata.combining(after):
                continue
            pair = unicodedata.normalize("NFC", before + after)
            if pair != unicodedata.normalize("NFC", before) + unicodedata.normalize("NFC", after):
                continue
            cuts.append(index)
        cuts.append(len(raw))
        mapping = {0: 0}
        position = 0
        pieces = []
        for left, right in pairwise(cuts):
            piece = raw[left:right]
            if left == 0 and piece == "\ufeff":
                piece = ""
            piece = unicodedata.normalize("NFC", piece.replace("\r\n", "\n").replace("\r", "\n"))
            pieces.append(piece)
            position += len(piece)
            mapping[right] = position
        self.mappable = "".join(pieces) == self.text
        self._map = mapping

    def normalised(self, offset: int) -> int | None:
        """Return where a raw offset falls in the normalised text, or None if it cannot."""
        if self._map is None:
            return offset
        return self._map.get(offset) if self.mappable else None


# --- brat -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class AttributeRule:
    field: str  # stance, role or actor
    values: dict[str, str]  # brat value -> ours ("" for a binary attribute)


@dataclass
class BratMapping:
    """How brat labels become Debatemap labels; ``None`` means: leave such lines out."""

    entities: dict[str, dict[str, str] | None]
    attributes: dict[str, AttributeRule | None]
    relations: dict[str, str | None]
    defaults: dict[str, str]
    ignore: frozenset[str] = frozenset()


ENTITY_FIELDS = ("role", "stance", "actor")
IGNORABLE_LINES = frozenset({"E", "N", "*", "M"})


def brat_mapping_default(*, scheme: dict[str, Any], actors: Iterable[ExportActor]) -> BratMapping:
    """Return the mapping that reads Debatemap's own brat export back unchanged."""
    actors = list(actors)
    tokens = actor_tokens(actors)
    names = {actor.id: actor.name for actor in actors}
    return BratMapping(
        entities={brat_name(key): {"role": key} for key in scheme_keys(scheme, "roles")},
        attributes={
            BRAT_STANCE: AttributeRule(
                "stance", {brat_name(key): key for key in scheme_keys(scheme, "stances")}
            ),
            BRAT_ACTOR: AttributeRule("actor", {token: names[pk] for pk, token in tokens.items()}),
        },
        relations={brat_name(key): key for key in scheme_keys(scheme, "relation_types")},
        defaults={},
    )


def brat_mapping_parse(
    data: Any, *, scheme: dict[str, Any], actors: Iterable[ExportActor]
) -> BratMapping:
    """Return a mapping file's rules laid over the default mapping; raise MappingInvalid.

    The file is a JSON object with any of::

        {"entities":   {"MajorClaim": {"role": "claim"}, "Claim": {"role": "claim",
                        "stance": "pro"}, "Other": null},
         "attributes": {"Stance": {"field": "stance", "values": {"For": "pro",
                        "Against": "contra"}}, "Speaker": {"field": "actor",
                        "values": {"RG": "Rani Govender"}}, "Confidence": null},
         "relations":  {"supports": "supports", "attacks": "attacks", "seeAlso": null},
         "defaults":   {"stance": "neutral", "role": "claim"},
         "ignore":     ["E", "N", "*"]}

    ``null`` leaves such annotations out. A binary attribute maps with ``{"field": "stance",
    "value": "contra"}``.
    """
    actors = list(actors)
    mapping = brat_mapping_default(scheme=scheme, actors=actors)
    if not isinstance(data, dict):
        raise MappingInvalid("The mapping must be a JSON object.")
    unknown = set(data) - {"entities", "attributes", "relations", "defaults", "ignore"}
    if unknown:
        raise MappingInvalid(f"Unknown mapping keys: {', '.join(sorted(unknown))}.")
    allowed = {
        "role": scheme_keys(scheme, "roles"),
        "stance": scheme_keys(scheme, "stances"),
        "actor": [actor.name for actor in actors],
    }

    def check(where: str, field_name: str, value: Any) -> str:
        if field_name not in allowed:
            raise MappingInvalid(f"{where}: unknown field {field_name!r}; use role, stance, actor.")
        if value not in allowed[field_name]:
            choices = ", ".join(allowed[field_name]) or "none"
            raise MappingInvalid(
                f"{where}: {value!r} is not a {field_name} of this debate ({choices})."
            )
        return value

    def section(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise MappingInvalid(f"{name}: must be an object.")
        return value

    for brat_type, rule in section("entities").items():
        where = f"entities.{brat_type}"
        if rule is None:
            mapping.entities[brat_type] = None
            continue
        if not isinstance(rule, dict) or not rule:
            raise MappingInvalid(f'{where}: must be an object such as {{"role": "claim"}}.')
        mapping.entities[brat_type] = {key: check(where, key, value) for key, value in rule.items()}
    for brat_attribute, rule in section("attributes").items():
        where = f"attributes.{brat_attribute}"
        if rule is None:
            mapping.attributes[brat_attribute] = None
            continue
        if not isinstance(rule, dict) or "field" not in rule:
            raise MappingInvalid(f"{where}: must be an object with field and values (or value).")
        field_name = rule["field"]
        if "value" in rule:
            values = {"": check(where, field_name, rule["value"])}
        elif isinstance(rule.get("values"), dict):
            values = {
                str(key): check(f"{where}.values.{key}", field_name, value)
                for key, value in rule["values"].items()
            }
        else:
            raise MappingInvalid(f"{where}: give values (an object) or value.")
        mapping.attributes[brat_attribute] = AttributeRule(field_name, values)
    relation_types = scheme_keys(scheme, "relation_types")
    for brat_type, ours in section("relations").items():
        if ours is not None and ours not in relation_types:
            raise MappingInvalid(
                f"relations.{brat_type}: {ours!r} is not a relation type of this debate "
                f"({', '.join(relation_types)})."
            )
        mapping.relations[brat_type] = ours
    for key, value in section("defaults").items():
        mapping.defaults[key] = check(f"defaults.{key}", key, value)
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not set(ignore) <= IGNORABLE_LINES:
        raise MappingInvalid(
            f"ignore: a list of line kinds among {', '.join(sorted(IGNORABLE_LINES))}."
        )
    mapping.ignore = frozenset(ignore)
    return mapping


_T_LINE = re.compile(r"^T(\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_A_LINE = re.compile(r"^[AM](\d+)\t(\S+) (T\d+)(?: (\S+))?$")
_R_LINE = re.compile(r"^R(\d+)\t(\S+) (\S+):(T\d+) (\S+):(T\d+)$")
_NOTE_LINE = re.compile(r"^#(\d+)\t(\S+) (T\d+)\t(.*)$")


@dataclass(frozen=True)
class BratFiles:
    """One brat document: its name (path without extension) and the bytes of its files."""

    name: str
    txt: bytes | None
    ann: bytes | None


def _decode(data: bytes, file: str, draft: DocumentDraft) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        draft.problem(None, f"not UTF-8 text (byte {exc.start})", file=file)
        return None


def brat_document_read(files: BratFiles, *, mapping: BratMapping) -> DocumentDraft:
    """Read one brat document into a draft, checking every offset against the text."""
    txt_name, ann_name = f"{files.name}.txt", f"{files.name}.ann"
    draft = DocumentDraft(name=files.name, file=ann_name, source=PurePosixPath(txt_name).name)
    if files.txt is None:
        draft.problem(None, "there is no .txt beside this .ann", file=ann_name)
        return draft
    raw = _decode(files.txt, txt_name, draft)
    ann = "" if files.ann is None else _decode(files.ann, ann_name, draft)
    if raw is None or ann is None:
        return draft
    if not normalize_text(raw).strip():
        draft.problem(None, "the text is empty", file=txt_name)
        return draft
    offsets = TextOffsets(raw)
    draft.text = offsets.text
    entities: dict[str, SpanDraft] = {}
    left_out: set[str] = set()
    attributes: list[tuple[int, str, str, str | None]] = []
    notes: list[tuple[int, str, str]] = []
    relations: list[tuple[int, str, str, str]] = []
    for number, line in enumerate(ann.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        kind = line[0]
        if kind == "T":
            span = _read_entity(line, number, raw, offsets, mapping, draft)
            if span is None:
                # Its problem is reported; lines about it would only repeat it.
                left_out.add(line.split("\t", 1)[0])
                continue
            if span.role == "":  # an entity type the mapping leaves out
                left_out.add(span.key)
            else:
                entities[span.key] = span
        elif kind in "AM" and (match := _A_LINE.match(line)):
            attributes.append((number, match[2], match[3], match[4]))
        elif kind == "R" and (match := _R_LINE.match(line)):
            names = {match[3]: match[4], match[5]: match[6]}
            source, target = names.get("Arg1", match[4]), names.get("Arg2", match[6])
            relations.append((number, match[2], source, target))
        elif kind == "#" and (match := _NOTE_LINE.match(line)):
            if match[2] == BRAT_NOTE:
                notes.append((number, match[3], match[4]))
        elif kind in "ENM*" and kind in mapping.ignore:
            continue
        elif kind in "TARE#NM*":
            if kind in "EN*":
                draft.problem(
                    number,
                    f"{kind} lines are not imported; add {kind!r} to the mapping's ignore "
                    "list to leave them out",
                )
            else:
                draft.problem(number, f"malformed {kind} line: {line[:80]!r}")
        else:
            draft.problem(number, f"unknown annotation line: {line[:80]!r}")
    for number, name, target, value in attributes:
        _apply_attribute(number, name, target, value, entities, left_out, mapping, draft)
    for number, target, note in notes:
        if target in entities:
            span = entities[target]
            span.note = f"{span.note}\n{note}" if span.note else note
        elif target not in left_out:
            draft.problem(number, f"the note refers to {target}, which is not in the file")
    for span in entities.values():
        for field_name in ("stance", "role"):
            if not getattr(span, field_name):
                default = mapping.defaults.get(field_name)
                if default is None:
                    draft.problem(
                        span.line,
                        f"{span.key} has no {field_name}: no attribute gives one and the "
                        f"mapping has no default {field_name}",
                    )
                else:
                    setattr(span, field_name, default)
        if span.actor is None and mapping.defaults.get("actor"):
            span.actor = mapping.defaults["actor"]
    for number, brat_type, source, target in relations:
        if brat_type not in mapping.relations:
            known = ", ".join(sorted(key for key, v in mapping.relations.items() if v)) or "none"
            draft.problem(
                number, f"relation type {brat_type!r} is not in the mapping (known: {known})"
            )
            continue
        ours = mapping.relations[brat_type]
        if ours is None or source in left_out or target in left_out:
            continue
        draft.relations.append(RelationDraft(line=number, source=source, target=target, type=ours))
    draft.spans = sorted(entities.values(), key=lambda span: (span.start, span.end, span.line))
    return draft


def _read_entity(
    line: str,
    number: int,
    raw: str,
    offsets: TextOffsets,
    mapping: BratMapping,
    draft: DocumentDraft,
) -> SpanDraft | None:
    match = _T_LINE.match(line)
    if not match:
        draft.problem(number, f"malformed T line: {line[:80]!r}")
        return None
    key, brat_type, mention = f"T{match[1]}", match[2], match[4]
    fragments = [tuple(map(int, part.split(" "))) for part in match[3].split(";")]
    for start, end in fragments:
        if not 0 <= start < end <= len(raw):
            draft.problem(
                number,
                f"{key}: offsets {start} {end} are outside the text, which has {len(raw)} "
                "characters (code points)",
            )
            return None
    found = " ".join(raw[start:end] for start, end in fragments)
    if found != mention:
        draft.problem(
            number,
            f"{key}: the text at {match[3]} is {found[:60]!r}, not {mention[:60]!r} as the "
            "line says",
        )
        return None
    ordered = sorted(fragments)
    for (_, left_end), (right_start, _) in pairwise(ordered):
        if raw[left_end:right_start].strip():
            draft.problem(
                number,
                f"{key}: its fragments are apart by {raw[left_end:right_start][:40]!r}; only "
                "fragments split at line breaks or spaces become one span",
            )
            return None
    if brat_type not in mapping.entities:
        known = ", ".join(sorted(key for key, v in mapping.entities.items() if v)) or "none"
        draft.problem(number, f"entity type {brat_type!r} is not in the mapping (known: {known})")
        return None
    rule = mapping.entities[brat_type]
    raw_start, raw_end = ordered[0][0], ordered[-1][1]
    start, end = offsets.normalised(raw_start), offsets.normalised(raw_end)
    if start is None or end is None:
        draft.problem(
            number,
            f"{key}: offset {raw_start if start is None else raw_end} falls inside characters "
            "that Unicode normalisation (NFC) joins; the span cannot be placed in the stored "
            "text",
        )
        return None
    if rule is None:
        return SpanDraft(key=key, line=number, start=start, end=end, quote="", stance="", role="")
    return SpanDraft(
        key=key,
        line=number,
        start=start,
        end=end,
        quote=offsets.text[start:end],
        stance=rule.get("stance", ""),
        role=rule.get("role", ""),
        actor=rule.get("actor"),
    )


def _apply_attribute(
    number: int,
    name: str,
    target: str,
    value: str | None,
    entities: dict[str, SpanDraft],
    left_out: set[str],
    mapping: BratMapping,
    draft: DocumentDraft,
) -> None:
    if target in left_out:
        return
    if target not in entities:
        draft.problem(number, f"the attribute refers to {target}, which is not in the file")
        return
    if name not in mapping.attributes:
        known = ", ".join(sorted(key for key, v in mapping.attributes.items() if v)) or "none"
        draft.problem(number, f"attribute {name!r} is not in the mapping (known: {known})")
        return
    rule = mapping.attributes[name]
    if rule is None:
        return
    brat_value = value or ""
    if brat_value not in rule.values:
        known = ", ".join(sorted(rule.values)) or "none"
        draft.problem(number, f"{name} value {brat_value!r} is not in the mapping (known: {known})")
        return
    setattr(entities[target], rule.field, rule.values[brat_value])


def brat_files_from_folder(folder: Path) -> tuple[list[BratFiles], list[str]]:
    """Return the brat documents in a folder (recursively) and the files passed over."""
    stems: dict[str, dict[str, Path]] = {}
    ignored: list[str] = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(folder).as_posix()
        if _passed_over(relative) or path.suffix not in (".txt", ".ann"):
            ignored.append(relative)
            continue
        stems.setdefault(relative[: -len(path.suffix)], {})[path.suffix] = path
    return [
        BratFiles(
            name=stem,
            txt=files[".txt"].read_bytes() if ".txt" in files else None,
            ann=files[".ann"].read_bytes() if ".ann" in files else None,
        )
        for stem, files in sorted(stems.items())
    ], ignored


def _passed_over(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return (
        any(part.startswith(".") or part == "__MACOSX" for part in parts)
        or parts[-1] in BRAT_CONFIG_FILES
        or parts[-1] == "provenance.json"
    )


# --- Zip uploads ----------------------------------------------------------------------------
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
ZIP_CONTENT_TYPES = frozenset(
    {
        "application/zip",
        "application/x-zip-compressed",
        "application/x-zip",
        "multipart/x-zip",
        "application/octet-stream",
    }
)
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def _unsafe_name(name: str) -> str | None:
    """Return why a zip entry name could escape the folder it is unpacked in, or None."""
    if "\x00" in name:
        return "holds a NUL character"
    if name.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(name):
        return "is an absolute path"
    if ".." in re.split(r"[\\/]", name):
        return "climbs out of the archive with '..'"
    if "\\" in name:
        return "uses backslashes as folder separators"
    return None


class ZipUpload:
    """A zip archive checked whole against the limits before any entry is read."""

    def __init__(self, fileobj: IO[bytes], *, limits: ImportLimits):
        self.limits = limits
        fileobj.seek(0)
        head = fileobj.read(4)
        fileobj.seek(0)
        if head not in ZIP_MAGIC:
            raise UploadRefused("file: not a zip archive (it does not start with PK).")
        try:
            self.archive = zipfile.ZipFile(fileobj)
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as exc:
            raise UploadRefused(f"file: not a readable zip archive ({exc}).") from None
        if len(infos) > limits.entries:
            raise UploadRefused(
                f"file: the archive has {len(infos)} entries; the limit is {limits.entries} "
                "(DEBATEMAP_IMPORT_MAX_ENTRIES)."
            )
        total = 0
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            reason = _unsafe_name(info.filename)
            if reason:
                raise UploadRefused(f"file: the entry {info.filename!r} {reason}.")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadRefused(f"file: the entry {info.filename!r} is a symbolic link.")
            if info.flag_bits & 0x1:
                raise UploadRefused(f"file: the entry {info.filename!r} is encrypted.")
            if info.is_dir():
                continue
            if info.file_size > limits.entry_bytes:
                raise UploadRefused(
                    f"file: the entry {info.filename!r} unpacks to {info.file_size} bytes; "
                    f"the limit is {limits.entry_bytes} (DEBATEMAP_IMPORT_MAX_ENTRY_BYTES).",
                    status=413,
                )
            total += info.file_size
            if info.filename in self.entries:
                raise UploadRefused(f"file: the entry {info.filename!r} appears twice.")
            self.entries[info.filename] = info
        if total > limits.total_bytes:
            raise UploadRefused(
                f"file: the archive unpacks to {total} bytes; the limit is "
                f"{limits.total_bytes} (DEBATEMAP_IMPORT_MAX_TOTAL_BYTES).",
                status=413,
            )

    def read(self, name: str) -> bytes:
        """Return an entry's bytes, refusing one that unpacks beyond what it declared."""
        info = self.entries[name]
        try:
            with self.archive.open(info) as entry:
                data = entry.read(min(info.file_size, self.limits.entry_bytes) + 1)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
            raise UploadRefused(f"file: the entry {name!r} cannot be unpacked ({exc}).") from None
        if len(data) > info.file_size:
            raise UploadRefused(f"file: the entry {name!r} unpacks to more than it declares.")
        return data

    def brat_files(self) -> tuple[list[BratFiles], list[str]]:
        """Return the brat documents of the archive (read whole, checked) and the rest."""
        stems: dict[str, dict[str, str]] = {}
        ignored: list[str] = []
        for name in sorted(self.entries):
            suffix = PurePosixPath(name).suffix
            if _passed_over(name) or suffix not in (".txt", ".ann"):
                ignored.append(name)
                continue
            stems.setdefault(name[: -len(suffix)], {})[suffix] = name
        # Read every entry now, so a lying entry refuses the upload before anything is written.
        documents = [
            BratFiles(
                name=stem,
                txt=self.read(files[".txt"]) if ".txt" in files else None,
                ann=self.read(files[".ann"]) if ".ann" in files else None,
            )
            for stem, files in sorted(stems.items())
        ]
        return documents, ignored


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


# --- JSON Lines -----------------------------------------------------------------------------
JSONL_CONTENT_TYPES = frozenset(
    {
        "application/x-ndjson",
        "application/jsonl",
        "application/x-jsonlines",
        "application/json",
        "text/plain",
        "application/octet-stream",
    }
)
_SPAN_FIELDS = {
    "start": int,
    "end": int,
    "quote": str,
    "stance": str,
    "role": str,
}


def _span_from_record(record: dict[str, Any], number: int, draft: DocumentDraft) -> None:
    for name, kind in _SPAN_FIELDS.items():
        value = record.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            draft.problem(number, f"{name}: required, a {kind.__name__}")
            return
    actor = record.get("actor")
    if actor is not None and not (isinstance(actor, dict) and isinstance(actor.get("name"), str)):
        draft.problem(number, 'actor: null or an object with a name ({"id": 4, "name": "..."})')
        return
    note = record.get("note") or ""
    if not isinstance(note, str):
        draft.problem(number, "note: must be a string")
        return
    key = str(record.get("id", f"line{number}"))
    draft.spans.append(
        SpanDraft(
            key=key,
            line=number,
            start=record["start"],
            end=record["end"],
            quote=record["quote"],
            stance=record["stance"],
            role=record["role"],
            actor=None if actor is None else actor["name"],
            note=note,
        )
    )
    relations = record.get("relations") or []
    if not isinstance(relations, list):
        draft.problem(number, "relations: must be a list")
        return
    for relation in relations:
        if not isinstance(relation, dict) or not isinstance(relation.get("type"), str):
            draft.problem(number, 'relations: each is {"type": ..., "target": <span id>}')
            continue
        draft.relations.append(
            RelationDraft(
                line=number, source=key, target=str(relation.get("target")), type=relation["type"]
            )
        )


def _document_record(
    record: dict[str, Any], number: int, file: str
) -> tuple[DocumentDraft, str | None]:
    """Return a draft for a document line (no layer yet) and its id in the file."""
    draft = DocumentDraft(name="", file=file)
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        draft.problem(number, "document: text is required, a non-empty string")
    else:
        draft.text = text
    for name in ("title", "source", "url"):
        value = record.get(name) or ""
        if not isinstance(value, str):
            draft.problem(number, f"document: {name} must be a string")
        else:
            setattr(draft, name, value)
    published = record.get("published")
    if published:
        try:
            draft.published = date.fromisoformat(str(published))
        except ValueError:
            draft.problem(number, f"document: published {published!r} is not an ISO date")
    return draft, None if record.get("id") is None else str(record["id"])


@dataclass
class _JsonlGroup:
    draft: DocumentDraft
    document_key: str


def jsonl_drafts(
    lines: Iterable[bytes | str], *, file: str, source_layer: str | None = None
) -> Iterator[DocumentDraft]:
    """Yield one draft per document and layer of a JSON Lines span export, as they end.

    Lines are read one at a time: spans of one document and layer must follow each other,
    as the export writes them. Actor lines travel with every draft so import can create
    missing actors. ``source_layer`` keeps only that layer of the file.
    """
    actors: dict[str, dict[str, Any]] = {}
    documents: dict[str, DocumentDraft] = {}  # the latest document line (text kept once)
    group: _JsonlGroup | None = None
    done: set[tuple[str, str]] = set()
    loose = DocumentDraft(name="(file)", file=file)

    def close() -> Iterator[DocumentDraft]:
        nonlocal group
        if group is not None:
            done.add((group.document_key, group.draft.layer))
            yield group.draft
            group = None

    for number, raw in enumerate(lines, start=1):
        line = raw.decode("utf-8", errors="strict") if isinstance(raw, bytes) else raw
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            (group.draft if group else loose).problem(
                number, f"invalid JSON ({exc.msg} at column {exc.colno})"
            )
            continue
        kind = record.get("type") if isinstance(record, dict) else None
        if kind == "provenance":
            continue
        if kind == "actor":
            if isinstance(record.get("name"), str):
                actors[record["name"]] = record
            continue
        if kind == "document":
            yield from close()
            draft, key = _document_record(record, number, file)
            documents = {key or f"line{number}": draft}  # one document's text at a time
            continue
        if kind != "span":
            (group.draft if group else loose).problem(
                number, "each line is an object whose type is provenance, actor, document or span"
            )
            continue
        layer = record.get("layer")
        if not isinstance(layer, str) or not layer:
            layer = GOLD
        if source_layer is not None and layer != source_layer:
            continue
        document_key = str(record.get("document"))
        if group is None or (group.document_key, group.draft.layer) != (document_key, layer):
            yield from close()
            if (document_key, layer) in done:
                loose.problem(
                    number,
                    f"spans of document {document_key} in layer {layer} appear again; spans of "
                    "one document and layer must follow each other, as the export writes them",
                )
                continue
            known = documents.get(document_key)
            draft = DocumentDraft(
                name=f"document {document_key} ({layer})",
                file=file,
                text=None if known is None else known.text,
                title="" if known is None else known.title,
                source="" if known is None else known.source,
                url="" if known is None else known.url,
                published=None if known is None else known.published,
                sha256=str(record.get("document_sha256") or ""),
                layer=layer,
                actors=actors,
                problems=[] if known is None else list(known.problems),
            )
            group = _JsonlGroup(draft=draft, document_key=document_key)
        _span_from_record(record, number, group.draft)
    yield from close()
    if loose.problems:
        yield loose


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
                refusal = import_refusal(access=access, annotator=annotator)
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


# --- Command-line helpers -------------------------------------------------------------------
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


def report_lines(report: ImportReport) -> list[str]:
    """Return one line per document that was not simply imported, then a summary."""
    lines = []
    for outcome in report.documents:
        for problem in outcome.problems:
            lines.append(f"{outcome.status}: {problem}")
    counts = report.as_dict()
    lines.append(
        f"Imported {counts['imported']} document(s) ({counts['spans']} spans, "
        f"{counts['relations']} relations), skipped {counts['skipped']}, "
        f"rejected {counts['rejected']}."
    )
    return lines
