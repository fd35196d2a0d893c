"""The gold spans as the builder works with them, checked: ``read_spans``.

Each gold span becomes a ``BuildSpan`` (its provenance, side, kind and sort key), and every
problem of the spans and relations is named at once (``MapInputError``). With a worker's
``BuildCache`` a rebuild does this for the spans that changed alone: the spans at both ends of
the input that are the last build's very objects, under the same scheme, actors and document
objects, take the last build's ``BuildSpan`` from its list in input order
(``records_in_order``); a span between them takes the one of the same object, else of the same
values, else a new one.
So an unchanged span is the same ``BuildSpan`` as last time, which later stages recognise by
identity.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter, itemgetter
from typing import Any

from maps.builder.cache import BuildCache, Memo, records_in_order
from maps.builder.hashing import id_key
from maps.builder.merge import BuildSpan
from maps.builder.model import (
    CLAIM,
    PREMISE,
    GoldSpan,
    MapDocument,
    MapInput,
    MapInputError,
    SourceSpan,
)


class _Kept:
    """What the last build read, for the next: its spans in input order with the record of
    each, and the spans' BuildSpans by their values."""

    __slots__ = ("by_values", "context", "documents", "records", "spans")

    def __init__(
        self,
        context: tuple,
        documents: Mapping[str, MapDocument],
        spans: list[GoldSpan],
        records: list[tuple],
        by_values: dict[tuple, BuildSpan],
    ) -> None:
        self.context, self.documents, self.spans = context, documents, spans
        self.records, self.by_values = records, by_values


_NOTHING = _Kept((), {}, [], [], {})


def read_spans(
    data: MapInput, problems: list[str], cache: BuildCache | None
) -> dict[str, BuildSpan]:
    """Return the gold spans by id, with side, kind and sort key; raise ``MapInputError``
    naming ``problems`` (the scheme's, documents' and actors', found before) and every problem
    of the spans and relations."""
    documents = {str(d.id): d for d in data.documents}
    actors = frozenset(str(a.id) for a in data.actors)
    scheme = data.scheme
    # What a span's checks and its side and kind depend on besides the span and its document.
    context = (dict(scheme.stance_sides), scheme.claim_roles, actors)
    memo = Memo(cache, "spans in order")
    last = memo.get(None) or _NOTHING
    if last.context != context:
        last = _NOTHING
    # A span's record stays right while its document is the same object (or gone, as long as
    # none of its spans is read again); else by values only.
    if not all(documents.get(key, doc) is doc for key, doc in last.documents.items()):
        last = _Kept(context, {}, [], [], last.by_values)
    gone = {id(doc) for key, doc in last.documents.items() if key not in documents}
    spans = list(data.spans)
    found: list[str] = []
    # One string object for each document and actor id, however many spans name it.
    names: dict[str, str] = {}
    # And one sort key for each document id (``id_key`` makes a new one each time).
    document_keys: dict[str, tuple] = {}

    def records_of(last: _Kept) -> tuple[list[tuple], int, int]:
        return records_in_order(
            last.spans,
            last.records,
            spans,
            lambda span: _record(
                span, documents, actors, scheme, last.by_values, found, names, document_keys
            ),
        )

    records, head, tail = records_of(last)
    if gone and any(map(gone.__contains__, map(id, map(itemgetter(4), records)))):
        # A span of a document no longer in the input took its old record: read them anew.
        found.clear()
        last = _Kept(context, {}, [], [], last.by_values)
        records, head, tail = records_of(last)
    # (span id, BuildSpan) of each record: a span id twice makes fewer entries than spans.
    read = dict(map(itemgetter(1, 2), records)) if not found else {}
    if problems or found or len(read) != len(spans) or not _relations_fit(data, read):
        raise MapInputError([*problems, *_problems(data, documents, actors)])
    if cache is not None:
        memo.keep(None, _kept(last, context, documents, spans, records, head, tail))
        memo.remember()
    return read


def _record(
    span: GoldSpan,
    documents: Mapping[str, MapDocument],
    actors: frozenset[str],
    scheme: Any,
    by_values: Mapping[tuple, BuildSpan],
    problems: list[str],
    names: dict[str, str],
    document_keys: dict[str, tuple],
) -> tuple:
    """Return a span's record: (span, its id, its BuildSpan, its values or None, its
    document). A problem is added to ``problems`` (its record is then never used). ``names``
    gives the id strings already made their one object, ``document_keys`` the documents'
    sort keys."""
    span_id, document_id = str(span.id), str(span.document_id)
    document_id = names.setdefault(document_id, document_id)
    document = documents.get(document_id)
    if document is None:
        problems.append(f"span {span_id}: unknown document {document_id}")
        return (span, span_id, None, None, None)
    actor_id = None if span.actor_id is None else str(span.actor_id)
    if actor_id is not None:
        actor_id = names.setdefault(actor_id, actor_id)
    if actor_id is not None and actor_id not in actors:
        problems.append(f"span {span_id}: unknown actor {actor_id}")
    start, end, quote = span.start, span.end, span.quote
    if not 0 <= start < end or len(quote) != end - start:
        problems.append(f"span {span_id}: offsets [{start}, {end}) do not fit its quote")
    side = scheme.stance_sides.get(span.stance)
    if side is None:
        problems.append(f"span {span_id}: stance {span.stance!r} is not in the scheme")
        return (span, span_id, None, None, None)
    kind = CLAIM if span.role in scheme.claim_roles else PREMISE
    values = (
        span_id,
        document_id,
        document.title,
        start,
        end,
        quote,
        span.stance,
        span.role,
        actor_id,
        document.published,
    )
    # Equal is not enough for numbers (1 == 1.0 == True, but "1.0" is not "1"): only spans
    # with integer offsets, as the database gives them, are remembered and reused.
    plain = type(start) is int and type(end) is int
    # (Nothing kept, as in a first build: no look-up, so no tuple of values is hashed.)
    known = by_values.get(values) if plain and by_values else None
    if known is None or known.side != side or known.kind != kind:
        document_key = document_keys.get(document_id)
        if document_key is None:
            document_key = document_keys[document_id] = id_key(document_id)
        known = BuildSpan(
            source=SourceSpan(*values) if known is None else known.source,
            side=side,
            kind=kind,
            key=(document_key, start, end, id_key(span_id)),
        )
    return (span, span_id, known, values if plain else None, document)


def _kept(
    last: _Kept,
    context: tuple,
    documents: Mapping[str, MapDocument],
    spans: list[GoldSpan],
    records: list[tuple],
    head: int,
    tail: int,
) -> _Kept:
    """Return what this build keeps: the last build's BuildSpans by values (copied, never
    changed, as a build in another thread may read them) without its middle's, with this
    one's; made afresh when nothing was taken from the last build's list."""
    if not last.records:
        return _Kept(
            context, documents, spans, records, {r[3]: r[2] for r in records if r[3] is not None}
        )
    by_values = dict(last.by_values)
    for record in last.records[head : len(last.records) - tail]:
        if record[3] is not None:
            by_values.pop(record[3], None)
    for record in records[head : len(records) - tail]:
        if record[3] is not None:
            by_values[record[3]] = record[2]
    return _Kept(context, documents, spans, records, by_values)


def _relations_fit(data: MapInput, spans: Mapping[str, BuildSpan]) -> bool:
    """Whether every relation joins two of the spans by a type of the scheme."""
    relations = data.relations
    types = set(map(attrgetter("type"), relations))
    if not types <= data.scheme.relation_polarities.keys():
        return False
    ends = set(map(attrgetter("source_id"), relations))
    ends.update(map(attrgetter("target_id"), relations))
    ids = set(map(attrgetter("id"), data.spans))
    # Database ids are integers, whose strings are equal when they are: compared as they
    # are, not as the strings the spans are read by (a string each, hundreds of thousands).
    if set(map(type, ends)) | set(map(type, ids)) == {int}:
        return ends <= ids
    return set(map(str, ends)) <= spans.keys()


def _problems(
    data: MapInput, documents: Mapping[str, MapDocument], actors: frozenset[str]
) -> list[str]:
    """Return every problem of the spans and relations, in input order."""
    problems: list[str] = []
    seen: set[str] = set()
    for span in data.spans:
        span_id = str(span.id)
        if span_id in seen:
            problems.append(f"span {span_id} appears twice")
            continue
        # A span of an unknown document or stance is not read: relations to it are named.
        if _record(span, documents, actors, data.scheme, {}, problems, {}, {})[2] is not None:
            seen.add(span_id)
    for relation in data.relations:
        for end in (relation.source_id, relation.target_id):
            if str(end) not in seen:
                problems.append(
                    f"relation {relation.source_id!s}->{relation.target_id!s}: unknown span {end!s}"
                )
        if relation.type not in data.scheme.relation_polarities:
            problems.append(
                f"relation {relation.source_id!s}->{relation.target_id!s}: type "
                f"{relation.type!r} is not in the scheme"
            )
    return problems
