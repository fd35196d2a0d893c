"""Reading brat: ``<name>.txt`` beside ``<name>.ann``, from a folder or a checked zip."""

import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path, PurePosixPath

from annotations.formats.brat.mapping import BratMapping
from annotations.formats.brat.names import BRAT_CONFIG_FILES, BRAT_NOTE
from annotations.formats.drafts import DocumentDraft, RelationDraft, SpanDraft
from annotations.formats.offsets import TextOffsets
from core.uploads.zips import ZipUpload
from debate.text import normalize_text

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


def brat_files_from_zip(archive: ZipUpload) -> tuple[list[BratFiles], list[str]]:
    """Return the brat documents of a checked zip and the entries passed over.

    Every entry is read now, so a lying entry refuses the upload before anything is written.
    """
    stems: dict[str, dict[str, str]] = {}
    ignored: list[str] = []
    for name in sorted(archive.entries):
        suffix = PurePosixPath(name).suffix
        if _passed_over(name) or suffix not in (".txt", ".ann"):
            ignored.append(name)
            continue
        stems.setdefault(name[: -len(suffix)], {})[suffix] = name
    documents = [
        BratFiles(
            name=stem,
            txt=archive.read(files[".txt"]) if ".txt" in files else None,
            ann=archive.read(files[".ann"]) if ".ann" in files else None,
        )
        for stem, files in sorted(stems.items())
    ]
    return documents, ignored
