"""DF-QuAD argument strength (Rago et al., KR 2016) over a support/attack graph.

With base score ``b``, attackers' aggregate ``va = 1 - prod(1 - s(a))`` and supporters'
aggregate ``vs`` likewise (0 when there are none), the strength is ``b - b * (va - vs)`` when
``va >= vs`` and ``b + (1 - b) * (vs - va)`` otherwise. Strongly connected components are
evaluated in influence order: an argument outside any cycle gets its exact value in one step,
and a cycle (mutual attacks) is iterated synchronously (Jacobi) from the base scores to its
fixed point; after ``DFQUAD_PLAIN_ROUNDS`` rounds without convergence the updates are damped
(the mean of the old and the new value), which keeps the fixed points and stops oscillation.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from maps.builder.cache import BuildCache, Memo

DFQUAD_TOLERANCE = 1e-9
DFQUAD_PLAIN_ROUNDS = 100
DFQUAD_MAX_ROUNDS = 1000


@dataclass(frozen=True, slots=True)
class StrengthResult:
    """DF-QuAD strengths by node, with the rounds taken and whether they converged."""

    strengths: dict[str, float]
    rounds: int
    converged: bool


def dfquad_combine(base: float, attack: float, support: float) -> float:
    """Return the DF-QuAD strength of an argument from its base score and aggregates."""
    if attack >= support:
        return base - base * (attack - support)
    return base + (1.0 - base) * (support - attack)


def dfquad_strengths(
    base: Mapping[str, float],
    supports: Iterable[tuple[str, str]],
    attacks: Iterable[tuple[str, str]],
    *,
    tolerance: float = DFQUAD_TOLERANCE,
    max_rounds: int = DFQUAD_MAX_ROUNDS,
    cache: BuildCache | None = None,
) -> StrengthResult:
    """Return DF-QuAD strengths of a support/attack graph given as (source, target) pairs.

    With a cache, the last graph's strengths are kept, and only the arguments an added or
    removed edge or a new argument can reach along the edges are computed again: no other
    argument's influencers changed, so its value would come out the same. An argument gone
    since the last graph, or other settings, computes everything again.
    """
    if cache is not None:
        # Compared with the last graph's (``updated``); without a cache read once, as they come.
        supports, attacks = set(supports), set(attacks)
    kept = Memo(cache, "strengths")
    last = kept.get((tolerance, max_rounds))
    graph = None if last is None else last.updated(base, supports, attacks)
    if graph is None:
        # Without a cache no later graph is compared with this one: it goes without its edges
        # and what each influences, most of the memory the strengths take on a large map.
        graph = _Graph.of(base, supports, attacks, compared=cache is not None)
        del supports, attacks
        _compute(graph, base, set(base), tolerance, max_rounds)
    kept.keep((tolerance, max_rounds), graph)
    kept.remember()
    cyclic = graph.cyclic.values()
    return StrengthResult(
        dict(graph.strengths),
        max((rounds for rounds, _ in cyclic), default=1),
        all(converged for _, converged in cyclic),
    )


class _Graph:
    """A support/attack graph as DF-QuAD reads it, with its strengths once computed."""

    def __init__(self, base, supports, attacks, plan, influences) -> None:
        self.base: dict[str, float] = dict(base)
        self.supports: set[tuple[str, str]] = supports
        self.attacks: set[tuple[str, str]] = attacks
        # node -> (attackers, supporters), each sorted, so the floating-point products are
        # taken in one order whatever the input order.
        self.plan: dict[str, tuple[list[str], list[str]]] = plan
        # node -> the nodes it attacks or supports
        self.influences: dict[str, set[str]] = influences
        self.strengths: dict[str, float] = {}
        # each cycle's members -> (rounds it took, whether it converged)
        self.cyclic: dict[tuple[str, ...], tuple[int, bool]] = {}
        self.tolerance, self.max_rounds = DFQUAD_TOLERANCE, DFQUAD_MAX_ROUNDS

    @classmethod
    def of(cls, base, supports, attacks, *, compared: bool = True) -> _Graph:
        """Return the graph; one never ``updated`` (not ``compared``) keeps no edges and no
        influences, which only that needs."""
        supporters: dict[str, set[str]] = defaultdict(set)
        attackers: dict[str, set[str]] = defaultdict(set)
        influences: dict[str, set[str]] = defaultdict(set)
        for edges, into in ((supports, supporters), (attacks, attackers)):
            for source, target in edges:
                _check(base, source, target)
                into[target].add(source)
                if compared:
                    influences[source].add(target)
        plan = {
            node: (sorted(attackers.pop(node, ())), sorted(supporters.pop(node, ())))
            for node in base
        }
        if not compared:
            return cls(base, set(), set(), plan, {})
        return cls(base, supports, attacks, plan, dict(influences))

    def updated(self, base, supports, attacks) -> _Graph | None:
        """Return this graph with other edges, its strengths brought up to date; None when an
        argument is gone or its base score changed (then everything is computed again)."""
        if not self.base.keys() <= base.keys() or any(
            base[node] != score for node, score in self.base.items()
        ):
            return None
        changes = (
            (supports - self.supports, 1, True),
            (self.supports - supports, 1, False),
            (attacks - self.attacks, 0, True),
            (self.attacks - attacks, 0, False),
        )
        plan = dict(self.plan)
        influences = dict(self.influences)
        redo = set(base.keys() - self.base.keys())
        for node in redo:
            plan[node] = ([], [])
        for edges, side, added in changes:
            for source, target in edges:
                if added:
                    _check(base, source, target)
                ends = [list(plan[target][0]), list(plan[target][1])]
                if added:
                    ends[side] = sorted({*ends[side], source})
                else:
                    ends[side] = [node for node in ends[side] if node != source]
                plan[target] = (ends[0], ends[1])
                targets = set(influences.get(source, ()))
                if added:
                    targets.add(target)
                elif source not in ends[0] and source not in ends[1]:
                    # No edge of the other kind is left between the two either.
                    targets.discard(target)
                influences[source] = targets
                redo.add(target)
        graph = _Graph(base, supports, attacks, plan, influences)
        graph.strengths = dict(self.strengths)
        graph.cyclic = dict(self.cyclic)
        # Everything downstream of a change: the only values that can differ.
        reach, stack = set(redo), list(redo)
        while stack:
            for target in influences.get(stack.pop(), ()):
                if target not in reach:
                    reach.add(target)
                    stack.append(target)
        for members in [m for m in graph.cyclic if reach.intersection(m)]:
            del graph.cyclic[members]
        _compute(graph, base, reach, self.tolerance, self.max_rounds)
        return graph


def _check(base: Mapping[str, float], source: str, target: str) -> None:
    if source not in base or target not in base:
        raise ValueError(f"edge {source} -> {target} joins a node without a base score")


def _compute(
    graph: _Graph, base: Mapping[str, float], nodes: set[str], tolerance: float, max_rounds: int
) -> None:
    """Compute the strengths of ``nodes`` (all their influencers outside are final).

    Strongly connected components (SciPy) are taken in influence order, a wave at a time: a
    wave is every component whose influencers are all final. Its acyclic arguments are
    computed at once in NumPy, each product in the order of the argument's sorted attackers
    or supporters, as one multiplication after another (the same numbers as one at a time);
    only cycles are iterated (``_settle``).
    """
    # Imported here: SciPy adds tens of megabytes to a process, and a web worker imports the
    # builder without ever building a map.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph.tolerance, graph.max_rounds = tolerance, max_rounds
    plan, strengths = graph.plan, graph.strengths
    names = sorted(nodes)
    if not names:
        return
    index = {name: position for position, name in enumerate(names)}
    count = len(names)
    # Each influence into ``nodes``, target by target and in the plan's order, attackers
    # (kind 0) before supporters (kind 1); a source outside ``nodes`` is final: its value.
    # Machine numbers, not a Python object each: there is one for every influence.
    targets, kinds, sources, outside = array("q"), array("q"), array("q"), array("d")
    for target, name in enumerate(names):
        for kind, influencers in enumerate(plan[name]):
            for source in influencers:
                targets.append(target)
                kinds.append(kind)
                position = index.get(source)
                sources.append(-1 if position is None else position)
                outside.append(0.0 if position is not None else strengths[source])
    target_of = np.frombuffer(targets, dtype=np.int64)
    kind_of = np.frombuffer(kinds, dtype=np.int64)
    source_of = np.frombuffer(sources, dtype=np.int64)
    value_outside = np.frombuffer(outside, dtype=np.float64)
    inner = source_of >= 0
    _, component = connected_components(
        coo_matrix(
            (np.ones(int(inner.sum()), dtype=np.int8), (source_of[inner], target_of[inner])),
            shape=(count, count),
        ).tocsr(),
        directed=True,
        connection="strong",
    )
    sizes = np.bincount(component)
    cyclic = sizes[component] > 1
    cyclic[target_of[inner & (source_of == target_of)]] = True  # attacks or supports itself
    # The influences between components, by source component, and how many each still waits for.
    between = inner.copy()
    between[inner] = component[source_of[inner]] != component[target_of[inner]]
    from_component = component[source_of[between]]
    to_component = component[target_of[between]]
    order = np.argsort(from_component, kind="stable")
    from_component, to_component = from_component[order], to_component[order]
    out_bounds = np.searchsorted(from_component, np.arange(len(sizes) + 1))
    waiting = np.bincount(to_component, minlength=len(sizes))
    # Members by component, and each argument's influences as a slice (they come by target).
    members = np.argsort(component, kind="stable")
    member_bounds = np.searchsorted(component[members], np.arange(len(sizes) + 1))
    in_bounds = np.searchsorted(target_of, np.arange(count + 1))
    base_of = np.fromiter((base[name] for name in names), dtype=np.float64, count=count)
    value = np.zeros(count, dtype=np.float64)
    wave = np.flatnonzero(waiting == 0)
    while len(wave):
        nodes_now = members[_ranges(member_bounds[wave], member_bounds[wave + 1])]
        plain = nodes_now[~cyclic[nodes_now]]
        if len(plain):
            influences = _Influences(plain, in_bounds, kind_of, source_of, base_of)
            value[plain] = influences.combined(influences.final(value, value_outside))
        for label in np.unique(component[nodes_now[cyclic[nodes_now]]]).tolist():
            cycle = members[member_bounds[label] : member_bounds[label + 1]]
            value[cycle], rounds, converged = _settle(
                cycle,
                _Influences(cycle, in_bounds, kind_of, source_of, base_of),
                value,
                value_outside,
                tolerance,
                max_rounds,
            )
            graph.cyclic[tuple(names[n] for n in cycle.tolist())] = (rounds, converged)
        # Only the components this wave reaches: a wave's work is its own size, however many.
        touched, hits = np.unique(
            to_component[_ranges(out_bounds[wave], out_bounds[wave + 1])], return_counts=True
        )
        waiting[touched] -= hits
        wave = touched[waiting[touched] == 0]
    strengths.update(zip(names, value.tolist(), strict=True))


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the positions of the slices [start, end) one after another."""
    lengths = ends - starts
    total = int(lengths.sum())
    return np.arange(total) - np.repeat(np.cumsum(lengths) - lengths - starts, lengths)


class _Influences:
    """The influences into some arguments (attackers, then supporters, each in the plan's
    order), and the arguments' DF-QuAD values from their influencers' values."""

    def __init__(
        self,
        nodes: np.ndarray,
        in_bounds: np.ndarray,
        kind_of: np.ndarray,
        source_of: np.ndarray,
        base_of: np.ndarray,
    ) -> None:
        self.positions = _ranges(in_bounds[nodes], in_bounds[nodes + 1])
        self.sources = source_of[self.positions]
        self.base = base_of[nodes]
        owner = np.repeat(np.arange(len(nodes)), in_bounds[nodes + 1] - in_bounds[nodes])
        # Of each kind: which influences, whose, and where each argument's begin.
        self.kinds = []
        for kind in (0, 1):
            mine = kind_of[self.positions] == kind
            whose = owner[mine]
            starts = np.flatnonzero(np.diff(whose, prepend=-1))
            self.kinds.append((mine, whose[starts], starts))

    def final(self, value: np.ndarray, value_outside: np.ndarray) -> np.ndarray:
        """Return each influencer's value: computed (``value``) or given (outside the nodes)."""
        sources = self.sources
        return np.where(sources >= 0, value[np.maximum(sources, 0)], value_outside[self.positions])

    def combined(self, influence: np.ndarray) -> np.ndarray:
        """Return the arguments' strengths from their influencers' values: each product taken
        one multiplication after another in the plan's order: ``1 - prod(1 - s)``."""
        aggregates = []
        for mine, owners, starts in self.kinds:
            remainder = np.ones(len(self.base), dtype=np.float64)
            if len(starts):
                remainder[owners] = np.multiply.reduceat(1.0 - influence[mine], starts)
            aggregates.append(1.0 - remainder)
        attack, support = aggregates
        base = self.base
        return np.where(
            attack >= support,
            base - base * (attack - support),
            base + (1.0 - base) * (support - attack),
        )


def _settle(
    cycle: np.ndarray,
    influences: _Influences,
    value: np.ndarray,
    value_outside: np.ndarray,
    tolerance: float,
    max_rounds: int,
) -> tuple[np.ndarray, int, bool]:
    """Iterate one cycle (sorted node numbers) from its base scores to its fixed point
    (Jacobi, damped after ``DFQUAD_PLAIN_ROUNDS`` rounds); its influencers outside are final
    in ``value``. Return its values, the rounds taken and whether it converged."""
    fixed = influences.final(value, value_outside)
    sources = influences.sources
    local = np.searchsorted(cycle, sources)
    inside = np.flatnonzero((sources >= 0) & (cycle[np.minimum(local, len(cycle) - 1)] == sources))
    local = local[inside]
    current = influences.base.copy()
    for round_number in range(1, max_rounds + 1):
        influence = fixed.copy()
        influence[inside] = current[local]
        updated = influences.combined(influence)
        if round_number > DFQUAD_PLAIN_ROUNDS:
            updated = (updated + current) / 2.0
        change = float(np.max(np.abs(updated - current)))
        current = updated
        if change <= tolerance:
            return current, round_number, True
    return current, max_rounds, False
