"""Many documents' tallies summed at once, from columns of span values: a cold count's total.

``quick_tally`` returns the ``Tally`` that summing ``rows_tally`` of each document gives, the
same counts (``tests/annotations/review/agreement/test_quick.py`` holds the two together over
random layers), without a Python object per span, unit or document: the alignments are
compiled (``kernel.align_documents``) and the counts are made by NumPy over every unit of
every document at once. So a debate of 100,000 documents is counted in seconds, where a
``Tally`` a document takes about a minute and a half.

Relations are counted from the units the kernel found, all at once too
(``quick_relations``). A document this path does not take is counted by ``rows_tally`` and
added: one whose spans or relations ``rows_tally`` refuses (it raises the error), one with
more than ``kernel.MAX_LAYERS`` layers.
"""

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import combinations

import numpy as np

from annotations.review.agreement.alpha import NOT_MARKED
from annotations.review.agreement.bulk import RelationRow, SpanRow, rows_tally
from annotations.review.agreement.coded_rows import NONE, counted_rows
from annotations.review.agreement.counts import tally_merge
from annotations.review.agreement.quick_relations import relations_count
from annotations.review.agreement.report import PairTally, Tally
from annotations.review.alignment import ACTOR, ROLE, STANCE


@dataclass(frozen=True, slots=True)
class LayerColumns:
    """Every span of many documents as columns, and the documents they belong to.

    ``documents`` holds (id, text length, its layers' names by annotator id) a document;
    ``document`` is each span's place in it. ``stance``, ``role`` and ``actor`` are codes:
    ``values[name][code]`` is the value. ``relations`` holds the documents (ids) that have
    relations, with their rows, for ``rows_tally``.
    """

    documents: Sequence[tuple[int, int, dict[int, str]]]
    document: np.ndarray
    span_id: np.ndarray
    annotator: np.ndarray
    start: np.ndarray
    end: np.ndarray
    stance: np.ndarray
    role: np.ndarray
    actor: np.ndarray
    values: dict[str, list[Hashable]]
    relations: dict[int, list[RelationRow]]

    def names(self) -> list[tuple[str, ...]]:
        """Return each document's layers' names, sorted: a span's layer is its place here."""
        return [tuple(sorted(set(annotators.values()))) for _pk, _l, annotators in self.documents]

    def layers(self, names: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Return each span's layer (its annotator's place among its document's ``names``).

        And whether its annotator is one of its document's layers at all.
        """
        keys = []
        width = int(self.annotator.max()) + 1 if self.annotator.size else 1
        for place, (_pk, _length, annotators) in enumerate(self.documents):
            for annotator, name in annotators.items():
                width = max(width, annotator + 1)
                keys.append((place, annotator, names[place].index(name)))
        table = np.array(
            sorted((place * width + annotator, layer) for place, annotator, layer in keys),
            dtype=np.int64,
        ).reshape(-1, 2)
        wanted = self.document * width + self.annotator
        found = np.minimum(np.searchsorted(table[:, 0], wanted), max(len(table) - 1, 0))
        known = table[found, 0] == wanted if len(table) else np.zeros(wanted.size, dtype=bool)
        return np.where(known, table[found, 1], 0), known

    def spans_only(self, chosen: np.ndarray) -> "LayerColumns":
        """Return the same documents with only the ``chosen`` spans (a mask or places)."""
        return replace(self, **{name: getattr(self, name)[chosen] for name in _SPAN_COLUMNS})


# The fields of LayerColumns that hold a value a span.
_SPAN_COLUMNS = ("document", "span_id", "annotator", "start", "end", "stance", "role", "actor")


def columns_from_rows(
    documents: Sequence[tuple[int, int, dict[int, str], Sequence[SpanRow], Sequence[RelationRow]]],
) -> LayerColumns:
    """Return the columns of documents as ``annotated_rows`` gives them."""
    codes: dict[str, dict[Hashable, int]] = {STANCE: {}, ROLE: {}, ACTOR: {}}
    document, span_id, annotator, start, end, stance, role, actor = ([] for _ in range(8))
    for place, (_pk, _length, _annotators, spans, _relations) in enumerate(documents):
        for row in spans:
            document.append(place)
            span_id.append(row[0])
            annotator.append(row[1])
            start.append(row[2])
            end.append(row[3])
            stance.append(codes[STANCE].setdefault(row[4], len(codes[STANCE])))
            role.append(codes[ROLE].setdefault(row[5], len(codes[ROLE])))
            actor.append(codes[ACTOR].setdefault(row[6], len(codes[ACTOR])))

    def column(values: list) -> np.ndarray:
        return np.array(values, dtype=np.int64)

    return LayerColumns(
        documents=[(pk, length, annotators) for pk, length, annotators, *_rest in documents],
        document=column(document),
        span_id=column(span_id),
        annotator=column(annotator),
        start=column(start),
        end=column(end),
        stance=column(stance),
        role=column(role),
        actor=column(actor),
        values={name: list(found) for name, found in codes.items()},
        relations={pk: list(relations) for pk, _l, _a, _s, relations in documents if relations},
    )


def quick_tally(columns: LayerColumns) -> Tally:
    """Return the sum of ``rows_tally`` of every document of ``columns``."""
    # Imported here: Numba loads LLVM (tens of megabytes), which only a count needs.
    from annotations.review.agreement.kernel import MAX_LAYERS, align_documents

    documents = columns.documents
    count = len(documents)
    names = columns.names()
    layer_counts = np.array([len(found) for found in names], dtype=np.int64)
    lengths = np.array([length for _pk, length, _a in documents], dtype=np.int64)
    # A span of an annotator who is not one of its document's layers is refused.
    layer, known = columns.layers(names)
    spans_of = np.bincount(columns.document, minlength=count)
    by_document = np.argsort(columns.document, kind="stable")
    firsts = np.searchsorted(columns.document[by_document], np.arange(count + 1))
    # The documents rows_tally counts: more layers than a mask holds, spans or relations it
    # refuses (an unlisted annotator, an empty or negative range, past the text, a repeated
    # id, a relation to a span not compared or between layers).
    aside = _refused_relations(columns, layer, by_document, firsts)
    aside |= layer_counts > MAX_LAYERS
    bad = ~known | (columns.start < 0) | (columns.end <= columns.start)
    ids = np.sort(columns.span_id)
    bad |= np.isin(columns.span_id, ids[1:][ids[1:] == ids[:-1]])  # a repeated id
    bad |= columns.end > lengths[columns.document]
    aside[columns.document[bad]] = True
    kept = ~aside[columns.document]
    order = np.lexsort(
        (
            columns.span_id[kept],
            layer[kept],
            columns.end[kept],
            columns.start[kept],
            columns.document[kept],
        )
    )
    take = np.flatnonzero(kept)[order]
    counted = np.flatnonzero(~aside)
    # Each counted document's first span's place.
    bounds = np.zeros(counted.size + 1, dtype=np.int64)
    np.cumsum(spans_of[counted], out=bounds[1:])
    most = int(layer_counts[counted].max()) if counted.size else 1
    unit_spans, unit_documents, pair_rows, characters = align_documents(
        bounds,
        layer_counts[counted],
        lengths[counted],
        columns.start[take],
        columns.end[take],
        layer[take],
        most,
    )
    spans = _Spans(columns, take)
    tally = Tally()
    tally.documents = int(counted.size)
    for place in counted:
        tally.annotators.update(names[place])
    tally.units = int(unit_spans.shape[0])
    unit_layers = layer_counts[counted][unit_documents]
    tally.units_agreed = _agreed(spans, unit_spans, unit_layers)
    for dimension, codes in ((STANCE, spans.stance), (ROLE, spans.role), (ACTOR, spans.actor)):
        decode = _decoder(columns.values[dimension], NOT_MARKED)
        values = np.where(unit_spans >= 0, codes[unit_spans], NONE)
        for layers in np.unique(unit_layers):
            rows = values[unit_layers == layers][:, :layers]
            for key, n in counted_rows(*rows.T):
                tally.values[dimension][tuple(decode[code] for code in key)] = n
    for layers in np.unique(layer_counts[counted]):
        covered = characters[layer_counts[counted] == layers].sum(axis=0)
        for inside in range(layers + 1):
            if covered[inside]:
                key = (True,) * inside + (False,) * (int(layers) - inside)
                tally.characters[key] = int(covered[inside])
    counted_names = [names[place] for place in counted]
    pair_codes, pairs = _pair_codes(tally, counted_names)
    _pairs(tally, spans, pair_rows, pair_codes, pairs, columns.values)
    if columns.relations:
        # Each span's unit: its row in unit_spans.
        span_units = np.full(take.size, -1, dtype=np.int64)
        rows, places = np.nonzero(unit_spans >= 0)
        span_units[unit_spans[rows, places]] = rows
        relations_count(
            tally,
            relations=[
                (index, columns.relations[documents[place][0]])
                for index, place in enumerate(counted.tolist())
                if documents[place][0] in columns.relations
            ],
            span_id=columns.span_id[take],
            layer=layer[take],
            layer_counts=layer_counts[counted],
            span_units=span_units,
            pair_rows=pair_rows,
            pair_codes=pair_codes,
            pairs=pairs,
        )
    for place in np.flatnonzero(aside):
        pk, length, annotators = documents[place]
        rows = [
            (
                int(columns.span_id[i]),
                int(columns.annotator[i]),
                int(columns.start[i]),
                int(columns.end[i]),
                columns.values[STANCE][columns.stance[i]],
                columns.values[ROLE][columns.role[i]],
                columns.values[ACTOR][columns.actor[i]],
            )
            for i in by_document[firsts[place] : firsts[place + 1]]
        ]
        tally_merge(tally, rows_tally(pk, length, annotators, rows, columns.relations.get(pk, ())))
    return tally


def _refused_relations(
    columns: LayerColumns, layer: np.ndarray, by_document: np.ndarray, firsts: np.ndarray
) -> np.ndarray:
    """Mark the documents with a relation ``rows_tally`` refuses (it raises the error)."""
    refused = np.zeros(len(columns.documents), dtype=bool)
    if not columns.relations:
        return refused
    for place, (pk, _length, _annotators) in enumerate(columns.documents):
        relations = columns.relations.get(pk)
        if not relations:
            continue
        own = by_document[firsts[place] : firsts[place + 1]]
        layer_of = dict(zip(columns.span_id[own].tolist(), layer[own].tolist(), strict=True))
        for source, target, _type in relations:
            first, second = layer_of.get(source), layer_of.get(target)
            if first is None or second is None or first != second:
                refused[place] = True
                break
    return refused


class _Spans:
    """The counted spans' columns, in the kernel's order (a span is its place here)."""

    def __init__(self, columns: LayerColumns, take: np.ndarray) -> None:
        self.start = columns.start[take]
        self.end = columns.end[take]
        self.stance = columns.stance[take]
        self.role = columns.role[take]
        self.actor = columns.actor[take]


def _decoder(values: list[Hashable], none: Hashable) -> dict[int, Hashable]:
    return {**dict(enumerate(values)), NONE: none}


def _agreed(spans: _Spans, unit_spans: np.ndarray, unit_layers: np.ndarray) -> int:
    """Count the units every layer marked alike: the same range and the same three labels."""
    first = unit_spans[:, 0]
    agreed = first >= 0
    for column in range(1, unit_spans.shape[1]):
        other = unit_spans[:, column]
        within = column < unit_layers
        same = other >= 0
        for values in (spans.start, spans.end, spans.stance, spans.role, spans.actor):
            same &= values[other] == values[first]
        agreed &= ~within | same
    return int(agreed.sum())


def _pair_codes(
    tally: Tally, names: list[tuple[str, ...]]
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Count each pair's documents; return the pair codes by (document, low, high) and pairs.

    ``codes[document, low, high]`` is the place in the returned list of the pair of layers
    ``low`` and ``high`` of the document (-1 for none).
    """
    pair_keys: dict[tuple[str, str], int] = {}
    most = max((len(found) for found in names), default=1)
    codes = np.full((len(names), most, most), -1, dtype=np.int64)
    for place, found in enumerate(names):
        for low, high in combinations(range(len(found)), 2):
            pair = (found[low], found[high])
            codes[place, low, high] = pair_keys.setdefault(pair, len(pair_keys))
            if pair not in tally.pairs:
                tally.pairs[pair] = PairTally(pair)
            tally.pairs[pair].documents += 1
    return codes, list(pair_keys)


def _pairs(
    tally: Tally,
    spans: _Spans,
    rows: np.ndarray,
    codes: np.ndarray,
    by_code: list[tuple[str, str]],
    values: dict[str, list[Hashable]],
) -> None:
    """Fill ``tally.pairs`` from every pair's units: (document, left, right, left, right)."""
    if rows.shape[0] == 0:
        return
    pair = codes[rows[:, 0], rows[:, 1], rows[:, 2]]
    left, right = rows[:, 3], rows[:, 4]
    has_left, has_right = left >= 0, right >= 0
    both = has_left & has_right
    exact = both & (spans.start[left] == spans.start[right]) & (spans.end[left] == spans.end[right])
    pairs_count = len(by_code)
    for name, total in (
        ("left", np.bincount(pair[has_left], minlength=pairs_count)),
        ("right", np.bincount(pair[has_right], minlength=pairs_count)),
        ("overlap", np.bincount(pair[both], minlength=pairs_count)),
        ("exact", np.bincount(pair[exact], minlength=pairs_count)),
    ):
        for code, n in enumerate(total.tolist()):
            setattr(tally.pairs[by_code[code]], name, n)
    # (attribute, label): [exact matched, overlap matched, left, right]
    for attribute, labels in ((STANCE, spans.stance), (ROLE, spans.role)):
        left_label = np.where(has_left, labels[left], NONE)
        right_label = np.where(has_right, labels[right], NONE)
        same = both & (left_label == right_label)
        for column, chosen, label in (
            (2, has_left, left_label),
            (3, has_right, right_label),
            (1, same, left_label),
            (0, same & exact, left_label),
        ):
            for (code, value), n in counted_rows(pair[chosen], label[chosen]):
                counts = tally.pairs[by_code[code]].labels[attribute, values[attribute][value]]
                counts[column] = n
    stance = _decoder(values[STANCE], None)
    left_stance = np.where(has_left, spans.stance[left], NONE)
    right_stance = np.where(has_right, spans.stance[right], NONE)
    for (code, row, column), n in counted_rows(pair, left_stance, right_stance):
        tally.pairs[by_code[code]].confusion[stance[row], stance[column]] = n
    # Each side's (stance, role, actor) or None.
    sides = [pair]
    for chosen, side in ((has_left, left), (has_right, right)):
        sides.append(np.where(chosen, 0, NONE))
        sides += [np.where(chosen, spans.stance[side], NONE)]
        sides += [np.where(chosen, spans.role[side], NONE)]
        sides += [np.where(chosen, spans.actor[side], NONE)]
    for (code, *marks), n in counted_rows(*sides):
        tally.pairs[by_code[code]].marks[_side(marks[:4], values), _side(marks[4:], values)] = n


def _side(marks: list[int], values: dict[str, list[Hashable]]) -> tuple[Hashable, ...] | None:
    present, stance, role, actor = marks
    if present == NONE:
        return None
    return (values[STANCE][stance], values[ROLE][role], values[ACTOR][actor])
