"""DF-QuAD strengths: hand-computed graphs, cycles, damping, and the seed map."""

import random

import pytest

from maps.builder import (
    DFQUAD_PLAIN_ROUNDS,
    BuildCache,
    dfquad_combine,
    dfquad_strengths,
)


def strengths(nodes, supports=(), attacks=(), base=0.5):
    result = dfquad_strengths(dict.fromkeys(nodes, base), supports, attacks)
    assert result.converged
    return {node: round(value, 9) for node, value in result.strengths.items()}


def test_dfquad_keeps_the_base_score_without_attackers_or_supporters():
    assert strengths("a") == {"a": 0.5}


def test_dfquad_one_attacker_or_one_supporter():
    assert strengths("ab", attacks=[("a", "b")]) == {"a": 0.5, "b": 0.25}
    assert strengths("ab", supports=[("a", "b")]) == {"a": 0.5, "b": 0.75}
    assert dfquad_strengths({"a": 0.5, "b": 0.8}, [("a", "b")], []).strengths["b"] == (
        pytest.approx(0.9)
    )


def test_dfquad_aggregates_attackers_by_probabilistic_sum():
    # va = 1 - (1 - .5)(1 - .5) = .75, so c = .5 - .5 * .75.
    assert strengths("abc", attacks=[("a", "c"), ("b", "c")])["c"] == 0.125


def test_dfquad_equal_support_and_attack_cancel():
    assert strengths("abc", supports=[("a", "c")], attacks=[("b", "c")])["c"] == 0.5


def test_dfquad_chain_reinstates_the_attacked():
    assert strengths("abc", attacks=[("a", "b"), ("b", "c")]) == {
        "a": 0.5,
        "b": 0.25,
        "c": 0.375,
    }


def test_dfquad_mutual_attack_converges_to_its_fixed_point():
    # s = .5 - .5 * s for both, so s = 1/3.
    result = dfquad_strengths({"a": 0.5, "b": 0.5}, [], [("a", "b"), ("b", "a")])
    assert result.converged
    assert result.strengths == pytest.approx({"a": 1 / 3, "b": 1 / 3}, abs=1e-8)
    cycle = strengths("abc", attacks=[("a", "b"), ("b", "c"), ("c", "a")])
    assert cycle == pytest.approx(dict.fromkeys("abc", 1 / 3), abs=1e-8)


def test_dfquad_uses_the_settled_cycle_downstream():
    # a and b attack each other (1/3 each); b attacks c: c = .5 - .5 * 1/3 = 1/3.
    result = dfquad_strengths(
        dict.fromkeys("abcd", 0.5), [("c", "d")], [("a", "b"), ("b", "a"), ("b", "c")]
    )
    assert result.converged
    assert result.strengths == pytest.approx(
        {"a": 1 / 3, "b": 1 / 3, "c": 1 / 3, "d": 0.5 + 0.5 / 3}, abs=1e-8
    )


def test_dfquad_acyclic_graphs_take_one_round_and_self_attack_is_a_cycle():
    assert dfquad_strengths(dict.fromkeys("abc", 0.5), [("a", "b")], [("b", "c")]).rounds == 1
    alone = dfquad_strengths({"a": 0.5}, [], [("a", "a")])
    assert alone.converged
    assert alone.strengths["a"] == pytest.approx(1 / 3, abs=1e-8)


def test_dfquad_refuses_edges_to_nodes_without_a_base_score():
    with pytest.raises(ValueError, match="edge a -> z joins a node without a base score"):
        dfquad_strengths({"a": 0.5}, [("a", "z")], [])


def test_dfquad_reports_when_it_stopped_short():
    result = dfquad_strengths({"a": 0.5, "b": 0.5}, [], [("a", "b"), ("b", "a")], max_rounds=3)
    assert (result.rounds, result.converged) == (3, False)


def test_dfquad_damping_settles_an_oscillating_cycle():
    # Plain iteration of two strong mutual attackers with base 1 flips between 0 and 1.
    result = dfquad_strengths({"a": 1.0, "b": 1.0}, [], [("a", "b"), ("b", "a")])
    assert result.converged
    assert result.rounds > DFQUAD_PLAIN_ROUNDS
    assert result.strengths == pytest.approx({"a": 0.5, "b": 0.5}, abs=1e-6)


def test_seed_map_strengths_match_a_hand_computation(seed_map):
    # Every argument but the proposition balances out at .5 (each supported claim is attacked
    # by an argument of equal strength); the proposition has three supporters and two
    # attackers at .5: vs = 1 - .5**3 = .875, va = 1 - .5**2 = .75, so .5 + .5 * .125.
    assert seed_map.proposition.strength == 0.5625
    assert {n.strength for n in seed_map.arguments} == {0.5}
    assert seed_map.strength.converged
    assert seed_map.strength.semantics == "df-quad"


def _random_graph(rng, nodes):
    pairs = [(a, b) for a in nodes for b in nodes if a != b]
    return set(rng.sample(pairs, len(nodes) * 2)), set(rng.sample(pairs, len(nodes)))


def test_strengths_kept_in_a_cache_and_brought_up_to_date_equal_a_fresh_computation():
    rng = random.Random(11)
    nodes = [f"n{i:02d}" for i in range(30)]
    supports, attacks = _random_graph(rng, nodes)
    cache = BuildCache()
    base = dict.fromkeys(nodes, 0.5)
    dfquad_strengths(base, supports, attacks, cache=cache)
    for step in range(40):
        pairs = [(a, b) for a in base for b in base if a != b]
        if step % 4 == 0:  # a new argument, attacking and supported
            new = f"m{step:02d}"
            base = {**base, new: 0.5}
            attacks = attacks | {(new, rng.choice(nodes))}
            supports = supports | {(rng.choice(nodes), new)}
        elif step % 4 == 1:
            supports = supports - {rng.choice(sorted(supports))}
        elif step % 4 == 2:
            attacks = attacks | {rng.choice(pairs)}
        else:
            attacks = attacks - {rng.choice(sorted(attacks))}

        kept = dfquad_strengths(base, supports, attacks, cache=cache)

        fresh = dfquad_strengths(base, supports, attacks)
        assert kept == fresh
        assert kept.strengths.keys() == base.keys()
    # The graph has cycles, so rounds were counted and compared above.
    assert fresh.rounds > 1


def test_edges_read_once_as_they_come_and_given_twice_count_once():
    rng = random.Random(12)
    nodes = [f"n{i:02d}" for i in range(30)]
    supports, attacks = _random_graph(rng, nodes)
    base = dict.fromkeys(nodes, 0.5)
    expected = dfquad_strengths(base, supports, attacks, cache=BuildCache())

    # One pass over each, every edge twice: without a cache they are read once, not kept.
    once = dfquad_strengths(base, iter([*supports, *supports]), iter([*attacks, *attacks]))

    assert once == expected
    assert expected.rounds > 1


def test_an_argument_gone_or_rescored_computes_everything_again():
    cache = BuildCache()
    base = {"a": 0.5, "b": 0.5, "c": 0.5}
    dfquad_strengths(base, [("a", "b")], [("b", "a"), ("c", "a")], cache=cache)

    gone = dfquad_strengths({"a": 0.5, "b": 0.5}, [("a", "b")], [("b", "a")], cache=cache)
    rescored = dfquad_strengths({**base, "c": 0.9}, [("a", "b")], [("c", "a")], cache=cache)

    assert gone == dfquad_strengths({"a": 0.5, "b": 0.5}, [("a", "b")], [("b", "a")])
    assert rescored == dfquad_strengths({**base, "c": 0.9}, [("a", "b")], [("c", "a")])
    with pytest.raises(ValueError, match="edge x -> a joins a node without a base score"):
        dfquad_strengths(base, [("a", "b"), ("x", "a")], [], cache=cache)


def _reference_acyclic(base, supports, attacks, order):
    """DF-QuAD of an acyclic graph, node after node in ``order`` (influencers first): each
    product over the sorted influencers, one multiplication at a time."""
    attackers, supporters = {}, {}
    for source, target in attacks:
        attackers.setdefault(target, []).append(source)
    for source, target in supports:
        supporters.setdefault(target, []).append(source)
    found = {}

    def aggregate(nodes):
        remainder = 1.0
        for node in sorted(nodes):
            remainder *= 1.0 - found[node]
        return 1.0 - remainder

    for node in order:
        attack = aggregate(attackers.get(node, ()))
        support = aggregate(supporters.get(node, ()))
        found[node] = dfquad_combine(base[node], attack, support)
    return found


def test_acyclic_strengths_equal_one_multiplication_at_a_time_bit_for_bit():
    rng = random.Random(5)
    nodes = [f"n{i}" for i in range(400)]
    base = {node: rng.choice((0.2, 0.5, 0.7)) for node in nodes}
    # Edges only from a later node to an earlier one: acyclic, with up to a dozen influencers.
    supports = {(nodes[rng.randrange(i + 1, 400)], nodes[i]) for i in range(399) for _ in range(6)}
    attacks = {(nodes[rng.randrange(i + 1, 400)], nodes[i]) for i in range(399) for _ in range(6)}

    result = dfquad_strengths(base, supports, attacks)

    assert result.strengths == _reference_acyclic(base, supports, attacks, nodes[::-1])
    assert (result.rounds, result.converged) == (1, True)


def test_a_long_support_chain_is_computed_link_after_link():
    nodes = [f"n{i}" for i in range(3000)]
    supports = [(nodes[i + 1], nodes[i]) for i in range(2999)]
    attacks = [(nodes[-1], nodes[-2])]

    result = dfquad_strengths(dict.fromkeys(nodes, 0.5), supports, attacks)

    assert result.strengths == _reference_acyclic(
        dict.fromkeys(nodes, 0.5), supports, attacks, nodes[::-1]
    )
    assert result.strengths["n2999"] == 0.5
    assert result.strengths["n2998"] == 0.5  # supported and attacked by n2999 alike
