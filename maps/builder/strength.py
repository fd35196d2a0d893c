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
) -> StrengthResult:
    """Return DF-QuAD strengths of a support/attack graph given as (source, target) pairs."""
    supporters: dict[str, set[str]] = defaultdict(set)
    attackers: dict[str, set[str]] = defaultdict(set)
    for edges, into in ((supports, supporters), (attacks, attackers)):
        for source, target in edges:
            if source not in base or target not in base:
                raise ValueError(f"edge {source} -> {target} joins a node without a base score")
            into[target].add(source)
    # Sorted so the floating-point products are taken in one order whatever the input order.
    plan = {
        node: (sorted(attackers.get(node, ())), sorted(supporters.get(node, ()))) for node in base
    }
    strengths: dict[str, float] = {}
    rounds, converged = 1, True
    # Strongly connected components, each after every argument that attacks or supports it:
    # an acyclic part is computed exactly in one pass, and only cycles are iterated.
    for component in _influence_order(plan):
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
                rounds = max(rounds, round_number)
                break
        else:
            rounds, converged = max_rounds, False
        strengths.update(current)
    return StrengthResult(strengths, rounds, converged)


def _influencers(plan: Mapping[str, tuple[list[str], list[str]]], node: str) -> list[str]:
    node_attackers, node_supporters = plan[node]
    return node_attackers + node_supporters


def _influence_order(plan: Mapping[str, tuple[list[str], list[str]]]) -> list[list[str]]:
    """Return the strongly connected components, each after all that influence it (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    order: list[list[str]] = []
    for root in sorted(plan):
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
            influencers = _influencers(plan, node)
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
