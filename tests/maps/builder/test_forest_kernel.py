"""The compiled lexical pair search gives the Python search's pairs, in the same order."""

import random

import pytest

from maps.builder import forest_kernel
from maps.builder.similarity import LexicalSimilarity

VOCABULARY = [f"word{number}" for number in range(60)]


def paraphrases(rng: random.Random, count: int) -> list[str]:
    """Texts around a few arguments: words dropped and added, so components grow and merge.

    Small vocabularies make long chains, components joined under older ones (the posting
    lists regrouped, lists extended both ways) and texts sharing every word.
    """
    arguments = [rng.sample(VOCABULARY, rng.randint(2, 9)) for _ in range(max(1, count // 6))]
    texts = []
    for _ in range(count):
        words = list(rng.choice(arguments))
        for _ in range(rng.randint(0, 3)):
            if words and rng.random() < 0.5:
                words.pop(rng.randrange(len(words)))
            else:
                words.append(rng.choice(VOCABULARY))
        # Now and then a text of stopwords alone: no content word, never a pair.
        texts.append(" ".join(words) if rng.random() > 0.03 else "the and of")
    return texts


def both(similarity_, texts, groups):
    """The Python search's pairs and those ``similar_pairs`` gives (the compiled search)."""
    python = list(similarity_._spanning_pairs(texts, groups))
    compiled = list(similarity_.similar_pairs(texts, groups))
    return python, compiled


@pytest.mark.parametrize("seed", range(8))
def test_random_groups_give_the_same_pairs_in_the_same_order(seed):
    rng = random.Random(seed)
    found = 0
    for _ in range(25):
        count = rng.randint(1, 400)
        texts = paraphrases(rng, count)
        groups = [rng.randint(0, max(1, count // 3)) for _ in range(count)]
        similarity_ = LexicalSimilarity(
            threshold=rng.choice((0.3, 0.5, 0.75, 1.0)), min_shared=rng.choice((1, 2, 3))
        )
        python, compiled = both(similarity_, texts, groups)
        assert compiled == python
        found += len(python)
    assert found > 1000  # the groups did merge: the comparison is not of empty lists


def test_the_seed_corpus_claims_merge_as_before():
    texts = [
        "Tech firms say a backdoor would make services less secure for all users",
        "A backdoor would make the services less secure for all of their users, firms said",
        "Encryption protects privacy",
        "Encryption protects children",
    ]
    python, compiled = both(LexicalSimilarity(), texts, ["000", "004", "1", "2"])
    assert compiled == python
    assert [pair[:2] for pair in compiled] == [(0, 1)]


def test_a_guarded_similarity_keeps_the_python_search(monkeypatch):
    """The guard is a Python function of two texts: the kernel cannot call it."""
    monkeypatch.setattr(forest_kernel, "spanning_pairs", None)  # never called
    called = []

    def guard(first: str, second: str) -> bool:
        called.append((first, second))
        return False

    guarded = LexicalSimilarity(guard=guard, guard_name="test")
    pairs = guarded.similar_pairs(["alpha beta gamma", "alpha beta gamma"], [1, 2])
    assert [pair[:2] for pair in pairs] == [(0, 1)]
    assert called == [("alpha beta gamma", "alpha beta gamma")]


def test_a_group_large_enough_to_grow_the_membership_table_gives_the_same_pairs():
    """Tens of thousands of word-set keys: the kernel's membership table doubles several
    times (it starts at 65,536 slots) and must find every key it held before."""
    rng = random.Random(7)
    vocabulary = [f"term{number}" for number in range(3000)]
    arguments = [rng.sample(vocabulary, rng.randint(4, 9)) for _ in range(2500)]
    texts = []
    for _ in range(12_000):
        words = list(rng.choice(arguments))
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
        texts.append(" ".join(words))
    groups = [rng.randrange(4000) for _ in texts]

    python, compiled = both(LexicalSimilarity(), texts, groups)

    assert compiled == python
    assert len(python) > 7000


def test_the_membership_table_finds_every_key_it_was_given_and_no_other():
    rng = random.Random(3)
    table, held = forest_kernel.np.full(16, -1, forest_kernel.np.int64), 0
    keys = rng.sample(range(10**10), 5000)
    sizes = []
    for start in range(0, len(keys), 100):
        # As the kernel does before a text: room made for the keys it may add.
        if table.shape[0] < 2 * (held + 100):
            table = forest_kernel._rehashed(table, held + 100)
            sizes.append(table.shape[0])
        for key in keys[start : start + 100]:
            held = forest_kernel._added(table, held, key)
    assert held == 5000 and sizes == [256, 512, 1024, 2048, 4096, 8192, 16384]
    assert all(forest_kernel._has(table, key) for key in keys)
    others = set(rng.sample(range(10**10), 5000)) - set(keys)
    assert not any(forest_kernel._has(table, key) for key in others)
