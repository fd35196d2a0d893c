"""Writing brat: a zip of standoff files, entry by entry as the spans arrive."""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from annotations.formats.brat.names import (
    BRAT_ACTOR,
    BRAT_NOTE,
    BRAT_STANCE,
    LINE_BREAK_RUN,
    actor_tokens,
    brat_fragments,
    brat_name,
)
from annotations.formats.rows import ExportActor, ExportSpan, blocks
from annotations.formats.zip_stream import ZipStream, layer_folder, layer_groups


def _one_line(value: str) -> str:
    return LINE_BREAK_RUN.sub(" ", value)


def annotation_conf(*, scheme: dict[str, Any], actors: Iterable[ExportActor]) -> str:
    """Return brat's annotation.conf for a debate's label scheme and actors.

    Spans may overlap, so the conf allows any overlap (``<OVERLAP>``).
    """
    tokens = actor_tokens(actors)
    entities = [brat_name(item["key"]) for item in scheme.get("roles", [])]
    relations = [brat_name(item["key"]) for item in scheme.get("relation_types", [])]
    stances = [brat_name(item["key"]) for item in scheme.get("stances", [])]
    lines = ["# Debatemap label scheme: entity types are roles.", "[entities]", *entities, ""]
    lines.append("[relations]")
    lines += [f"{name}\tArg1:<ENTITY>, Arg2:<ENTITY>" for name in relations]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", ""]
    lines += ["[events]", "", "[attributes]"]
    lines.append(f"{BRAT_STANCE}\tArg:<ENTITY>, Value:{'|'.join(stances)}")
    if tokens:
        lines.append(f"{BRAT_ACTOR}\tArg:<ENTITY>, Value:{'|'.join(tokens.values())}")
    return "\n".join(lines) + "\n"


def ann_lines(spans: list[ExportSpan], *, tokens: dict[int, str]) -> Iterator[str]:
    """Yield the .ann lines of one document's layer: T, A and # per span, then R lines.

    A relation whose target is not among ``spans`` (filtered out) is left out, since brat
    refuses a relation to an annotation the file does not have.
    """
    numbers: dict[int, int] = {}
    attribute = 0
    for number, span in enumerate(spans, start=1):
        numbers[span.id] = number
        text = span.document.text or ""
        fragments = brat_fragments(text, span.start, span.end) or [(span.start, span.end)]
        offsets = ";".join(f"{start} {end}" for start, end in fragments)
        mention = " ".join(text[start:end] for start, end in fragments)
        yield f"T{number}\t{brat_name(span.role)} {offsets}\t{mention}\n"
        attribute += 1
        yield f"A{attribute}\t{BRAT_STANCE} T{number} {brat_name(span.stance)}\n"
        if span.actor is not None:
            attribute += 1
            yield f"A{attribute}\t{BRAT_ACTOR} T{number} {tokens[span.actor.id]}\n"
        if span.note:
            yield f"#{number}\t{BRAT_NOTE} T{number}\t{_one_line(span.note)}\n"
    relation = 0
    for span in spans:
        for link in span.relations:
            if link.target in numbers:
                relation += 1
                yield (
                    f"R{relation}\t{brat_name(link.type)} "
                    f"Arg1:T{numbers[span.id]} Arg2:T{numbers[link.target]}\n"
                )


def brat_export(
    *,
    provenance: dict[str, Any],
    scheme: dict[str, Any],
    actors: list[ExportActor],
    spans: Iterable[ExportSpan],
    now: datetime,
) -> Iterator[bytes]:
    """Yield a zip of brat standoff files, written entry by entry as the spans arrive."""
    tokens = actor_tokens(actors)

    def pieces() -> Iterator[bytes]:
        archive = ZipStream(now=now)
        yield archive.entry("provenance.json", json.dumps(provenance, ensure_ascii=False, indent=2))
        yield archive.entry("annotation.conf", annotation_conf(scheme=scheme, actors=actors))
        for group in layer_groups(spans):
            first = group[0]
            stem = f"{layer_folder(first.layer, first.annotator)}/doc-{first.document.id}"
            yield archive.entry(f"{stem}.txt", first.document.text or "")
            yield archive.entry(f"{stem}.ann", "".join(ann_lines(group, tokens=tokens)))
        yield archive.close()  # the central directory

    return blocks(pieces())
