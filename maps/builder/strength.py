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

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


def _aggregate(values: Iterable[float]) -> float:
    remainder = 1.0
    for value in values:
        remainder *= 1.0 - value
    return 1.0 - remainder


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
    supports, attacks = set(supports), set(attacks)
    kept = Memo(cache, "strengths")
    last = kept.get((tolerance, max_rounds))
    graph = None if last is None else last.updated(base, supports, attacks)
    if graph is None:
        graph = _Graph.of(base, supports, attacks)
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
    def of(cls, base, supports, attacks) -> _Graph:
        supporters: dict[str, set[str]] = defaultdict(set)
        attackers: dict[str, set[str]] = defaultdict(set)
        influences: dict[str, set[str]] = defaultdict(set)
        for edges, into in ((supports, supporters), (attacks, attackers)):
            for source, target in edges:
                _check(base, source, target)
                into[target].add(source)
                influences[source].add(target)
        plan = {
            node: (sorted(attackers.get(node, ())), sorted(supporters.get(node, ())))
            for node in base
        }
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
    """Compute the strengths of ``nodes`` (all their influencers outside are final)."""
    graph.tolerance, graph.max_rounds = tolerance, max_rounds
    plan, strengths = graph.plan, graph.strengths
    # Strongly connected components, each after every argument that attacks or supports it:
    # an acyclic part is computed exactly in one pass, and only cycles are iterated.
    for component in _influence_order(plan, nodes):
        if len(component) == 1 and component[0] not in _influencers(plan, component[0]):
            node = component[0]
            node_attackers, node_supporters = plan[node]
            strengths[node] = dfquad_combine(
                base[node],
                _aggregate(strengths[a] for a in node_attackers),
                _aggregate(strengths[s] for s in node_supporters),
            )
            continue
        current = {node: base[node] for node in component}
        for round_number in range(1, max_rounds + 1):
            damped = round_number > DFQUAD_PLAIN_ROUNDS
            updated: dict[str, float] = {}
            change = 0.0
            for node in component:
                node_attackers, node_supporters = plan[node]
                # Influencers outside the cycle are final already; those inside are not yet.
                value = dfquad_combine(
                    base[node],
                    _aggregate(
                        current[a] if a in current else strengths[a] for a in node_attackers
                    ),
                    _aggregate(
                        current[s] if s in current else strengths[s] for s in node_supporters
                    ),
                )
                if damped:
                    value = (value + current[node]) / 2.0
                change = max(change, abs(value - current[node]))
                updated[node] = value
            current = updated
            if change <= tolerance:
                graph.cyclic[tuple(component)] = (round_number, True)
                break
        else:
            graph.cyclic[tuple(component)] = (max_rounds, False)
        strengths.update(current)


def _influencers(plan: Mapping[str, tuple[list[str], list[str]]], node: str) -> list[str]:
    node_attackers, node_supporters = plan[node]
    return node_attackers + node_supporters


def _influence_order(
    plan: Mapping[str, tuple[list[str], list[str]]], nodes: set[str]
) -> list[list[str]]:
    """Return the strongly connected components of ``nodes``, each after all that influence
    it (Tarjan); ``nodes`` holds everything its members influence, so a cycle through one is
    all in it, and influencers outside are left alone (their values are final)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    # Each node's influencers among ``nodes``, listed once per node, not once per step.
    among: dict[str, list[str]] = {}
    order: list[list[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        # Iterative, so a long support chain cannot exhaust the recursion limit.
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work[-1]
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            influencers = among.get(node)
            if influencers is None:
                influencers = among[node] = [n for n in _influencers(plan, node) if n in nodes]
            if position < len(influencers):
                work[-1] = (node, position + 1)
                other = influencers[position]
                if other not in index:
                    work.append((other, 0))
                elif other in on_stack:
                    low[node] = min(low[node], index[other])
                continue
            work.pop()
            if work:
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                order.append(sorted(component))
    return order
