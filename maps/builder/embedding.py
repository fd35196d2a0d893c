"""Sentence vectors for semantic merging: the encoder, its offline loading, and a build's table.

The encoder is WordLlama's 256-dimension static-embedding model, whose weights and tokenizer
ship inside the ``wordllama`` package: nothing is ever downloaded (``load_wordllama`` refuses
to, and tests/maps/builder/test_embedding.py loads it with the network cut). A static model
embeds a text as the mean of its tokens' vectors, so it is fast enough for a map of a million
spans, where a transformer is not (docs/MERGING.md has the figures).

Vectors are stored and compared as float16, fresh or read back: a build that encodes a text and
one that reads its vector from the database compare exactly the same numbers, so a cold and a
warm cache make the same map. The caller keeps the vectors between builds (``maps.embeddings``
stores them in the database): an ``EmbeddingTable`` is given a ``lookup`` of stored vectors,
encodes only what the lookup lacks, and hands what it encoded back in ``new``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

VECTOR_DTYPE = np.dtype("<f2")
WORDLLAMA_MODEL = "wordllama-0.4.0.post1/l2_supercat_256"

_SPACE = re.compile(r"\s+")

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
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


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
        dim=256,
        cache_dir=Path(wordllama.__file__).parent,
        disable_download=True,
    )


class WordLlamaEncoder:
    """WordLlama's packaged static-embedding model; loads it on first use."""

    name = WORDLLAMA_MODEL

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return unit float32 vectors of the texts (a zero text gives a zero row)."""
        if not texts:
            return np.zeros((0, 256), dtype=np.float32)
        vectors = load_wordllama().embed(list(texts), norm=False, batch_size=64)
        vectors = np.asarray(vectors, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)


class EmbeddingTable:
    """The vectors of one build's texts: stored ones from ``lookup``, the rest encoded.

    Create one per build; after it, ``new`` holds the vectors this build encoded (by key, as
    ``vector_bytes``) for the caller to store, and ``encoded`` counts the texts it encoded.
    """

    def __init__(self, encoder: TextEncoder, lookup: EmbeddingLookup | None = None) -> None:
        self.encoder = encoder
        self.model = encoder.name
        self._lookup = lookup
        self._vectors: dict[str, np.ndarray] = {}
        self._keys: dict[str, str] = {}
        self.new: dict[str, bytes] = {}
        self.encoded = 0

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """Return the float16-exact unit vectors of the texts as float32 rows."""
        known_keys, model = self._keys, self.model
        keys = []
        for text in texts:
            key = known_keys.get(text)
            if key is None:
                key = known_keys[text] = embedding_key(text, model)
            keys.append(key)
        missing = list(dict.fromkeys(key for key in keys if key not in self._vectors))
        if missing and self._lookup is not None:
            for key, data in self._lookup(missing).items():
                self._vectors[key] = vector_from_bytes(data)
            missing = [key for key in missing if key not in self._vectors]
        if missing:
            wanted = set(missing)
            to_encode: dict[str, str] = {}
            for key, text in zip(keys, texts, strict=True):
                if key in wanted and key not in to_encode:
                    to_encode[key] = normalise_text(text)
            encoded = self.encoder.encode(list(to_encode.values()))
            self.encoded += len(to_encode)
            for key, vector in zip(to_encode, encoded, strict=True):
                data = vector_bytes(vector)
                self.new[key] = data
                self._vectors[key] = vector_from_bytes(data)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([self._vectors[key] for key in keys])
