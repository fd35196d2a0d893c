"""What changed between two maps of a debate: arguments and actors, matched by their sources.

Argument ids are hashes of an argument's first source, so a new paraphrase that comes first
changes an argument's id without changing the argument. The diff therefore matches arguments
by their sources, each known by its document and offsets (a gold span re-created at the same
place is the same source): arguments of the two maps that share a source are the same argument,
or parts of it. Then:

- an argument of the new map that shares no source with the old map was **added**; one of the
  old map that shares none with the new map was **removed**;
- an argument of the new map holding sources of two or more old arguments **merged** them;
  an old argument whose sources are now in two or more new arguments was **split**;
- an old and a new argument that share sources with each other and with no other argument
  are the same argument; it **changed** when its side, kind, wording, strength or sources
  differ.

Actors are matched by their actor id; one whose position (pro, contra, mixed, neutral) differs,
or who appears in one map only, **changed position**. The same two maps give the same diff.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from maps.builder.hashing import id_key
from maps.builder.model import ArgumentMap, ArgumentNode

# Where a source is: its document and offsets.
SourceKey = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class ArgumentChange:
    """One argument in both maps, and what about it differs (``side``, ``kind``, ``text``,
    ``strength``, ``sources``)."""

    before: ArgumentNode
    after: ArgumentNode
    changed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ArgumentRegroup:
    """Arguments whose sources were regrouped: several into one (merged), one into several
    (split)."""

    before: tuple[ArgumentNode, ...]
    after: tuple[ArgumentNode, ...]


@dataclass(frozen=True, slots=True)
class ActorShift:
    """An actor whose position differs between the maps; None where the actor is not in a map."""

    actor_id: str
    name: str
    before: str | None
    after: str | None


@dataclass(frozen=True, slots=True)
class MapDiff:
    """What changed from one map (``before``) to another (``after``), each list in reading
    order of its arguments' first sources."""

    added: tuple[ArgumentNode, ...]
    removed: tuple[ArgumentNode, ...]
    merged: tuple[ArgumentRegroup, ...]
    split: tuple[ArgumentRegroup, ...]
    changed: tuple[ArgumentChange, ...]
    unchanged: int
    actors: tuple[ActorShift, ...]
    proposition_before: float | None
    proposition_after: float


def source_keys(node: ArgumentNode) -> frozenset[SourceKey]:
    """Return where an argument's sources are: each one's document and offsets."""
    return frozenset((s.document_id, s.start, s.end) for s in node.sources)


def map_diff(before: ArgumentMap | None, after: ArgumentMap) -> MapDiff:
    """Return what changed from ``before`` to ``after`` (with None: from an empty map)."""
    old = before.arguments if before is not None else ()
    new = after.arguments
    old_keys, new_keys = [source_keys(n) for n in old], [source_keys(n) for n in new]
    old_at, new_at = _holders(old_keys), _holders(new_keys)
    # Which arguments of the other map share a source with each argument.
    old_to_new = [sorted({j for key in keys for j in new_at.get(key, ())}) for keys in old_keys]
    new_to_old = [sorted({i for key in keys for i in old_at.get(key, ())}) for keys in new_keys]

    changed, unchanged = [], 0
    for i, targets in enumerate(old_to_new):
        if len(targets) == 1 and new_to_old[targets[0]] == [i]:
            change = _change(old[i], new[targets[0]])
            if change.changed:
                changed.append(change)
            else:
                unchanged += 1
    return MapDiff(
        added=_in_reading_order(new[j] for j, parts in enumerate(new_to_old) if not parts),
        removed=_in_reading_order(old[i] for i, parts in enumerate(old_to_new) if not parts),
        merged=tuple(
            sorted(
                (
                    ArgumentRegroup(
                        before=_in_reading_order(old[i] for i in parts), after=(new[j],)
                    )
                    for j, parts in enumerate(new_to_old)
                    if len(parts) > 1
                ),
                key=lambda r: _reading_key(r.after[0]),
            )
        ),
        split=tuple(
            sorted(
                (
                    ArgumentRegroup(
                        before=(old[i],), after=_in_reading_order(new[j] for j in parts)
                    )
                    for i, parts in enumerate(old_to_new)
                    if len(parts) > 1
                ),
                key=lambda r: _reading_key(r.before[0]),
            )
        ),
        changed=tuple(sorted(changed, key=lambda c: _reading_key(c.after))),
        unchanged=unchanged,
        actors=_actor_shifts(before, after),
        proposition_before=None if before is None else before.proposition.strength,
        proposition_after=after.proposition.strength,
    )


def _holders(keys: list[frozenset[SourceKey]]) -> dict[SourceKey, list[int]]:
    """Return, for each source, the arguments (by position) that hold it."""
    at: dict[SourceKey, list[int]] = defaultdict(list)
    for index, held in enumerate(keys):
        for key in held:
            at[key].append(index)
    return at


def _change(before: ArgumentNode, after: ArgumentNode) -> ArgumentChange:
    differs = [
        name
        for name in ("side", "kind", "text", "strength")
        if getattr(before, name) != getattr(after, name)
    ]
    if source_keys(before) != source_keys(after):
        differs.append("sources")
    return ArgumentChange(before=before, after=after, changed=tuple(differs))


def _reading_key(node: ArgumentNode) -> tuple:
    first = min((id_key(s.document_id), s.start, s.end) for s in node.sources)
    return (*first, node.id)


def _in_reading_order(nodes: Iterable[ArgumentNode]) -> tuple[ArgumentNode, ...]:
    return tuple(sorted(nodes, key=_reading_key))


def _actor_shifts(before: ArgumentMap | None, after: ArgumentMap) -> tuple[ActorShift, ...]:
    was = {a.actor_id: a for a in before.actors} if before is not None else {}
    now = {a.actor_id: a for a in after.actors}
    shifts = []
    for actor_id in sorted(was.keys() | now.keys(), key=id_key):
        old, new = was.get(actor_id), now.get(actor_id)
        position_before = old.position if old is not None else None
        position_after = new.position if new is not None else None
        if position_before != position_after:
            shifts.append(
                ActorShift(
                    actor_id=actor_id,
                    name=(new or old).name,
                    before=position_before,
                    after=position_after,
                )
            )
    return tuple(shifts)
