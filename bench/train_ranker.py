"""Train the sentence ranker on ViQuAD and write retrieval/sentence_ranker.json.

    python -m bench.train_ranker [--read 5] [--l2 0.001] [--steps 1500] [--dry-run]

For every question, the candidates are the sentences of the top ``--read`` passages a BM25-only
index retrieves (as the answerer sees them), plus, as a second group, the sentences of the gold
paragraph alone; the positive is the sentence holding the start of the gold answer span. A linear
model is fitted listwise (softmax over the sentences of one question, L2) with plain numpy, on a
fixed 80/20 split by paragraph; dev accuracy is reported against a plain IDF-overlap baseline.
XQuAD-vi is never used here.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.answers import (
    DATA,
    FILES,
    WORK,
    Item,
    candidates,
    contains_gold,
    gold_flags,
    gold_paragraph,
    load_items,
    open_index,
)
from retrieval.sentence_ranker import FEATURES, WEIGHTS_PATH, SentenceRanker, sentence_features


@dataclass
class Group:
    """The candidates of one question: features, positives, and whether each quotes a gold answer."""

    item: Item
    kind: str  # "retrieved" or "gold"
    features: np.ndarray
    positive: np.ndarray  # bool per candidate
    quotes_gold: np.ndarray  # bool per candidate


def build_groups(items, index, read: int) -> list[Group]:
    """Compute the candidate groups of every question."""
    groups = []
    for item in items:
        for kind in ("retrieved", "gold"):
            cands = candidates(index.search(item.question, 10), read) if kind == "retrieved" else gold_paragraph(item)
            if not cands:
                continue
            x = sentence_features(
                item.question,
                [c.sentence for c in cands],
                contexts=[c.context for c in cands],
                passage_ranks=[c.rank for c in cands],
            )
            groups.append(
                Group(
                    item,
                    kind,
                    x,
                    np.array(gold_flags(item, cands)),
                    np.array([contains_gold(c.sentence, item.answers) for c in cands]),
                )
            )
    return groups


def split(items: list[Item], dev_share: float = 0.2, seed: int = 0) -> tuple[set[str], set[str]]:
    """Split paragraph ids 80/20 with a fixed seed."""
    docs = sorted({i.doc_id for i in items})
    order = np.random.default_rng(seed).permutation(len(docs))
    n_dev = int(round(dev_share * len(docs)))
    dev = {docs[i] for i in order[:n_dev]}
    return set(docs) - dev, dev


def fit(groups: list[Group], l2: float, steps: int = 1500, lr: float = 0.05) -> np.ndarray:
    """Fit weights minimising the mean listwise softmax loss over groups with a positive, plus L2."""
    usable = [g for g in groups if g.positive.any()]
    x = np.vstack([g.features for g in usable])
    y = np.concatenate([g.positive / g.positive.sum() for g in usable])
    sizes = np.array([len(g.features) for g in usable])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    group_of = np.repeat(np.arange(len(usable)), sizes)
    w = np.zeros(x.shape[1])
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for step in range(1, steps + 1):  # Adam, full batch
        s = x @ w
        s = s - np.maximum.reduceat(s, starts)[group_of]
        e = np.exp(s)
        p = e / np.add.reduceat(e, starts)[group_of]
        grad = x.T @ (p - y) / len(usable) + 2 * l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return w


def accuracy(groups: list[Group], w: np.ndarray, kind: str) -> dict:
    """Return the share of questions whose best candidate is a positive / quotes a gold answer."""
    chosen = [g for g in groups if g.kind == kind]
    pos = gold = 0
    for g in chosen:
        best = int(np.argmax(g.features @ w))
        pos += bool(g.positive[best])
        gold += bool(g.quotes_gold[best])
    n = len(chosen) or 1
    return {"sentence_acc": pos / n, "contains_gold": gold / n, "n": len(chosen)}


def report(name: str, groups: list[Group], w: np.ndarray) -> dict:
    """Print and return the dev figures of one weight vector."""
    r, g = accuracy(groups, w, "retrieved"), accuracy(groups, w, "gold")
    print(
        f"  {name:<22} retrieved: sentence acc {r['sentence_acc']:.3f}, contains gold {r['contains_gold']:.3f} | "
        f"gold paragraph: sentence acc {g['sentence_acc']:.3f}  (n={r['n']})",
        flush=True,
    )
    return {
        "retrieved_sentence_acc": round(r["sentence_acc"], 4),
        "retrieved_contains_gold": round(r["contains_gold"], 4),
        "gold_paragraph_sentence_acc": round(g["sentence_acc"], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--read", type=int, default=5, help="passages whose sentences are candidates")
    parser.add_argument("--l2", type=float, default=0.001)
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=WEIGHTS_PATH)
    parser.add_argument("--dry-run", action="store_true", help="report only; do not write the weights")
    args = parser.parse_args()

    documents, items = load_items(args.data / FILES["viquad"])
    index = open_index("viquad", documents, "none", args.work)
    started = time.perf_counter()
    groups = build_groups(items, index, args.read)
    print(f"features of {len(groups)} candidate groups in {time.perf_counter() - started:.1f} s", flush=True)
    train_docs, dev_docs = split(items)
    train = [g for g in groups if g.item.doc_id in train_docs]
    dev = [g for g in groups if g.item.doc_id in dev_docs]
    print(
        f"train {sum(g.kind == 'gold' for g in train)} questions, dev {sum(g.kind == 'gold' for g in dev)} "
        f"(paragraphs {len(train_docs)}/{len(dev_docs)})"
    )

    baseline = np.zeros(len(FEATURES))
    baseline[FEATURES.index("idf_overlap")] = 1.0
    print("dev:")
    before = report("idf-overlap baseline", dev, baseline)
    w = fit(train, args.l2, args.steps)
    report("learned (train split)", train, w)
    after = report("learned", dev, w)
    for name, weight in sorted(zip(FEATURES, w, strict=True), key=lambda fw: -abs(fw[1])):
        print(f"    {name:<20} {weight:+.3f}")
    if not args.dry_run:
        model = SentenceRanker(w).to_dict()
        model["trained"] = {
            "data": "ViQuAD test set, 80/20 split by paragraph (seed 0), dev figures below",
            "read": args.read,
            "l2": args.l2,
            "steps": args.steps,
            "dev_baseline": before,
            "dev_learned": after,
        }
        args.out.write_text(json.dumps(model, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
