"""The embedding run of an ingest: a worker thread embeds while the ingest's thread goes on, and every
vector reaches the embedding cache from the ingest's thread."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from retrieval.catalog import Catalog
from retrieval.embedding_run import EmbeddingRun
from retrieval.models import Chunk
from tests.helpers.embedders import HashEmbedder

WAIT_S = 10.0  # bound on every wait: a broken run fails the test instead of hanging it


def chunks(*texts: str, doc: str = "d") -> list[Chunk]:
    return [Chunk(f"{doc}#{n}", doc, n, text, "", f"h-{text}") for n, text in enumerate(texts)]


class GatedEmbedder(HashEmbedder):
    """Embeds only when the test opens the gate; records each call's texts and thread."""

    def __init__(self, fail: bool = False):
        super().__init__()
        self.gate = threading.Event()
        self.started = threading.Event()
        self.batches: list[list[str]] = []
        self.threads: set[str] = set()
        self.fail = fail

    def embed_passages(self, texts):
        self.started.set()
        assert self.gate.wait(WAIT_S), "the test never opened the gate"
        self.batches.append(list(texts))
        self.threads.add(threading.current_thread().name)
        if self.fail:
            raise RuntimeError("the model ran out of memory")
        return super().embed_passages(texts)


class Bars:
    """A progress factory that records the bars made and what they were told."""

    def __init__(self):
        self.made: list[dict[str, Any]] = []

    def __call__(self, iterable=None, **kwargs):
        record = {"kwargs": kwargs, "updates": 0, "closed": False}
        self.made.append(record)

        class Bar:
            def update(self, n):
                record["updates"] += n

            def close(self):
                record["closed"] = True

        return Bar()


@pytest.fixture
def catalog(tmp_path, closing):
    return closing(Catalog(tmp_path / "catalog.sqlite3"))


def test_embedding_runs_beside_the_caller_and_every_vector_is_cached(catalog):
    embedder = GatedEmbedder()
    texts = [f"Huyện {n} có {n} HTX" + " nữa" * (n % 5) for n in range(10)]
    with EmbeddingRun(embedder, catalog, group=4) as run:
        run.submit(chunks(*texts))
        # The worker has taken the first group and waits on the gate: submit did not wait for it.
        assert embedder.started.wait(WAIT_S) and not embedder.batches
        embedder.gate.set()
        assert run.finish() == 10
    assert embedder.threads == {"htx-embedding"}
    assert sorted(len(b) for b in embedder.batches) == [2, 4, 4]
    for batch in embedder.batches:  # a group is embedded longest first: batches pad little
        assert [len(t) for t in batch] == sorted((len(t) for t in batch), reverse=True)
    cached = catalog.cached_embeddings(embedder.key, [f"h-{t}" for t in texts])
    assert len(cached) == 10
    for text in texts:
        assert np.allclose(cached[f"h-{text}"], HashEmbedder()._vector(text))


def test_cached_and_repeated_chunks_are_not_embedded_again(catalog):
    first = HashEmbedder()
    with EmbeddingRun(first, catalog) as run:
        run.submit(chunks("một", "hai"))
        assert run.finish() == 2
    second = HashEmbedder()
    with EmbeddingRun(second, catalog) as run:
        run.submit(chunks("một", "hai", "ba"))
        run.submit(chunks("ba", "bốn", doc="e"))  # "ba" again, from another document
        assert run.finish() == 2 and run.submitted == 2
    assert second.embedded == 2


def test_the_bar_counts_passages_from_what_was_done_before_it(catalog):
    embedder = GatedEmbedder()
    bars = Bars()
    run = EmbeddingRun(embedder, catalog, progress=bars, group=40)
    with run:
        run.submit(chunks(*(f"đoạn {n}" for n in range(100))))
        embedder.gate.set()
        assert run.finish() == 100
    (bar,) = bars.made
    assert bar["kwargs"]["desc"] == "embedding" and bar["kwargs"]["unit"] == "passage"
    assert bar["kwargs"]["total"] == 100
    assert bar["kwargs"]["initial"] + bar["updates"] == 100 and bar["closed"]


def test_a_few_passages_get_no_bar(catalog):
    bars = Bars()
    with EmbeddingRun(HashEmbedder(), catalog, progress=bars) as run:
        run.submit(chunks("một", "hai"))
        run.finish()
    assert bars.made == []


def test_the_embedders_error_reaches_the_caller_and_the_worker_stops(catalog):
    embedder = GatedEmbedder(fail=True)
    embedder.gate.set()
    run = EmbeddingRun(embedder, catalog, group=2)
    with pytest.raises(RuntimeError, match="ran out of memory"), run:
        run.submit(chunks("một", "hai", "ba"))
        run.finish()
    assert not run._worker.is_alive()
    assert catalog.cached_hashes(embedder.key, ["h-một", "h-hai", "h-ba"]) == set()


def test_leaving_early_stops_the_worker_and_keeps_what_it_embedded(catalog):
    embedder = GatedEmbedder()
    run = EmbeddingRun(embedder, catalog, group=2)
    with pytest.raises(KeyboardInterrupt), run:
        run.submit(chunks("một", "hai", "ba", "bốn", "năm"))
        assert embedder.started.wait(WAIT_S)
        embedder.gate.set()
        raise KeyboardInterrupt  # the user stops the ingest while the worker embeds
    assert not run._worker.is_alive()
    kept = catalog.cached_hashes(embedder.key, ["h-một", "h-hai", "h-ba", "h-bốn", "h-năm"])
    assert len(kept) == run.embedded and run.embedded in (2, 4)
