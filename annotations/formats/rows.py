"""The plain rows the export writers take, and how they join their output into blocks.

``annotations.exports`` reads spans in chunks and hands them over as ``ExportSpan`` rows,
ordered by document, then layer (gold first), then text order.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

BLOCK_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class ExportDocument:
    id: int
    sha256: str
    title: str
    source: str
    url: str
    published: date | None
    text: str | None  # None when the format does not need it


@dataclass(frozen=True, slots=True)
class ExportActor:
    id: int
    name: str
    kind: str
    affiliation: str
    aliases: list[str]


@dataclass(frozen=True, slots=True)
class ExportRelation:
    id: int
    type: str
    target: int


@dataclass(slots=True)
class ExportSpan:
    id: int
    document: ExportDocument
    layer: str
    annotator: str | None
    start: int
    end: int
    quote: str
    stance: str
    role: str
    actor: ExportActor | None
    note: str
    version: int
    created_by: str
    created_at: str  # ISO 8601
    updated_at: str
    relations: list[ExportRelation] = field(default_factory=list)


def blocks(pieces: Iterable[str | bytes], size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """Join small pieces into blocks of about ``size`` bytes; a piece never waits for more.

    Text is joined first and encoded once per block, which is cheaper than encoding each
    line. The first piece (the provenance) goes out alone and at once, so a client sees the
    export start before the database has sorted the first rows.
    """
    pieces = iter(pieces)
    first = next(pieces, None)
    if first is not None:
        yield first.encode("utf-8") if isinstance(first, str) else first
    texts: list[str] = []
    ready: list[bytes] = []
    length = 0
    for piece in pieces:
        if isinstance(piece, bytes):
            if texts:
                ready.append("".join(texts).encode("utf-8"))
                texts.clear()
            ready.append(piece)
        else:
            texts.append(piece)
        length += len(piece)
        if length >= size:
            if texts:
                ready.append("".join(texts).encode("utf-8"))
                texts.clear()
            yield b"".join(ready)
            ready.clear()
            length = 0
    if texts:
        ready.append("".join(texts).encode("utf-8"))
    if ready:
        yield b"".join(ready)
