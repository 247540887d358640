#!/usr/bin/env python3
"""Mechanical check of the evaluation question sets (standard library only).

Usage:
    python3 tests/data/check_questions.py [QUESTIONS.jsonl ...]

Without arguments it checks every tests/data/questions_*.jsonl.

Checks, for every question:
  * well-formed: unique id, known kind, id prefix "s" (seed articles) or "c" (coop articles);
  * answerable: each fact group has at least one alternative occurring
    (NFC, casefold, whitespace collapsed) in the text of at least one listed source
    (seeds: seeds/<id>.txt; coop: title + sapo + abstract + body of the record);
    every listed source exists; no forbidden string is itself a fact alternative;
  * unanswerable: no facts and no sources; when the question names a place
    ("absent_place"), that place's name (diacritic-folded, word-bounded) occurs in no
    article of the corpus the question is about (seeds for "s" ids, coop for "c" ids).
Prints counts per kind (and per corpus) and every failure; exit status 1 on any failure.
"""

import glob
import gzip
import json
import os
import re
import sys
import unicodedata
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SEEDS = os.path.join(REPO, "seeds")
COOP = os.environ.get(
    "COOP_ARTICLES",
    os.path.join(os.path.dirname(REPO), "shared", "data", "coop_articles.jsonl.gz"),
)
KINDS = {
    "lookup",
    "no-diacritics",
    "english",
    "comparison",
    "followup",
    "temporal",
    "entity",
    "trend",
    "rank",
    "injection",
    "unanswerable",
}


def norm(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s or "")).strip().casefold()


def fold(s):
    s = unicodedata.normalize("NFD", (s or "").replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"\s+", " ", s).casefold()


def load_corpora():
    seeds = {}
    for p in glob.glob(os.path.join(SEEDS, "*.txt")):
        with open(p, encoding="utf-8") as f:
            seeds[os.path.basename(p)[:-4]] = f.read()
    coop = {}
    with gzip.open(COOP, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            parts = [r.get(k) for k in ("title", "sapo", "abstract", "body")]
            coop[r["id"]] = "\n".join(p for p in parts if p)
    return seeds, coop


def check(questions, seeds, coop):
    errors = []
    seen = set()
    seeds_n = {k: norm(v) for k, v in seeds.items()}
    coop_n = {k: norm(v) for k, v in coop.items()}
    seeds_f = [fold(v) for v in seeds.values()]
    coop_f = [fold(v) for v in coop.values()]
    for q in questions:
        qid = q.get("id")

        def err(message: str, qid=qid) -> None:
            errors.append(f"{qid}: {message}")

        if qid in seen:
            err("duplicate id")
        seen.add(qid)
        if q.get("kind") not in KINDS:
            err(f"unknown kind {q.get('kind')!r}")
        if not q.get("question"):
            err("empty question")
        if not qid or qid[0] not in "sc":
            err("id must start with s or c")
            continue
        corpus = seeds_n if qid[0] == "s" else coop_n
        corpus_f = seeds_f if qid[0] == "s" else coop_f
        e = q.get("expect", {})
        for t in q.get("history", []):
            if t.get("role") not in ("user", "assistant") or not t.get("content"):
                err("bad history turn")
        if e.get("answerable"):
            srcs = e.get("sources") or e.get("sources_any") or []
            if not srcs:
                err("answerable without sources")
            missing = [s for s in srcs if s not in corpus]
            if missing:
                err(f"unknown sources {missing}")
            texts = [corpus[s] for s in srcs if s in corpus]
            if not e.get("facts"):
                err("answerable without facts")
            for group in e.get("facts", []):
                if not any(norm(a) in t for a in group for t in texts):
                    err(f"fact group {group} not found in {srcs}")
            for fb in e.get("forbidden", []):
                if any(norm(fb) == norm(a) for g in e.get("facts", []) for a in g):
                    err(f"forbidden {fb!r} is also a fact")
        else:
            if e.get("facts") or e.get("sources") or e.get("sources_any"):
                err("unanswerable question with facts/sources")
            place = q.get("absent_place")
            if place:
                pat = re.compile(r"(?<!\w)" + re.escape(fold(place)) + r"(?!\w)")
                hits = sum(1 for t in corpus_f if pat.search(t))
                if hits:
                    err(f"absent place {place!r} occurs in {hits} article(s)")
    return errors


def main(argv):
    paths = argv[1:] or sorted(glob.glob(os.path.join(HERE, "questions_*.jsonl")))
    seeds, coop = load_corpora()
    allq = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            qs = [json.loads(line) for line in f if line.strip()]
        allq.extend(qs)
        c = Counter(q["kind"] for q in qs)
        print(f"{os.path.basename(p)}: {len(qs)} questions")
        for k in sorted(c):
            s = sum(1 for q in qs if q["kind"] == k and q["id"].startswith("s"))
            print(f"  {k:14s} {c[k]:4d}  (seeds {s}, coop {c[k] - s})")
    errors = check(allq, seeds, coop)
    c = Counter(q["kind"] for q in allq)
    print(f"total: {len(allq)} questions; " + ", ".join(f"{k} {c[k]}" for k in sorted(c)))
    for m in errors:
        print("FAIL", m)
    print("OK" if not errors else f"{len(errors)} failure(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
