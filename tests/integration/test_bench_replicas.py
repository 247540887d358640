"""bench.replicas at a tiny size (BM25 only, one pass), as a real process, so that it keeps
running; its speed figures are not checked, only that every setup answered and the ingested
article reached both replicas."""

from __future__ import annotations

import math

import pytest

from tests.helpers.processes import run_module

pytestmark = pytest.mark.slow  # it asks the whole dev question set four times


def table_rows(text: str, first_cell_start: str) -> list[list[str]]:
    """Return the cells of the Markdown table rows of ``text`` whose first cell starts so."""
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in text.splitlines() if line.startswith("|")]
    return [row for row in rows if row[0].startswith(first_cell_start)]


def test_the_replicas_benchmark_runs_at_a_tiny_size(tmp_path):
    result = run_module(
        "bench.replicas",
        *("--embedder", "none", "--clients", "2", "--rounds", "1", "--repeat", "1", "--trials", "1", "--no-reference"),
        *("--work", str(tmp_path / "work")),
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    setups = table_rows(result.stdout, "1 replica") + table_rows(result.stdout, "2 replicas")
    assert len(setups) == 2 and all(row[1] == "30" and row[5] == "0" for row in setups), setups  # no error
    trials = table_rows(result.stdout, "1: new article") + table_rows(result.stdout, "2: changed article")
    assert [row[1] for row in trials] == ["idle", "4 questions/s each"]
    assert all(not math.isnan(float(seconds)) for row in trials for seconds in row[3:]), trials  # seen by both
