"""Sentence vectors for semantic merging: the encoder, its offline loading, and a build's table.

The encoder is WordLlama's 256-dimension static-embedding model, whose weights and tokenizer
ship inside the ``wordllama`` package: nothing is ever downloaded (``load_wordllama`` refuses
to, and tests/maps/builder/test_embedding.py loads it with the network cut). A static model
embeds a text as the mean of its tokens' vectors, so it is fast enough for a map of a million
spans, where a transformer is not (docs/MERGING.md has the figures).

``WordLlamaEncoder`` computes exactly what ``WordLlama.embed(norm=False)`` computes, bit for
bit, without its padded batches of 64: the tokenizer has no pre-tokenizer and no token of its
vocabulary holds a word boundary ("▁") after its first character, so a text's tokens are its
words' tokens one after the other, and each distinct word is tokenized once; token vectors are
summed in the model's order, in float32, over all texts of one token count at a time.
tests/maps/builder/test_embedding.py compares the two.

Vectors are stored and compared as float16, fresh or read back: a build that encodes a text and
one that reads its vector from the database compare exactly the same numbers, so a cold and a
warm cache make the same map. The caller keeps the vectors between builds (``maps.embeddings``
stores them in the database): an ``EmbeddingTable`` is given a ``lookup`` of stored vectors,
encodes only what the lookup lacks, and hands what it encoded back in ``new``.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

VECTOR_DTYPE = np.dtype("<f2")
DIMENSIONS = 256
WORDLLAMA_MODEL = "wordllama-0.4.0.post1/l2_supercat_256"

# Texts per step of the encoder: bounds its word lists and token arrays (tens of megabytes).
_TEXTS_PER_STEP = 32768
# Rows of the table's blocks: 8 MB of float16 vectors each.
_BLOCK_BITS = 14
_BLOCK_ROWS = 1 << _BLOCK_BITS
_BLOCK_MASK = _BLOCK_ROWS - 1
# Texts per float32 running sum: 256 rows of 1 KiB stay in the processor's cache (twice as
# fast as 1,024 rows).
_ROWS_PER_SUM = 256

# ``lookup(keys)`` returns the stored vectors (``vector_bytes``) of the keys it knows.
EmbeddingLookup = Callable[[Sequence[str]], Mapping[str, bytes]]


class TextEncoder(Protocol):
    """A sentence encoder: a stable model name and unit vectors for texts."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one L2-normalised float32 row per text."""
        ...


def normalise_text(text: str) -> str:
    """Return the text as it is embedded: NFKC, whitespace collapsed, stripped."""
    # ``str.split()`` splits where ``\\s`` matches (``str.isspace``), and drops the ends.
    return " ".join(unicodedata.normalize("NFKC", text).split())


def embedding_key(text: str, model: str) -> str:
    """Return the cache key of a text's vector: SHA-256 of the model and the normalised text."""
    return hashlib.sha256(f"{model}\x1f{normalise_text(text)}".encode()).hexdigest()


def vector_bytes(vector: np.ndarray) -> bytes:
    """Return a vector as little-endian float16 bytes (512 bytes for 256 dimensions)."""
    return np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()


def vector_from_bytes(data: bytes) -> np.ndarray:
    """Return the float32 vector stored as ``vector_bytes``."""
    return np.frombuffer(data, dtype=VECTOR_DTYPE).astype(np.float32)


@lru_cache(maxsize=1)
def load_wordllama() -> Any:
    """Return WordLlama's packaged model, loaded from the package's own files, never downloaded.

    ``WordLlama.load()`` looks for its tokenizer under ``wordllama/tokenizer/`` while the package
    ships it under ``wordllama/tokenizers/``, so by default it goes to Hugging Face; pointing
    its cache at the package folder finds both files, and ``disable_download`` makes a missing
    file an error instead of a download. Cached: loading reads the same installed files every
    time (0.3-0.5 s), and the model is never changed after it. Importing ``wordllama`` calls
    ``logging.basicConfig(level=INFO)``; the root logger is put back as it was.
    """
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import wordllama
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    return wordllama.WordLlama.load(
        config="l2_supercat",
        dim=DIMENSIONS,
        cache_dir=Path(wordllama.__file__).parent,
        disable_download=True,
    )


@lru_cache(maxsize=1)
def _word_tokenizer() -> Any:
    """Return a copy of the packaged tokenizer without the padding WordLlama turns on."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(load_wordllama().tokenizer.to_str())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def _splits_into_words(text: str) -> bool:
    # The model's own tokenization equals its words' tokens one after the other when words are
    # separated by single spaces and no text holds the boundary mark itself.
    return "\u2581" not in text and "  " not in text and text[:1] != " " and text[-1:] != " "


class _WordTokens:
    """Each distinct word's token ids, tokenized once: a text's tokens are its words'."""

    def __init__(self, vocabulary_size: int) -> None:
        self.vocabulary_size = vocabulary_size
        self.index: dict[str, int] = {}
        self.starts = np.zeros(0, dtype=np.int64)
        self.lengths = np.zeros(0, dtype=np.int64)
        self.tokens = np.zeros(0, dtype=np.int32)

    def text_tokens(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return the texts' token ids end to end and each text's number of tokens."""
        words = " ".join(texts).split(" ")
        index = self.index
        new = [word for word in dict.fromkeys(words) if word not in index]
        if new:
            self._add(new)
        word_ids = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
        # A text of n words has n - 1 spaces; the empty text is one empty word, of no tokens.
        per_text = np.fromiter((text.count(" ") + 1 for text in texts), np.int64, len(texts))
        lengths = self.lengths[word_ids]
        ends = np.cumsum(lengths)
        within = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
        tokens = self.tokens[np.repeat(self.starts[word_ids], lengths) + within]
        word_ends = np.cumsum(per_text)
        text_lengths = np.diff(np.concatenate(([0], ends[word_ends - 1]))) if len(texts) else ends
        return tokens, text_lengths

    def _add(self, words: list[str]) -> None:
        encoded = _word_tokenizer().encode_batch_fast(words, add_special_tokens=False)
        ids = [item.ids for item in encoded]
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        tokens = np.fromiter(
            (token for word in ids for token in word), dtype=np.int32, count=int(lengths.sum())
        )
        # As the model does: an id past the embedding matrix is clamped to its last row.
        np.clip(tokens, 0, self.vocabulary_size - 1, out=tokens)
        first = len(self.index)
        self.index.update((word, first + n) for n, word in enumerate(words))
        self.starts = np.concatenate((self.starts, len(self.tokens) + np.cumsum(lengths) - lengths))
        self.lengths = np.concatenate((self.lengths, lengths))
        self.tokens = np.concatenate((self.tokens, tokens))


def _mean_token_vectors(
    matrix: np.ndarray, tokens: np.ndarray, lengths: np.ndarray, out: np.ndarray
) -> None:
    """Write each text's mean token vector into ``out``, summed as ``WordLlama.embed`` does.

    It adds a padded batch's token vectors one position at a time, in float32, then divides by
    the count; texts of one length are summed the same way, without padding (adding a padded
    zero changes nothing).
    """
    starts = np.cumsum(lengths) - lengths
    order = np.argsort(lengths, kind="stable")
    bounds = np.flatnonzero(np.diff(lengths[order])) + 1
    buffer = np.empty((_ROWS_PER_SUM, matrix.shape[1]), dtype=np.float32)
    for same_length in np.split(order, bounds):
        length = int(lengths[same_length[0]]) if len(same_length) else 0
        if length == 0:
            continue  # no tokens: the model's mean is zero (it divides by at least 1)
        for begin in range(0, len(same_length), _ROWS_PER_SUM):
            rows = same_length[begin : begin + _ROWS_PER_SUM]
            ids = tokens[starts[rows][None, :] + np.arange(length)[:, None]]
            total = matrix[ids[0]]
            part = buffer[: len(rows)]
            for position in range(1, length):
                np.take(matrix, ids[position], axis=0, out=part)
                total += part
            total /= np.float32(length)
            out[rows] = total


class WordLlamaEncoder:
    """WordLlama's packaged static-embedding model; loads it on first use."""

    name = WORDLLAMA_MODEL

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit float32 vectors of the texts (a zero text gives a zero row)."""
        model = load_wordllama()
        vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        plain = np.fromiter(map(_splits_into_words, texts), dtype=bool, count=len(texts))
        odd = np.flatnonzero(~plain)
        if len(odd):
            pooled = np.asarray(model.embed([texts[i] for i in odd], norm=False), np.float32)
            _normalise(pooled)
            vectors[odd] = pooled
        words = _WordTokens(len(model.embedding))
        plain_rows = np.flatnonzero(plain)
        for begin in range(0, len(plain_rows), _TEXTS_PER_STEP):
            rows = plain_rows[begin : begin + _TEXTS_PER_STEP]
            tokens, lengths = words.text_tokens([texts[i] for i in rows])
            # Usually every text is plain: its rows are a slice, written in place.
            if len(odd):
                pooled = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
            else:
                pooled = vectors[begin : begin + len(rows)]
            _mean_token_vectors(model.embedding, tokens, lengths, pooled)
            _normalise(pooled)
            if len(odd):
                vectors[rows] = pooled
        return vectors


def _normalise(vectors: np.ndarray) -> None:
    # Row by row in float32 as it always was (``np.linalg.norm``), so stored vectors keep their
    # bytes; a step at a time keeps the squares' array small. A zero row stays zero.
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    np.divide(vectors, norms, out=vectors, where=norms > 0)


class _NewVectors(Mapping[str, bytes]):
    """The vectors a table encoded, by key, as ``vector_bytes``, made when asked for."""

    def __init__(self, table: EmbeddingTable) -> None:
        self._table = table

    def __getitem__(self, key: str) -> bytes:
        return self._table._row(self._table._new_rows[key]).tobytes()

    def __iter__(self) -> Iterator[str]:
        return iter(self._table._new_rows)

    def __len__(self) -> int:
        return len(self._table._new_rows)


class EmbeddingTable:
    """The vectors of one build's texts: stored ones from ``lookup``, the rest encoded.

    Create one per build; after it, ``new`` holds the vectors this build encoded (by key, as
    ``vector_bytes``) for the caller to store, and ``encoded`` counts the texts it encoded.
    Vectors are kept in float16 blocks of ``_BLOCK_ROWS`` rows, a row per distinct text: the
    table grows a block at a time and never copies what it holds.
    """

    def __init__(self, encoder: TextEncoder, lookup: EmbeddingLookup | None = None) -> None:
        self.encoder = encoder
        self.model = encoder.name
        self._lookup = lookup
        self._blocks: list[np.ndarray] = []
        self._size = 0
        self._rows: dict[str, int] = {}  # key -> row of the blocks
        self._text_rows: dict[str, int] = {}  # text as given -> row
        self._new_rows: dict[str, int] = {}
        self.new: Mapping[str, bytes] = _NewVectors(self)
        self.encoded = 0

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Return the texts' unit vectors as float16 rows (the numbers stored and compared)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=VECTOR_DTYPE)
        rows = self.rows(texts)
        found = np.empty((len(rows), DIMENSIONS), dtype=VECTOR_DTYPE)
        blocks = rows >> _BLOCK_BITS
        if blocks.min() == blocks.max():
            found[:] = self._blocks[int(blocks[0])][rows & _BLOCK_MASK]
            return found
        for block in np.unique(blocks).tolist():
            here = blocks == block
            found[here] = self._blocks[block][rows[here] & _BLOCK_MASK]
        return found

    @property
    def held(self) -> int:
        """How many distinct texts' vectors the table holds."""
        return self._size

    def release(self) -> None:
        """Drop every vector and row the table holds, once the caller has stored ``new``.

        A worker's ``BuildCache`` keeps the build's similarity as a key of what it kept (an
        equal similarity finds it again), and the similarity keeps its table: released, the
        table holds nothing between builds, and the map's JSON and the next build reuse its
        memory. Asked again after, it reads or encodes the texts anew.
        """
        self._blocks, self._size = [], 0
        self._rows, self._text_rows, self._new_rows = {}, {}, {}

    def _row(self, row: int) -> np.ndarray:
        return self._blocks[row >> _BLOCK_BITS][row & _BLOCK_MASK]

    def cosine(self, text_a: str, text_b: str) -> float:
        """Return the cosine of two texts' vectors in float64, rounded to 4 decimals."""
        rows = self._text_rows
        if text_a not in rows or text_b not in rows:
            self.rows([text_a, text_b])
        a = self._row(rows[text_a]).astype(np.float64)
        return round(float(a @ self._row(rows[text_b]).astype(np.float64)), 4)

    def rows(self, texts: Sequence[str]) -> np.ndarray:
        """Return each text's row of the table's matrix, reading or encoding what it lacks."""
        text_rows = self._text_rows
        unknown = [text for text in dict.fromkeys(texts) if text not in text_rows]
        if unknown:
            self._add(unknown)
        return np.fromiter(map(text_rows.__getitem__, texts), dtype=np.int64, count=len(texts))

    def _add(self, texts: list[str]) -> None:
        rows = self._rows
        normalised = [normalise_text(text) for text in texts]
        seed = hashlib.sha256(f"{self.model}\x1f".encode())
        keys = []
        for text in normalised:
            digest = seed.copy()
            digest.update(text.encode())
            keys.append(digest.hexdigest())  # embedding_key(text, model), normalised once
        missing = [key for key in dict.fromkeys(keys) if key not in rows]
        if missing and self._lookup is not None:
            found = self._lookup(missing)
            if found:
                stored = list(found)
                self._append(
                    stored,
                    np.frombuffer(b"".join(found[key] for key in stored), dtype=VECTOR_DTYPE),
                )
                missing = [key for key in missing if key not in rows]
        if missing:
            wanted = set(missing)
            to_encode: dict[str, str] = {}
            for key, text in zip(keys, normalised, strict=True):
                if key in wanted and key not in to_encode:
                    to_encode[key] = text
            keys_to_encode, texts_to_encode = list(to_encode), list(to_encode.values())
            # A step at a time: the encoder's float32 rows of a million texts would be 1 GB.
            for begin in range(0, len(texts_to_encode), _TEXTS_PER_STEP):
                step = slice(begin, begin + _TEXTS_PER_STEP)
                encoded = self.encoder.encode(texts_to_encode[step])
                first = self._size
                self._append(keys_to_encode[step], np.asarray(encoded, dtype=VECTOR_DTYPE))
                self._new_rows.update(
                    (key, first + n) for n, key in enumerate(keys_to_encode[step])
                )
            self.encoded += len(to_encode)
        self._text_rows.update((text, rows[key]) for text, key in zip(texts, keys, strict=True))

    def _append(self, keys: list[str], vectors: np.ndarray) -> None:
        vectors = vectors.reshape(len(keys), DIMENSIONS)
        first = self._size
        written = 0
        while written < len(keys):
            row = first + written
            if row >> _BLOCK_BITS == len(self._blocks):
                self._blocks.append(np.zeros((_BLOCK_ROWS, DIMENSIONS), VECTOR_DTYPE))
            offset = row & _BLOCK_MASK
            part = min(len(keys) - written, _BLOCK_ROWS - offset)
            self._blocks[-1][offset : offset + part] = vectors[written : written + part]
            written += part
        self._rows.update((key, first + n) for n, key in enumerate(keys))
        self._size = first + len(keys)
