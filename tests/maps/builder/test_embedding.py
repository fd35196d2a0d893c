"""The encoder gives WordLlama's own vectors, bit for bit, and the table keeps them lean."""

import json
from pathlib import Path

import numpy as np

from maps.builder import EmbeddingTable, WordLlamaEncoder, embedding_key, vector_bytes
from maps.builder.embedding import load_wordllama, normalise_text

PAIRS = Path(__file__).resolve().parents[1] / "fixtures" / "claim_pairs.json"
# Texts the word-by-word tokenization must not take: the model's own path encodes them.
ODD_TEXTS = [
    "",
    "x",
    " leading space",
    "trailing space ",
    "two  spaces inside",
    "the boundary mark \u2581 itself",
    "Ünïcödé naïve café, “quoted” — dashed",
    "暗号化は子どもを守る",
    "an emoji 🙂 and\ta tab",
    "encryption " * 120,
]


def wordllama_vectors(texts):
    """What the encoder used to compute: ``WordLlama.embed(norm=False)``, then unit rows."""
    pooled = np.asarray(load_wordllama().embed(list(texts), norm=False), dtype=np.float32)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return np.divide(pooled, norms, out=np.zeros_like(pooled), where=norms > 0)


def labelled_texts():
    pairs = json.loads(PAIRS.read_text())["pairs"]
    return sorted({text for pair in pairs for text in (pair["a"], pair["b"])})


def test_the_encoder_gives_wordllamas_vectors_bit_for_bit():
    texts = labelled_texts()
    texts += [normalise_text(text) for text in ODD_TEXTS] + ODD_TEXTS
    assert len(texts) == 446
    expected = wordllama_vectors(texts)
    found = WordLlamaEncoder().encode(texts)
    assert found.dtype == np.float32
    assert np.array_equal(found.view(np.uint32), expected.view(np.uint32))
    assert [vector_bytes(v) for v in found] == [vector_bytes(v) for v in expected]
    # The empty text has no tokens: a zero row, as the model gives it.
    assert not found[texts.index("")].any()


def test_texts_of_every_length_in_one_call_keep_their_order():
    texts = labelled_texts()[:200]
    # Reversed and repeated, the same texts get the same rows in their new places.
    shuffled = texts[::-1] + texts[:7]
    found = WordLlamaEncoder().encode(shuffled)
    expected = WordLlamaEncoder().encode(texts)
    assert np.array_equal(found[:200], expected[::-1])
    assert np.array_equal(found[200:], expected[:7])


def test_the_table_keeps_float16_rows_and_hands_back_what_it_encoded():
    texts = labelled_texts()[:50]
    table = EmbeddingTable(WordLlamaEncoder())
    vectors = table.vectors([*texts, texts[0], f"  {texts[1]} "])
    assert (vectors.dtype, vectors.shape, table.encoded, len(table.new)) == (
        np.float16,
        (52, 256),
        50,
        50,
    )
    assert np.array_equal(vectors[50], vectors[0]) and np.array_equal(vectors[51], vectors[1])
    expected = wordllama_vectors(texts)
    model = table.model
    assert dict(table.new) == {
        embedding_key(text, model): vector_bytes(row)
        for text, row in zip(texts, expected, strict=True)
    }
    # A second table reads them all from the lookup: nothing encoded, nothing new.
    stored = dict(table.new)
    warm = EmbeddingTable(WordLlamaEncoder(), lambda keys: {k: stored[k] for k in keys})
    assert np.array_equal(warm.vectors(texts[::-1]), vectors[:50][::-1])
    assert (warm.encoded, dict(warm.new)) == (0, {})


class _NumberedEncoder:
    """Row n of a text "t<n>" is n/100000 and 1 in its first two places: every row differs."""

    name = "numbered/test"

    def encode(self, texts):
        rows = np.zeros((len(texts), 256), dtype=np.float32)
        rows[:, 0] = [int(text[1:]) / 100000 for text in texts]
        rows[:, 1] = 1.0
        return rows


def test_the_table_grows_block_by_block_and_reads_rows_across_blocks():
    # 40,000 texts in two calls: three blocks of 16,384 rows, a call's rows across a boundary.
    texts = [f"t{n}" for n in range(40_000)]
    table = EmbeddingTable(_NumberedEncoder())
    table.vectors(texts[:10_000])
    vectors = table.vectors(texts[::-1])

    expected = _NumberedEncoder().encode(texts[::-1]).astype(np.float16)
    assert np.array_equal(vectors, expected)
    assert len(table._blocks) == 3
    assert table.encoded == len(table.new) == 40_000
    key = embedding_key("t39999", table.model)
    assert table.new[key] == vector_bytes(expected[0])
    assert table.cosine("t16383", "t16384") == round(
        float(expected[[-16384, -16385]].astype(np.float64).prod(axis=0).sum()), 4
    )


def test_a_released_table_holds_nothing_and_encodes_again_when_asked():
    texts = [f"t{n}" for n in range(20_000)]
    table = EmbeddingTable(_NumberedEncoder())
    before = table.vectors(texts)
    assert (table.held, len(table.new), table.encoded) == (20_000, 20_000, 20_000)

    table.release()

    assert (table.held, len(table.new), table.encoded) == (0, 0, 20_000)
    again = table.vectors(texts[:3])
    assert np.array_equal(again, before[:3])
    assert (table.held, len(table.new), table.encoded) == (3, 3, 20_003)
