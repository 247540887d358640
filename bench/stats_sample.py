"""A seeded random sample of the statistics table's rows, for judging its precision by hand.

    python -m bench.stats_sample [--n 100] [--seed 7] [--out FILE]

Extracts the rows (retrieval.stats.extract) of the five seeds and of
../shared/data/coop_articles.jsonl.gz, checks that every row's value round-trips to the exact
characters of its article, prints the totals, then draws N rows: about 20% from the seeds (fewer
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

from retrieval.documents import load_file
from retrieval.models import Document
from retrieval.stats import StatRow, extract

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = REPO / "seeds"
COOP = SHARED / "data" / "coop_articles.jsonl.gz"
SEED_SHARE = 0.2


def documents(paths: list[Path]) -> list[Document]:
    """Return the documents of the given files (problems and notes are skipped)."""
    cache: dict[Path, dict] = {}
    return [item for path in paths for item in load_file(path, cache) if isinstance(item, Document)]


def table(docs: list[Document]) -> list[tuple[Document, StatRow]]:
    """Return every row of ``docs``, each with its document."""
    return [(document, row) for document in docs for row in extract(document)]


def round_trip_failures(rows: list[tuple[Document, StatRow]]) -> int:
    """Count the rows whose value is not the exact characters of the article at its span."""
    return sum(document.text[row.start : row.end] != row.value_text for document, row in rows)


def print_totals(corpora: dict[str, tuple[list[Document], list[tuple[Document, StatRow]]]]) -> None:
    """Print documents, rows, round-trip failures and rows per measure, for each corpus."""
    for name, (docs, rows) in corpora.items():
        print(f"{name}: {len(docs)} documents, {len(rows)} rows, {round_trip_failures(rows)} round-trip failures")
        for measure, count in Counter(row.measure for _, row in rows).most_common():
            print(f"  {measure:<12} {count}")
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
    corpora = {"seeds": (seed_docs, table(seed_docs)), "coop": (coop_docs, table(coop_docs))}
    print_totals(corpora)
    drawn = sample(corpora["seeds"][1], corpora["coop"][1], args.n, args.seed)
    lines = [json.dumps(record(*item), ensure_ascii=False) + "\n" for item in drawn]
    args.out.write_text("".join(lines), encoding="utf-8")
    print(f"sample: {len(drawn)} rows ({sum(c == 'seeds' for c, _, _ in drawn)} from the seeds) -> {args.out}")


if __name__ == "__main__":
    main()
