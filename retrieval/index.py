"""The index: a thin facade over its parts (``parts``), ingestion (``ingest``) and hybrid search
with score fusion (``fusion``)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.catalog import Catalog
from retrieval.embeddings import Embedder
from retrieval.errors import InputError
from retrieval.fusion import FUSION_METHODS, SearchConfig, fuse
from retrieval.ingest import IngestReport, apply_batch, ingest_documents, preparing, read_paths, refresh_stats
from retrieval.lexical import LexicalIndex
from retrieval.models import Document, Passage
from retrieval.parts import IndexParts, ProgressFactory
from retrieval.stats import StatRow, StatsQuery, extract, filter_rows

if TYPE_CHECKING:
    from retrieval.store import ChromaServerConfig, VectorStore

__all__ = ["FUSION_METHODS", "Index", "IngestReport", "SearchConfig", "fuse"]

log = logging.getLogger(__name__)


class Index:
    """Catalog (SQLite) + vector store (Chroma) + lexical index (bm25s) in one data folder; with a
    Chroma ``server``, the index is the server's and the folder a cache of it (``retrieval.replication``)."""

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder | None,
        *,
        chunk_chars: int = 1000,
        search: SearchConfig | None = None,
        progress: ProgressFactory | None = None,
        reset: bool = False,
        server: ChromaServerConfig | None = None,
    ):
        self.parts = IndexParts(data_dir, embedder, progress=progress, reset=reset, server=server)
        self.data_dir = self.parts.data_dir
        self.embedder = embedder
        self.chunk_chars = chunk_chars
        self.search_config = search or SearchConfig()

    @property
    def RELOAD_CHECK_S(self) -> float:  # noqa: N802 - the parts' class constant, settable per index
        """How often a search looks whether another process changed the index (seconds)."""
        return self.parts.RELOAD_CHECK_S

    @RELOAD_CHECK_S.setter
    def RELOAD_CHECK_S(self, seconds: float) -> None:  # noqa: N802
        self.parts.RELOAD_CHECK_S = seconds

    @property
    def catalog(self) -> Catalog:
        """The catalog (documents, chunks, embedding cache)."""
        return self.parts.catalog

    @property
    def store(self) -> VectorStore | None:
        """The vector store, opened on first use (None without an embedder)."""
        return self.parts.store

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, loaded on first use."""
        return self.parts.lexical

    def warm_up(self) -> None:
        """Open every part now so that the first question does not pay for it."""
        self.parts.warm_up()

    def is_empty(self) -> bool:
        """Tell whether no document is indexed (with a Chroma server: on the server)."""
        self.parts.follow_server(now=True)
        return self.catalog.count_documents() == 0

    def documents(self) -> list[tuple[Document, int]]:
        """Return every document with its chunk count."""
        self.parts.follow_server()
        return self.catalog.documents()

    def covered_places(self, limit: int = 8) -> list[str]:
        """Return the places most documents are about."""
        return [place for place, _ in self.catalog.place_counts(limit)]

    def document(self, doc_id: str) -> Document | None:
        """Return one document by id."""
        return self.catalog.document(doc_id)

    def stats(self, query: StatsQuery | None = None) -> list[StatRow]:
        """Return the statistics rows ``query`` selects (all without one), in article order.

        An index whose rows were extracted by an older version (or before the table existed) gets
        them again first; a read-only one reads its documents instead.
        """
        query = query or StatsQuery()
        self.parts.follow_server()
        catalog = self.catalog
        if not catalog.stats_current():
            if catalog.read_only:
                return filter_rows([r for d, _ in catalog.documents() for r in extract(d)], query)
            with self.parts.ingest_lock():
                refresh_stats(self.parts)
        return filter_rows(catalog.stat_rows(measure=query.measure, year=query.year), query)

    def document_passages(self, doc_id: str) -> list[Passage]:
        """Return every chunk of a document as an unscored passage, in article order."""
        source = self.catalog.cited_names([doc_id]).get(doc_id, "")
        return [
            Passage(chunk_id=c.id, doc_id=c.doc_id, text=c.text, score=0.0, source=source)
            for c in self.catalog.document_chunks(doc_id)
        ]

    def chunk_of(self, doc_id: str, offset: int) -> str:
        """Return the id of the chunk holding character ``offset`` of a document's text (the
        first chunk when the text moved)."""
        document = self.catalog.document(doc_id)
        chunks = self.catalog.document_chunks(doc_id)
        if document is None or not chunks:
            return f"{doc_id}#0"
        line = " ".join(document.text[max(0, offset - 40) : offset + 40].split()[1:-1])
        return next((c.id for c in chunks if line and line in " ".join(c.text.split())), chunks[0].id)

    def close(self) -> None:
        """Release the catalog."""
        self.parts.close()

    # --- ingest ----------------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path | str], *, rebuild: bool = False, prune: bool = False) -> IngestReport:
        """Bring the index in line with the articles under ``paths``; unchanged chunks are not re-embedded.

        Documents whose file is gone from a re-ingested folder, or whose record is gone from a file
        read completely, are removed; a file that cannot be read keeps its documents; a run that
        would remove more than half of the index holds the removals back unless ``prune``. One
        ingest at a time holds the data folder; a second one waits.
        """
        started = time.perf_counter()
        folders = [Path(p) for p in paths]
        with self.parts.ingest_lock():
            self.parts.before_ingest()
            with preparing(self.parts, self.chunk_chars, rebuild=rebuild) as chunker:
                batch = read_paths(folders, self.parts.progress, on_document=chunker.add)
                return apply_batch(self.parts, batch, folders, chunker, rebuild=rebuild, prune=prune, started=started)

    def ingest_documents(self, documents: Iterable[Document], *, rebuild: bool = False) -> IngestReport:
        """Index documents built in memory (benchmarks, tests); nothing is removed unless ``rebuild``."""
        with self.parts.ingest_lock():
            self.parts.before_ingest()
            return ingest_documents(self.parts, documents, rebuild=rebuild, chunk_chars=self.chunk_chars)

    # --- search ----------------------------------------------------------------------------------

    def search(
        self, query: str, k: int | None = None, *, fusion: str | None = None, lexical_query: str | None = None
    ) -> list[Passage]:
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
        self.parts.reload_if_changed()
        lexical_hits = self.lexical.top(lexical_query or query, pool) if fusion != "dense" else []
        dense_hits: list[tuple[str, float]] = []
        if fusion != "lexical" and self.embedder is not None and self.parts.dense_ok:
            vector = self.embedder.embed_query(query)
            store = self.store
            assert store is not None, "the vector store exists whenever there is an embedder"
            dense_hits = [(vid.rsplit("@", 1)[0], s) for vid, s in store.query(vector, pool)]
        ranked = fuse(lexical_hits, dense_hits, fusion if dense_hits else "lexical", cfg.lexical_weight, cfg.rrf_k)[:k]
        chunks = self.catalog.chunks([cid for cid, *_ in ranked])
        names = self.catalog.cited_names([c.doc_id for c in chunks.values()])
        lex = dict(lexical_hits)
        dense = dict(dense_hits)
        return [
            Passage(
                chunk_id=cid,
                doc_id=chunks[cid].doc_id,
                text=chunks[cid].text,
                score=score,
                lexical=lex.get(cid, 0.0),
                dense=dense.get(cid, 0.0),
                source=names.get(chunks[cid].doc_id, ""),
            )
            for cid, score in ranked
            if cid in chunks
        ]
