"""A deterministic fake embedder, for tests that need vectors but not the real model."""

from __future__ import annotations

import hashlib

import numpy as np


class HashEmbedder:
    """A deterministic bag-of-words embedder implementing our Embedder protocol (fast, no model)."""

    dim = 64

    def __init__(self, fail_after: int | None = None):
        self.key = "test/hash-64"
        self.calls = 0
        self.embedded = 0
        self.fail_after = fail_after

    def _vector(self, text: str) -> np.ndarray:
        from retrieval.vietnamese import folded_words

        vector = np.zeros(self.dim, dtype=np.float32)
        for word in folded_words(text):
            digest = hashlib.md5(word.encode()).digest()
            vector[digest[0] % self.dim] += 1.0 if digest[1] % 2 else -1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_passages(self, texts):
        self.calls += 1
        if self.fail_after is not None and self.embedded + len(texts) > self.fail_after:
            raise RuntimeError("simulated embedding failure")
        self.embedded += len(texts)
        return np.vstack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text):
        return self._vector(text)
