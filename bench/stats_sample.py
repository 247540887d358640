"""A seeded random sample of the statistics table's rows, for judging its precision by hand.

    python -m bench.stats_sample [--n 100] [--seed 7] [--out FILE]

Extracts the rows (retrieval.stats.extract) of the five seeds and of
../shared/data/coop_articles.jsonl.gz, checks that every row's value round-trips to the exact
characters of its article, prints the totals (and how many figures were left out as too doubtful,
by reason) and the recall on the seeds (the 42 HTX / THT / members / revenue / income figures
listed by hand in docs/stats_precision.md), then draws N rows: about 20% from the seeds (fewer
when the seeds have fewer rows), the rest from the coop articles. Each sampled row is written as
one JSON line: the row's fields plus the article's title and date, and the corpus it came from.
The judging itself is docs/stats_precision.md.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path
from typing import Any

from retrieval.documents import load_file
from retrieval.models import Document
from retrieval.stats import VERSION, StatRow, extract

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"
COOP = SHARED / "data" / "coop_articles.jsonl.gz"
SEED_SHARE = 0.2
# Every count of HTX, THT and members and every revenue and income figure of the five seeds, read
# by hand (docs/stats_precision.md, "Recall on the seeds"): (seed file prefix, value as written, measure).
SEED_FIGURES = [
    *[("000", v, m) for v, m in [("9", "htx_count"), ("44", "htx_count"), ("394", "members")]],
    *[
        ("000", v, m)
        for v, m in [("1.800 triệu", "revenue"), ("66 triệu đồng/người/năm", "income"), ("4", "htx_count")]
    ],
    *[("001", v, m) for v, m in [("20", "tht_count"), ("66", "htx_count"), ("203", "tht_count"), ("3.000", "members")]],
    *[("001", v, m) for v, m in [("581 triệu đồng/năm", "revenue"), ("1,4 triệu đồng/tháng", "income")]],
    *[("001", v, m) for v, m in [("422", "htx_count"), ("12,7 nghìn", "members"), ("3,24 tỷ đồng/năm", "revenue")]],
    *[("001", v, m) for v, m in [("4 triệu đồng/người/tháng", "income"), ("65", "htx_count"), ("15", "tht_count")]],
    *[("001", v, m) for v, m in [("6 - 8%", "revenue"), ("3 - 5%", "income"), ("119", "htx_count")]],
    *[("002", v, m) for v, m in [("42", "htx_count"), ("60", "htx_count"), ("50", "htx_count")]],
    *[("002", v, m) for v, m in [("1 tỷ triệu đồng/HTX", "revenue"), ("65 triệu đồng/năm", "income")]],
    *[("002", v, m) for v, m in [("52 triệu đồng/năm", "income"), ("16", "tht_count"), ("150", "members")]],
    ("002", "360 triệu đồng/THT/năm", "revenue"),
    *[("003", v, m) for v, m in [("17", "htx_count"), ("12", "htx_count"), ("153", "htx_count")]],
    *[("003", v, m) for v, m in [("1.750", "tht_count"), ("2.273", "members")]],
    *[("004", v, m) for v, m in [("458", "htx_count"), ("565.874", "members"), ("13", "htx_count")]],
    *[("004", v, m) for v, m in [("1,55 tỷ đồng/HTX/năm", "revenue"), ("200", "tht_count"), ("170", "tht_count")]],
    ("004", "29", "htx_count"),
]


def documents(paths: list[Path]) -> list[Document]:
    """Return the documents of the given files (problems and notes are skipped)."""
    cache: dict[Path, dict[str, Any]] = {}
    return [item for path in paths for item in load_file(path, cache) if isinstance(item, Document)]


def table(docs: list[Document], doubtful: Counter[str] | None = None) -> list[tuple[Document, StatRow]]:
    """Return every row of ``docs``, each with its document; count the figures left out as too
    doubtful, by reason, in ``doubtful``."""
    out = []
    for document in docs:
        left_out: list[tuple[StatRow, str]] = []
        out += [(document, row) for row in extract(document, left_out)]
        if doubtful is not None:
            doubtful.update(reason for _, reason in left_out)
    return out


def round_trip_failures(rows: list[tuple[Document, StatRow]]) -> int:
    """Count the rows whose value is not the exact characters of the article at its span."""
    return sum(document.text[row.start : row.end] != row.value_text for document, row in rows)


def seed_recall(rows: list[tuple[Document, StatRow]]) -> tuple[int, int, list[str]]:
    """Return how many of SEED_FIGURES a row finds (same measure, the value as written or its
    start), how many exactly, and the ones not found exactly."""
    found = exact = 0
    missed = []
    for prefix, value_text, measure in SEED_FIGURES:
        mine = [r for d, r in rows if d.id.startswith(prefix) and r.measure == measure]
        hits = [r for r in mine if value_text.startswith(r.value_text)]
        found += bool(hits)
        exact += any(r.value_text == value_text for r in hits)
        if not any(r.value_text == value_text for r in hits):
            missed.append(f"{prefix} {measure} {value_text!r}" + (" (partly)" if hits else ""))
    return found, exact, missed


def print_totals(
    corpora: dict[str, tuple[list[Document], list[tuple[Document, StatRow]]]],
    doubtful: dict[str, Counter[str]] | None = None,
) -> None:
    """Print documents, rows, round-trip failures and rows per measure, for each corpus, and the
    figures left out as too doubtful."""
    print(f"extractor VERSION {VERSION}")
    for name, (docs, rows) in corpora.items():
        print(f"{name}: {len(docs)} documents, {len(rows)} rows, {round_trip_failures(rows)} round-trip failures")
        for measure, count in Counter(row.measure for _, row in rows).most_common():
            print(f"  {measure:<12} {count}")
        left_out = (doubtful or {}).get(name)
        if left_out:
            print(f"  left out as doubtful: {sum(left_out.values())}")
            for reason, count in left_out.most_common():
                print(f"    {reason:<30} {count}")
    if "seeds" in corpora:
        found, exact, missed = seed_recall(corpora["seeds"][1])
        n = len(SEED_FIGURES)
        print(f"seeds recall: {found}/{n} = {found / n:.3f} found, {exact}/{n} = {exact / n:.3f} exact")
        for line in missed:
            print(f"  not found exactly: {line}")
    total_docs = sum(len(docs) for docs, _ in corpora.values())
    print(f"all: {total_docs} documents, {sum(len(rows) for _, rows in corpora.values())} rows")


def sample(
    seeds: list[tuple[Document, StatRow]], coop: list[tuple[Document, StatRow]], n: int, seed: int
) -> list[tuple[str, Document, StatRow]]:
    """Draw ``n`` rows: about 20% from the seeds (at most all of them), the rest from coop."""
    rng = random.Random(seed)
    n_seeds = min(round(n * SEED_SHARE), len(seeds))
    n_coop = min(n - n_seeds, len(coop))
    drawn = [("seeds", *pair) for pair in rng.sample(seeds, n_seeds)]
    return drawn + [("coop", *pair) for pair in rng.sample(coop, n_coop)]


def record(corpus: str, document: Document, row: StatRow) -> dict[str, object]:
    """Return a sampled row as one JSON object: its fields, the article's title and date, the corpus."""
    return {"corpus": corpus, **row.as_dict(), "title": document.title, "doc_date": document.date}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="rows to sample")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the sample")
    parser.add_argument("--out", type=Path, default=Path("stats_sample.jsonl"), help="the JSONL file to write")
    args = parser.parse_args()
    seed_docs = documents(sorted(SEEDS.glob("*.txt")))
    coop_docs = documents([COOP])
    doubtful: dict[str, Counter[str]] = {"seeds": Counter(), "coop": Counter()}
    corpora = {
        "seeds": (seed_docs, table(seed_docs, doubtful["seeds"])),
        "coop": (coop_docs, table(coop_docs, doubtful["coop"])),
    }
    print_totals(corpora, doubtful)
    drawn = sample(corpora["seeds"][1], corpora["coop"][1], args.n, args.seed)
    lines = [json.dumps(record(*item), ensure_ascii=False) + "\n" for item in drawn]
    args.out.write_text("".join(lines), encoding="utf-8")
    print(f"sample: {len(drawn)} rows ({sum(c == 'seeds' for c, _, _ in drawn)} from the seeds) -> {args.out}")


if __name__ == "__main__":
    main()
