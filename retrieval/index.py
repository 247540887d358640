"""The index: idempotent ingest into catalog + Chroma + BM25, and hybrid search with score fusion."""

from __future__ import annotations

import logging
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from retrieval.catalog import Catalog, document_hash
from retrieval.chunking import chunk_document
from retrieval.documents import LoadProblem, discover, load_file
from retrieval.embeddings import Embedder
from retrieval.errors import IndexCorruptError, InputError
from retrieval.lexical import LexicalIndex
from retrieval.models import Chunk, Document, Passage
from retrieval.vietnamese import LEXICAL_VERSION

log = logging.getLogger(__name__)

FUSION_METHODS = ("weighted", "rrf", "lexical", "dense")


@dataclass
class IngestReport:
    """What an ingest changed, and what it could not read."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks_embedded: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    problems: list[LoadProblem] = field(default_factory=list)

    def summary(self) -> str:
        """Return one line for the CLI."""
        return (f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, removed {self.removed} "
                f"documents; {self.chunks_embedded} chunks embedded, {self.chunks_total} in the index; "
                f"{self.seconds:.1f} s")


@dataclass(frozen=True)
class SearchConfig:
    """How retrieval ranks: candidate pool size and fusion of lexical and dense scores."""

    k: int = 10
    candidates: int = 50
    fusion: str = "weighted"
    lexical_weight: float = 0.6
    rrf_k: int = 60


ProgressFactory = Callable[..., object]


def _no_progress(iterable=None, **_kwargs):
    return iterable


class Index:
    """Catalog (SQLite) + vector store (Chroma) + lexical index (bm25s) in one data folder."""

    RELOAD_CHECK_S = 2.0  # how often a search looks whether another process changed the index

    def __init__(self, data_dir: Path, embedder: Embedder | None, *, chunk_chars: int = 1000,
                 search: SearchConfig | None = None, progress: ProgressFactory | None = None,
                 reset: bool = False):
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the data folder {self.data_dir}: {exc.strerror}") from exc
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.search_config = search or SearchConfig()
        self.progress = progress or _no_progress
        if reset:
            self._reset_files()
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self._store = None
        self._lexical: LexicalIndex | None = None
        self._opening = threading.RLock()  # concurrent first requests open each part once
        self._generation = self.catalog.get_meta("generation")  # changed by every ingest
        self._checked = time.monotonic()
        self._check_embedder()

    def _reset_files(self) -> None:
        """Before a rebuild: drop the vector store and lexical index, and set aside a catalog that
        cannot be read (a readable one keeps its embedding cache)."""
        if (self.data_dir / "chroma").exists():
            from retrieval.store import forget_open_stores

            forget_open_stores()
        for name in ("chroma", "lexical"):
            shutil.rmtree(self.data_dir / name, ignore_errors=True)
        path = self.data_dir / "catalog.sqlite3"
        if path.exists():
            try:
                Catalog(path).close()
            except IndexCorruptError:
                aside = path.with_name(f"catalog.corrupt-{int(time.time())}.sqlite3")
                path.rename(aside)
                for suffix in ("-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
                log.warning("unreadable catalog moved to %s", aside)

    # --- parts, opened lazily ------------------------------------------------------------------

    def _check_embedder(self) -> None:
        key = self.embedder.key if self.embedder else "none"
        stored = self.catalog.get_meta("embedder")
        # No embedder (BM25 only) needs no vectors: only another model's vectors are worth a warning.
        if self.embedder is not None and stored is not None and stored != key and self.catalog.count_documents():
            log.warning("index was built with embedder %s, settings ask for %s: dense retrieval re-embeds on "
                        "the next 'htxbot ingest --rebuild'", stored, key)
            self._dense_ok = False
        else:
            self._dense_ok = True

    @property
    def store(self):
        """The vector store, opened on first use."""
        if self._store is None and self.embedder is not None:
            with self._opening:
                if self._store is None:
                    from retrieval.store import ChromaStore

                    name = "chunks_" + "".join(ch if ch.isalnum() else "_" for ch in self.embedder.key)[:50]
                    self._store = ChromaStore(self.data_dir / "chroma", name.strip("_"))
        return self._store

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, loaded on first use."""
        if self._lexical is None:
            with self._opening:
                if self._lexical is None:
                    self._open_lexical()
        return self._lexical

    def _open_lexical(self) -> None:
        folder = self.data_dir / "lexical"
        if folder.exists() and self.catalog.get_meta("lexical_version") == LEXICAL_VERSION:
            try:
                self._lexical = LexicalIndex.load(folder)
            except IndexCorruptError as exc:
                # The catalog holds every chunk: the lexical index can always be rebuilt from it.
                log.warning("%s; rebuilding it from the catalog", exc)
                self._rebuild_lexical()
            if len(self._lexical.ids) != self.catalog.count_chunks():
                log.warning("lexical index out of step with the catalog; rebuilding it")
                self._rebuild_lexical()
        else:
            self._rebuild_lexical()

    def _reload_if_changed(self) -> None:
        """Pick up an ingest made by another process (the ingest timer beside a running server):
        every RELOAD_CHECK_S, read the generation the last ingest wrote; if it changed, reopen the
        lexical index and the vector store from disk."""
        now = time.monotonic()
        if now - self._checked < self.RELOAD_CHECK_S:
            return
        self._checked = now
        generation = self.catalog.get_meta("generation")
        if generation == self._generation:
            return
        with self._opening:
            if generation != self._generation:
                log.info("the index was updated by another process: reloading it")
                self._generation = generation
                self._lexical = None
                if self._store is not None:
                    from retrieval.store import forget_open_stores

                    self._store = None
                    forget_open_stores()
        self.warm_up()

    def warm_up(self) -> None:
        """Open every part now (BM25 arrays, vector store, embedding model) so that the first
        question does not pay for it; a server calls this before it accepts requests."""
        _ = self.lexical
        if self.embedder is not None and self._dense_ok:
            _ = self.store
            self.embedder.embed_query("khởi động")

    def _rebuild_lexical(self) -> None:
        ids: list[str] = []

        def texts():
            for chunk in self.catalog.iter_chunks():
                ids.append(chunk.id)
                yield chunk.indexed_text

        lexical = LexicalIndex.build(ids, texts())
        lexical.save(self.data_dir / "lexical")
        with self.catalog.db:
            self.catalog.set_meta("lexical_version", LEXICAL_VERSION)
        self._lexical = lexical

    def is_empty(self) -> bool:
        """Tell whether no document is indexed."""
        return self.catalog.count_documents() == 0

    def documents(self) -> list[tuple[Document, int]]:
        """Return every document with its chunk count."""
        return self.catalog.documents()

    def covered_places(self, limit: int = 8) -> list[str]:
        """Return the places most documents are about."""
        return [place for place, _ in self.catalog.place_counts(limit)]

    def document(self, doc_id: str) -> Document | None:
        """Return one document by id."""
        return self.catalog.document(doc_id)

    def close(self) -> None:
        """Release the catalog."""
        self.catalog.close()

    # --- ingest ----------------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path | str], *, rebuild: bool = False) -> IngestReport:
        """Bring the index in line with the articles under ``paths``; unchanged chunks are not re-embedded.

        Documents that disappeared from a re-ingested folder or JSONL file are removed. The catalog
        is written in one transaction after the vectors, so an interrupted run leaves the previous
        index usable.
        """
        started = time.perf_counter()
        paths = [Path(p) for p in paths]
        files, problems = discover(paths)
        report = IngestReport(problems=list(problems))
        if not files and problems:
            report.seconds = time.perf_counter() - started
            return report

        documents: dict[str, Document] = {}
        meta_cache: dict[Path, dict] = {}
        for path in self.progress(files, desc="reading", unit="file", disable=len(files) < 20):
            for item in load_file(path, meta_cache):
                if isinstance(item, LoadProblem):
                    report.problems.append(item)
                elif not item.text.strip():
                    report.problems.append(LoadProblem(item.path or item.id, "no article text after cleaning"))
                else:
                    documents[item.id] = item

        return self._apply(documents, report, started, rebuild=rebuild, roots=paths)

    def ingest_documents(self, documents: Iterable[Document], *, rebuild: bool = False) -> IngestReport:
        """Index documents built in memory (benchmarks, tests); nothing is removed unless ``rebuild``."""
        started = time.perf_counter()
        return self._apply({d.id: d for d in documents}, IngestReport(), started, rebuild=rebuild, roots=[])

    def _apply(self, documents: dict[str, Document], report: IngestReport, started: float, *,
               rebuild: bool, roots: Sequence[Path]) -> IngestReport:
        if rebuild:
            self.catalog.clear()
        known = self.catalog.document_hashes()
        changed: list[tuple[Document, str, list[Chunk]]] = []
        for document in self.progress(documents.values(), desc="chunking", unit="doc",
                                      disable=len(documents) < 200):
            chunks = chunk_document(document, self.chunk_chars)
            doc_hash = document_hash(document, chunks)
            if document.id not in known:
                report.added += 1
            elif known[document.id][0] != doc_hash:
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            changed.append((document, doc_hash, chunks))

        removed = self._disappeared(roots, documents, known)
        report.removed = len(removed)

        new_chunks = [c for _, _, chunks in changed for c in chunks]
        if self.embedder is not None:
            report.chunks_embedded = self._embed_and_store(new_chunks)
            self.catalog.set_meta("embedder", self.embedder.key)
        self.catalog.replace_documents(changed, removed)
        modified = bool(changed or removed or rebuild)
        # The catalog has them now: free them before BM25 is built (both callers built ``documents``
        # for this call alone).
        del changed, new_chunks
        documents.clear()

        if modified or not (self.data_dir / "lexical").exists():
            self._rebuild_lexical()
        if self.store is not None and modified:
            self._drop_stale_vectors()
        if modified:
            # Last, once every part is written: a server on this folder reloads when it sees this.
            with self.catalog.db:
                self.catalog.set_meta("generation", uuid.uuid4().hex)
            self._generation = self.catalog.get_meta("generation")
        report.chunks_total = len(self.lexical.ids)
        report.seconds = time.perf_counter() - started
        return report

    def _disappeared(self, paths: Sequence[Path], documents: dict[str, Document],
                     known: dict[str, tuple[str, str | None]]) -> list[str]:
        """Return ids of known documents that came from a re-ingested folder or file but are gone."""
        roots = [p.resolve() for p in paths if p.exists()]
        removed = []
        for doc_id, (_, path) in known.items():
            if doc_id in documents or not path:
                continue
            source = Path(path).resolve()
            if any(source == root or root in source.parents for root in roots):
                removed.append(doc_id)
        return removed

    def _embed_and_store(self, chunks: Sequence[Chunk]) -> int:
        """Embed chunks not in the cache, then put every chunk's vector in the store."""
        if not chunks:
            return 0
        key = self.embedder.key
        unique = {c.hash: c for c in chunks}
        cached = self.catalog.cached_embeddings(key, list(unique))
        missing = [c for h, c in unique.items() if h not in cached]
        batch = 64
        bar = self.progress(total=len(missing), desc="embedding", unit="chunk", disable=len(missing) < 32)
        for i in range(0, len(missing), batch):
            part = missing[i: i + batch]
            vectors = self.embedder.embed_passages([c.indexed_text for c in part])
            fresh = {c.hash: v for c, v in zip(part, vectors)}
            self.catalog.cache_embeddings(key, fresh)
            cached.update(fresh)
            if hasattr(bar, "update"):
                bar.update(len(part))
        if hasattr(bar, "close"):
            bar.close()
        ids = [_vector_id(c) for c in chunks]
        self.store.upsert(ids, np.vstack([cached[c.hash] for c in chunks]), [c.doc_id for c in chunks])
        return len(missing)

    def _drop_stale_vectors(self) -> None:
        wanted = {f"{cid}@{h[:16]}" for cid, h in self.catalog.chunk_hashes().items()}
        stale = [i for i in self.store.ids() if i not in wanted]
        if stale:
            self.store.delete(stale)

    # --- search ----------------------------------------------------------------------------------

    def search(self, query: str, k: int | None = None, *, fusion: str | None = None,
               lexical_query: str | None = None) -> list[Passage]:
        """Return the ``k`` best passages for ``query``, fusing BM25 and dense scores.

        ``lexical_query`` lets the caller give BM25 an expanded form of the query (e.g. with
        Vietnamese terms for an English question) while the dense model sees the original.
        """
        cfg = self.search_config
        k = k or cfg.k
        fusion = fusion or cfg.fusion
        if fusion not in FUSION_METHODS:
            raise InputError(f"unknown fusion {fusion!r}; expected one of {', '.join(FUSION_METHODS)}")
        pool = max(cfg.candidates, k)
        self._reload_if_changed()
        lexical_hits = self.lexical.top(lexical_query or query, pool) if fusion != "dense" else []
        dense_hits: list[tuple[str, float]] = []
        if fusion != "lexical" and self.embedder is not None and self._dense_ok:
            vector = self.embedder.embed_query(query)
            dense_hits = [(vid.rsplit("@", 1)[0], s) for vid, s in self.store.query(vector, pool)]
        ranked = fuse(lexical_hits, dense_hits, fusion if dense_hits else "lexical",
                      cfg.lexical_weight, cfg.rrf_k)[:k]
        chunks = self.catalog.chunks([cid for cid, *_ in ranked])
        lex = dict(lexical_hits)
        dense = dict(dense_hits)
        return [Passage(chunk_id=cid, doc_id=chunks[cid].doc_id, text=chunks[cid].text, score=score,
                        lexical=lex.get(cid, 0.0), dense=dense.get(cid, 0.0))
                for cid, score in ranked if cid in chunks]


def _vector_id(chunk: Chunk) -> str:
    # The hash in the id means a changed chunk never overwrites the vector the catalog still uses.
    return f"{chunk.id}@{chunk.hash[:16]}"


def fuse(lexical: Sequence[tuple[str, float]], dense: Sequence[tuple[str, float]], method: str,
         lexical_weight: float = 0.6, rrf_k: int = 60) -> list[tuple[str, float]]:
    """Combine two ranked lists of (id, score) into one, best first.

    ``weighted``: BM25 scores divided by the best one, dense similarities min-max scaled over the
    pool, then a weighted sum; ``rrf``: reciprocal rank fusion; ``lexical``/``dense``: one list.
    """
    if method == "lexical" or not dense:
        return list(lexical)
    if method == "dense" or not lexical:
        return list(dense)
    if method == "rrf":
        scores: dict[str, float] = {}
        for hits in (lexical, dense):
            for rank, (cid, _) in enumerate(hits):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (rrf_k + rank + 1)
        return sorted(scores.items(), key=lambda item: -item[1])
    top_lex = max(s for _, s in lexical) or 1.0
    dense_values = [s for _, s in dense]
    low, high = min(dense_values), max(dense_values)
    span = (high - low) or 1.0
    lex = {cid: s / top_lex for cid, s in lexical}
    den = {cid: (s - low) / span for cid, s in dense}
    scores = {cid: lexical_weight * lex.get(cid, 0.0) + (1 - lexical_weight) * den.get(cid, 0.0)
              for cid in set(lex) | set(den)}
    return sorted(scores.items(), key=lambda item: -item[1])
