"""Reading UIMA CAS XMI: each ``.xmi`` of a checked zip, against the type system beside it."""

import io
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from cassis import TypeSystem, load_cas_from_xmi, load_typesystem

from annotations.formats.drafts import DocumentDraft, RelationDraft, SpanDraft
from annotations.formats.offsets import TextOffsets
from annotations.formats.xmi.types import (
    DEPENDENT,
    GOVERNOR,
    METADATA_TYPE,
    RELATION_LABEL,
    RELATION_TYPE,
    SPAN_TYPE,
    TYPESYSTEM_FILE,
    xmi_typesystem,
)
from core.uploads.zips import ZipUpload
from debate.scheme import scheme_keys
from debate.text import normalize_text

ANNOTATION = "uima.tcas.Annotation"
QUOTE_SHOWN = 40  # characters of an annotation's text a message quotes
_DOCTYPES = tuple(
    "<!DOCTYPE".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


@dataclass(frozen=True)
class XmiFiles:
    """One XMI document: its name (path without ``.xmi``), its bytes and its type system."""

    name: str
    xmi: bytes
    typesystem: bytes | None = None  # None: Debatemap's own type system
    typesystem_file: str = ""


def _xml_refusal(data: bytes) -> str | None:
    """Return why bytes are not XML this reader hands to cassis, or None.

    A DOCTYPE is refused before cassis parses anything: its entities could expand without
    bound or reach for files and URLs. Markup cannot hold a literal ``<!DOCTYPE`` anywhere
    else but in a comment or CDATA, so the bytes are searched in every encoding XML allows
    (test_uploads: test_an_xmi_with_a_doctype_is_rejected_before_cassis_reads_it).
    """
    if any(pattern in data for pattern in _DOCTYPES):
        return "it declares a DOCTYPE, which is not accepted (entities are not read)"
    return None


def _typesystem(files: XmiFiles, draft: DocumentDraft) -> TypeSystem | None:
    if files.typesystem is None:
        return xmi_typesystem()
    refusal = _xml_refusal(files.typesystem)
    if refusal:
        draft.problem(None, refusal, file=files.typesystem_file)
        return None
    try:
        return load_typesystem(io.BytesIO(files.typesystem))
    # cassis raises many kinds of error on hostile input; each rejects this document only.
    except Exception as exc:
        draft.problem(None, f"not a readable UIMA type system ({exc})", file=files.typesystem_file)
        return None


def _value(annotation: Any, name: str) -> str | None:
    """Return a string feature's value, or None when the feature is absent, unset or empty."""
    if annotation.type.get_feature(name) is None:
        return None
    value = annotation.get(name)
    if value is None or value == "":
        return None
    return str(value)


def _describe(annotation: Any, raw: str) -> str:
    quote = raw[annotation.begin : annotation.end]
    if len(quote) > QUOTE_SHOWN:
        quote = quote[:QUOTE_SHOWN] + "…"
    return (
        f"{annotation.type.name} xmi:id {annotation.xmiID} at {annotation.begin}-"
        f"{annotation.end} ({quote!r})"
    )


def _span_key(annotation: Any) -> str:
    return f"xmi:id {annotation.xmiID}"


def _read_span(
    annotation: Any, raw: str, offsets: TextOffsets, labels: dict[str, list[str]], draft
) -> SpanDraft | None:
    where = _describe(annotation, raw)
    begin, end = annotation.begin, annotation.end
    if not (isinstance(begin, int) and isinstance(end, int) and 0 <= begin < end <= len(raw)):
        draft.problem(
            None,
            f"{where}: offsets {begin}-{end} are not within the text, which has {len(raw)} "
            "characters (code points)",
        )
        return None
    start, stop = offsets.normalised(begin), offsets.normalised(end)
    if start is None or stop is None:
        draft.problem(
            None,
            f"{where}: offset {begin if start is None else end} falls inside characters that "
            "Unicode normalisation (NFC) joins; the span cannot be placed in the stored text",
        )
        return None
    values = {name: _value(annotation, name) for name in ("stance", "role")}
    good = True
    for name, value in values.items():
        part = f"{name}s"
        if value is None:
            draft.problem(None, f"{where}: has no {name}")
            good = False
        elif value not in labels[part]:
            draft.problem(
                None,
                f"{where}: {name} {value!r} is not one of this debate's {part} "
                f"({', '.join(labels[part])})",
            )
            good = False
    if not good:
        return None
    return SpanDraft(
        key=_span_key(annotation),
        line=None,
        start=start,
        end=stop,
        quote=offsets.text[start:stop],
        stance=values["stance"],
        role=values["role"],
        actor=_value(annotation, "actor"),
        note=_value(annotation, "note") or "",
    )


def _read_relation(
    annotation: Any, raw: str, spans: set[str], refused: set[str], types: list[str], draft
) -> RelationDraft | None:
    where = _describe(annotation, raw)
    ends = {}
    for name in (GOVERNOR, DEPENDENT):
        value = annotation.get(name) if annotation.type.get_feature(name) else None
        if getattr(getattr(value, "type", None), "name", "") != SPAN_TYPE:
            draft.problem(None, f"{where}: its {name} is not a {SPAN_TYPE}")
            return None
        ends[name] = _span_key(value)
    if ends[GOVERNOR] in refused or ends[DEPENDENT] in refused:
        return None  # the span's own problem is reported; this would only repeat it
    label = _value(annotation, RELATION_LABEL)
    if label is None:
        draft.problem(None, f"{where}: has no {RELATION_LABEL}")
        return None
    if label not in types:
        draft.problem(
            None,
            f"{where}: {RELATION_LABEL} {label!r} is not one of this debate's relation types "
            f"({', '.join(types)})",
        )
        return None
    missing = [key for key in ends.values() if key not in spans]
    if missing:
        draft.problem(None, f"{where}: no {SPAN_TYPE} {missing[0]} in this CAS's index")
        return None
    return RelationDraft(line=None, source=ends[GOVERNOR], target=ends[DEPENDENT], type=label)


def xmi_document_read(files: XmiFiles, *, scheme: dict[str, Any]) -> DocumentDraft:
    """Read one XMI document into a draft, checking offsets and labels against the scheme.

    The text is the CAS's sofa; spans are its ``webanno.custom.DebateSpan`` annotations and
    relations its ``webanno.custom.DebateRelation`` ones (Governor -> Dependent); every other
    type is passed over. Each stance, role or relation type the scheme lacks is named with
    the annotation's ``xmi:id``, offsets and text.
    """
    file = f"{files.name}.xmi"
    draft = DocumentDraft(name=files.name, file=file, source=PurePosixPath(file).name)
    refusal = _xml_refusal(files.xmi)
    if refusal:
        draft.problem(None, refusal)
        return draft
    typesystem = _typesystem(files, draft)
    if typesystem is None:
        return draft
    try:
        # Lenient: types the type system lacks (another tool's layers) are passed over.
        cas = load_cas_from_xmi(io.BytesIO(files.xmi), typesystem=typesystem, lenient=True)
        raw = cas.sofa_string
    except Exception as exc:  # as in _typesystem
        draft.problem(None, f"not a readable UIMA CAS XMI ({exc})")
        return draft
    if not raw or not normalize_text(raw).strip():
        draft.problem(None, "the document text (the sofa string) is empty")
        return draft
    if not typesystem.contains_type(SPAN_TYPE, match_exactly=True):
        draft.problem(
            None,
            f"the type system has no {SPAN_TYPE} layer, which holds the spans",
            file=files.typesystem_file or None,
        )
        return draft
    has_relations = typesystem.contains_type(RELATION_TYPE, match_exactly=True)
    for name in (SPAN_TYPE, RELATION_TYPE) if has_relations else (SPAN_TYPE,):
        if not typesystem.subsumes(ANNOTATION, name):
            draft.problem(
                None,
                f"in the type system, {name} is not an annotation ({ANNOTATION}): it has no "
                "offsets",
                file=files.typesystem_file or None,
            )
            return draft
    offsets = TextOffsets(raw)
    draft.text = offsets.text
    if typesystem.contains_type(METADATA_TYPE, match_exactly=True):
        for metadata in cas.select(METADATA_TYPE):
            draft.title = _value(metadata, "documentTitle") or ""
    labels = {part: scheme_keys(scheme, part) for part in ("stances", "roles")}
    refused: set[str] = set()
    for annotation in cas.select(SPAN_TYPE):
        span = _read_span(annotation, raw, offsets, labels, draft)
        if span is None:
            refused.add(_span_key(annotation))
        else:
            draft.spans.append(span)
    keys = {span.key for span in draft.spans}
    if has_relations:
        types = scheme_keys(scheme, "relation_types")
        for annotation in cas.select(RELATION_TYPE):
            relation = _read_relation(annotation, raw, keys, refused, types, draft)
            if relation is not None:
                draft.relations.append(relation)
    draft.spans.sort(key=lambda span: (span.start, span.end, span.key))
    return draft


def _passed_over(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def xmi_files_from_zip(archive: ZipUpload) -> tuple[list[XmiFiles], list[str]]:
    """Return the XMI documents of a checked zip and the entries passed over.

    Each ``.xmi`` is read with the ``TypeSystem.xml`` (any case) of its folder or the
    nearest folder above it, else with Debatemap's own type system. Every entry is read now,
    so a lying entry refuses the upload before anything is written.
    """
    typesystems: dict[PurePosixPath, str] = {}
    documents: list[str] = []
    ignored: list[str] = []
    for name in sorted(archive.entries):
        path = PurePosixPath(name)
        if _passed_over(name):
            ignored.append(name)
        elif path.name.lower() == TYPESYSTEM_FILE.lower():
            typesystems[path.parent] = name
        elif path.suffix.lower() == ".xmi":
            documents.append(name)
        else:
            ignored.append(name)
    read: dict[str, bytes] = {}
    result = []
    for name in documents:
        path = PurePosixPath(name)
        found = next(
            (typesystems[folder] for folder in path.parents if folder in typesystems), None
        )
        if found is not None and found not in read:
            read[found] = archive.read(found)
        result.append(
            XmiFiles(
                name=name[: -len(path.suffix)],
                xmi=archive.read(name),
                typesystem=None if found is None else read[found],
                typesystem_file=found or "",
            )
        )
    return result, ignored
