"""Shared fixtures: clean settings per test, a deterministic fake embedder, the seeded index."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"
QUESTIONS = SHARED / "eval" / "questions.jsonl"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """Keep HTX_* settings and .env files of the developer's shell out of every test."""
    for name in list(os.environ):
        if name.startswith("HTX_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.chdir(tmp_path)


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


@pytest.fixture
def hash_embedder():
    return HashEmbedder()


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A writable copy of the seed folder."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory) -> Path:
    """A data folder with the seeds indexed by the real default embedder (built once per run)."""
    from bot.settings import Settings
    from bot.wiring import build_services

    data_dir = tmp_path_factory.mktemp("seeded")
    services = build_services(Settings(data_dir=data_dir))
    services.ensure_seeded()
    services.close()
    return data_dir


@pytest.fixture(scope="session")
def lexical_seeded_dir(tmp_path_factory) -> Path:
    """A data folder with the seeds indexed for BM25 only (no model: fast)."""
    from bot.settings import Settings
    from bot.wiring import build_services

    data_dir = tmp_path_factory.mktemp("lexical-seeded")
    services = build_services(Settings(data_dir=data_dir, embedder="none"))
    services.index.ingest([SEEDS])
    services.close()
    return data_dir


@pytest.fixture(scope="session")
def seeded_services(seeded_data_dir):
    """Services over the seeded index, real embedder."""
    from bot.settings import Settings
    from bot.wiring import build_services

    services = build_services(Settings(data_dir=seeded_data_dir))
    yield services
    services.close()


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
