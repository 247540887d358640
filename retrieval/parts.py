"""The parts of an index in one data folder: catalog (SQLite, the source of truth), vector store
(Chroma) and lexical index (bm25s), with their locks, lazy opening, reload and recovery.

The catalog records a ``catalog_generation`` in the same transaction as every change of documents.
The lexical index remembers the generation it was built from, and the ``generation`` marker is
written last, once every part has caught up: a part behind the catalog (an ingest killed after
its catalog commit, a disk that filled up, a deleted folder) is brought up to date from the
catalog by the next ingest, and a server watching ``generation`` reloads only complete indexes.

With a Chroma server (``server``), the server holds the index and the folder is a cache of it; see
``retrieval.replication``: an ingest starts from the server's documents and publishes to it before
the marker is written, and a reader follows the server's generation instead of the folder's.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, overload

import numpy as np
from filelock import FileLock, Timeout

from retrieval.catalog import Catalog
from retrieval.embeddings import Embedder
from retrieval.errors import IndexBusyError, IndexCorruptError, IngestError, InputError
from retrieval.lexical import BUILT_FROM_FILE, LexicalIndex
from retrieval.models import Chunk
from retrieval.vietnamese import LEXICAL_VERSION

if TYPE_CHECKING:
    from retrieval.replication import SharedIndex, SharedState
    from retrieval.store import ChromaServer, ChromaServerConfig, VectorStore

log = logging.getLogger(__name__)

LOCK_FILE = "ingest.lock"
_T = TypeVar("_T")


class ProgressFactory(Protocol):
    """Called like ``tqdm``: wraps an iterable (keyword options such as ``desc``, ``total``), or
    with no iterable makes a bar, which may have ``update(n)`` and ``close()``."""

    @overload
    def __call__(self, iterable: Iterable[_T], **kwargs: Any) -> Iterable[_T]: ...

    @overload
    def __call__(self, iterable: None = None, **kwargs: Any) -> object: ...


@overload
def no_progress(iterable: Iterable[_T], **_kwargs: Any) -> Iterable[_T]: ...


@overload
def no_progress(iterable: None = None, **_kwargs: Any) -> None: ...


def no_progress(iterable: Iterable[_T] | None = None, **_kwargs: Any) -> Iterable[_T] | None:
    """A progress factory that shows nothing."""
    return iterable


def vector_id(chunk: Chunk) -> str:
    """Return the store id of a chunk's vector: the hash in it means a changed chunk never
    overwrites the vector the catalog still uses."""
    return _vector_key(chunk.id, chunk.hash)


def _vector_key(chunk_id: str, chunk_hash: str) -> str:
    return f"{chunk_id}@{chunk_hash[:16]}"


class IndexParts:
    """Opens and repairs the parts of the index in ``data_dir``."""

    RELOAD_CHECK_S = 2.0  # how often a search looks whether another process changed the index

    def __init__(
        self,
        data_dir: Path,
        embedder: Embedder | None,
        *,
        progress: ProgressFactory | None = None,
        reset: bool = False,
        server: ChromaServerConfig | None = None,
    ):
        self.data_dir = Path(data_dir)
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the data folder {self.data_dir}: {exc.strerror}") from exc
        self.embedder = embedder
        self.progress: ProgressFactory = progress or no_progress
        if reset:
            self.reset_files()
        self.catalog = Catalog(self.data_dir / "catalog.sqlite3")
        self._store: VectorStore | None = None
        self._lexical: LexicalIndex | None = None
        self._opening = threading.RLock()  # concurrent first requests open each part once
        self.generation = self.catalog.get_meta("generation")  # changed by every complete ingest
        self._checked = time.monotonic()
        self.server: ChromaServer | None = None
        self.shared: SharedIndex | None = None
        if server is not None:
            from retrieval.replication import SharedIndex
            from retrieval.store import ChromaServer

            self.server = ChromaServer(server)
            self.shared = SharedIndex(self.server)
            self._checked = -float("inf")  # a replica looks at the server before its first answer
        self._pulling = threading.Lock()  # one thread of a replica pulls; the others answer meanwhile
        self.dense_ok = self._embedder_matches()

    # --- the ingest lock ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def ingest_lock(self, timeout_s: float = 1800.0) -> Iterator[None]:
        """Hold the data folder's ingest lock: a second ingest waits for the first, saying so."""
        self.catalog.writable()
        lock = FileLock(str(self.data_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.warning("another ingest is running in %s: waiting for it to finish", self.data_dir)
            try:
                lock.acquire(timeout=timeout_s)
            except Timeout as exc:
                raise IndexBusyError(
                    f"another ingest has held {self.data_dir} for {timeout_s / 60:.0f} minutes; "
                    f"if no htxbot process is running, delete {self.data_dir / LOCK_FILE}"
                ) from exc
        except OSError as exc:
            raise InputError(
                f"cannot write the data folder {self.data_dir} ({exc.strerror}): make it writable, "
                "or point HTX_DATA_DIR (or --data-dir) at a writable folder"
            ) from exc
        try:
            yield
        finally:
            lock.release()

    # --- reset -------------------------------------------------------------------------------------

    def reset_files(self) -> None:
        """Before a rebuild: drop the vector store and lexical index, and set aside a catalog that
        cannot be read (a readable one keeps its documents and embedding cache)."""
        path = self.data_dir / "catalog.sqlite3"
        if path.exists():
            try:
                catalog = Catalog(path)
            except IndexCorruptError:
                aside = path.with_name(f"catalog.corrupt-{int(time.time())}.sqlite3")
                try:
                    path.rename(aside)
                except OSError as exc:
                    raise InputError(
                        f"cannot set aside the damaged catalog in {self.data_dir} ({exc.strerror}): "
                        "make the folder writable"
                    ) from exc
                for suffix in ("-wal", "-shm"):
                    Path(str(path) + suffix).unlink(missing_ok=True)
                log.warning("unreadable catalog moved to %s", aside)
            else:
                try:
                    catalog.writable()
                finally:
                    catalog.close()
        if (self.data_dir / "chroma").exists():
            from retrieval.store import forget_open_stores

            forget_open_stores()
        for name in ("chroma", "lexical"):
            shutil.rmtree(self.data_dir / name, ignore_errors=True)

    # --- the parts, opened lazily ------------------------------------------------------------------

    def _embedder_matches(self) -> bool:
        """Tell whether the index's vectors are the configured embedder's (an index without
        documents, or read without an embedder, has nothing to mismatch)."""
        stored = self.catalog.get_meta("embedder")
        if self.embedder is None or stored is None or stored == self.embedder.key:
            return True
        if not self.catalog.count_documents():
            return True
        log.warning(
            "index in %s was built with embedder %s, settings ask for %s: answers use lexical search "
            "only until 'htxbot ingest' re-embeds it (HTX_EMBEDDER names the embedder)",
            self.data_dir,
            stored,
            self.embedder.key,
        )
        return False

    def adopt_embedder(self) -> None:
        """Before an ingest: when the index's vectors are another embedder's, say so and let this
        ingest embed every chunk with the configured one (its embedding cache keeps the other's)."""
        if self.dense_ok or self.embedder is None:
            return
        log.warning(
            "re-embedding the %d chunks of the index with %s (it was built with %s)",
            self.catalog.count_chunks(),
            self.embedder.key,
            self.catalog.get_meta("embedder"),
        )
        self.dense_ok = True

    @property
    def store(self) -> VectorStore | None:
        """The vector store, opened on first use (None without an embedder)."""
        if self._store is None and self.embedder is not None:
            with self._opening:
                if self._store is None:
                    from retrieval.store import ChromaStore, ServerChromaStore

                    name = "chunks_" + "".join(ch if ch.isalnum() else "_" for ch in self.embedder.key)[:50]
                    if self.server is not None:
                        self._store = ServerChromaStore(self.server, name.strip("_"))
                    else:
                        self._store = ChromaStore(self.data_dir / "chroma", name.strip("_"))
        return self._store

    def _embedder_store(self) -> VectorStore:
        """The vector store, for code that has already checked there is an embedder."""
        store = self.store
        assert store is not None, "the vector store exists whenever there is an embedder"
        return store

    @property
    def lexical(self) -> LexicalIndex:
        """The BM25 index, loaded on first use (rebuilt from the catalog when it is behind or damaged)."""
        if self._lexical is None:
            with self._opening:
                if self._lexical is None:
                    self._lexical = self._open_lexical()
        return self._lexical

    def _open_lexical(self) -> LexicalIndex:
        folder = self.data_dir / "lexical"
        if not folder.exists() or self.catalog.get_meta("lexical_version") != LEXICAL_VERSION:
            return self.rebuild_lexical()
        try:
            lexical = LexicalIndex.load(folder)
        except IndexCorruptError as exc:
            # The catalog holds every chunk: the lexical index can always be rebuilt from it.
            log.warning("%s", exc)
            return self.rebuild_lexical()
        behind = lexical.built_from != self.catalog.get_meta("catalog_generation")
        if behind or len(lexical.ids) != self.catalog.count_chunks():
            log.warning("lexical index out of step with the catalog; rebuilding it")
            return self.rebuild_lexical()
        return lexical

    def rebuild_lexical(self, *, strict: bool = False) -> LexicalIndex:
        """Build the BM25 index from the catalog and save it. A reader that cannot save it (a
        read-only folder, a full disk) still uses it from memory; an ingest (``strict``) fails."""
        ids: list[str] = []

        def texts() -> Iterator[str]:
            for chunk in self.catalog.iter_chunks():
                ids.append(chunk.id)
                yield chunk.indexed_text

        lexical = LexicalIndex.build(ids, texts())
        lexical.built_from = self.catalog.get_meta("catalog_generation")
        try:
            lexical.save(self.data_dir / "lexical")
            with self.catalog.db:
                self.catalog.set_meta("lexical_version", LEXICAL_VERSION)
        except (OSError, sqlite3.Error) as exc:
            if strict:
                reason = getattr(exc, "strerror", None) or str(exc)
                raise IngestError(
                    f"cannot write the lexical index in {self.data_dir} ({reason}): free some space "
                    "or make the folder writable, then run the ingest again; until then the "
                    "index answers from what it held"
                ) from exc
            log.warning("cannot save the lexical index in %s (%s): using it from memory", self.data_dir, exc)
        self._lexical = lexical
        return lexical

    def lexical_saved_from(self) -> str | None:
        """Return the catalog generation the saved lexical index was built from (None if none is
        saved, or it is of another version)."""
        if self.catalog.get_meta("lexical_version") != LEXICAL_VERSION:
            return None
        try:
            return (self.data_dir / "lexical" / BUILT_FROM_FILE).read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def store_needs_sync(self) -> bool:
        """Tell whether the vector store holds another number of vectors than the catalog has
        chunks (a deleted or damaged ``chroma/`` folder, an interrupted ingest)."""
        if self.embedder is None or not self.dense_ok:
            return False
        return self._embedder_store().count() != self.catalog.count_chunks()

    def sync_store(self) -> tuple[int, int]:
        """Make the vector store hold exactly the catalog's chunks: vectors come from the embedding
        cache (embedding what it lacks), stale ones are deleted. Return (embedded, restored)."""
        if self.embedder is None:
            return 0, 0
        # Ids and hashes only: the texts are read for the chunks whose vectors are missing.
        wanted = {_vector_key(cid, h): cid for cid, h in self.catalog.chunk_hashes().items()}
        present = self._embedder_store().ids()
        missing_ids = [cid for vid, cid in wanted.items() if vid not in present]
        missing = list(self.catalog.chunks(missing_ids).values()) if missing_ids else []
        embedded = self.store_vectors(missing)
        stale = [vid for vid in present if vid not in wanted]
        if stale:
            self._embedder_store().delete(stale)
        if missing:
            log.warning(
                "vector store was missing %d vectors: restored (%d from the embedding cache)",
                len(missing),
                len(missing) - embedded,
            )
        return embedded, len(missing)

    def store_vectors(self, chunks: list[Chunk]) -> int:
        """Put the vectors of ``chunks`` in the store, embedding those not in the cache; return how
        many were embedded."""
        if not chunks or self.embedder is None:
            return 0
        key = self.embedder.key
        unique = {c.hash: c for c in chunks}
        cached = self.catalog.cached_embeddings(key, list(unique))
        missing = [c for h, c in unique.items() if h not in cached]
        batch = 64
        bar = self.progress(total=len(missing), desc="embedding", unit="chunk", disable=len(missing) < 32)
        for i in range(0, len(missing), batch):
            part = missing[i : i + batch]
            vectors = self.embedder.embed_passages([c.indexed_text for c in part])
            fresh = {c.hash: v for c, v in zip(part, vectors, strict=True)}
            self.catalog.cache_embeddings(key, fresh)
            cached.update(fresh)
            if hasattr(bar, "update"):
                bar.update(len(part))
        if hasattr(bar, "close"):
            bar.close()
        self._embedder_store().upsert(
            [vector_id(c) for c in chunks], np.vstack([cached[c.hash] for c in chunks]), [c.doc_id for c in chunks]
        )
        with self.catalog.db:
            self.catalog.set_meta("embedder", key)
        return len(missing)

    def publish(self) -> None:
        """With a Chroma server: after an ingest, put what the catalog holds on the server and then
        its generation, for the replicas (nothing when the server already has this generation)."""
        if self.shared is None:
            return
        from retrieval.replication import SharedState

        generation = self.catalog.get_meta("catalog_generation")
        state = self.shared.state()
        if generation is None or (state is not None and state.generation == generation):
            return
        report = self.shared.publish(self.catalog)
        self.shared.set_state(SharedState(generation, self.catalog.get_meta("embedder")))
        log.info(
            "published to the Chroma server %s: %d documents written, %d removed (generation %s)",
            self.shared.server.shown,
            report.written,
            report.removed,
            generation,
        )

    def before_ingest(self) -> None:
        """With a Chroma server: start an ingest from the server's documents (another process may
        have published since); a server never written to gets this folder's index at the end."""
        if self.shared is None:
            return
        state = self.shared.state()
        if state is None or state.generation == self.catalog.get_meta("catalog_generation"):
            return
        report = self.shared.pull(self.catalog, state)
        self.dense_ok = self._embedder_matches()
        log.info(
            "read %d documents (%d removed) from the Chroma server %s before the ingest",
            report.written,
            report.removed,
            self.shared.server.shown,
        )

    def mark_complete(self) -> None:
        """Write the generation marker once every part matches the catalog."""
        generation = self.catalog.get_meta("catalog_generation")
        if generation and generation != self.catalog.get_meta("generation"):
            with self.catalog.db:
                self.catalog.set_meta("generation", generation)
        self.generation = self.catalog.get_meta("generation")

    # --- readers ----------------------------------------------------------------------------------

    def reload_if_changed(self) -> None:
        """Pick up an ingest made by another process (the ingest timer beside a running server):
        every RELOAD_CHECK_S, read the generation the last complete ingest wrote; if it changed,
        reopen the lexical index and the vector store from disk (with a Chroma server: see
        :meth:`follow_server`)."""
        if self.shared is not None:
            self.follow_server()
            return
        now = time.monotonic()
        if now - self._checked < self.RELOAD_CHECK_S:
            return
        self._checked = now
        generation = self.catalog.get_meta("generation")
        if generation == self.generation:
            return
        with self._opening:
            if generation != self.generation:
                log.info("the index was updated by another process: reloading it")
                self.generation = generation
                self.dense_ok = self._embedder_matches()  # it may have been re-embedded
                self._lexical = None
                if self._store is not None:
                    from retrieval.store import forget_open_stores

                    self._store = None
                    forget_open_stores()
        self.warm_up()

    def follow_server(self, *, now: bool = False) -> None:
        """With a Chroma server: every RELOAD_CHECK_S (at once with ``now``), read the server's
        generation; when another process published a new one, bring the catalog and the BM25
        files of this folder up to the server's. While the server cannot be reached this raises
        StoreUnavailable at every call, and answering goes on once it is back."""
        if self.shared is None:
            return
        started = time.monotonic()
        if not now and started - self._checked < self.RELOAD_CHECK_S:
            return
        state = self.shared.state()
        self._checked = started
        if state is None or state.generation == self.generation:
            return
        if not self._pulling.acquire(blocking=now):
            return  # another thread is pulling: this one answers from what the folder holds
        try:
            if state.generation != self.generation:
                self._pull(state)
        finally:
            self._pulling.release()

    def _pull(self, state: SharedState) -> None:
        """Bring this folder's catalog and BM25 files up to the server's ``state``, under the
        folder's ingest lock (replicas or a writer may share the folder: a writer at work in it
        brings it up to date itself, so this waits for nothing and looks again later)."""
        assert self.shared is not None
        lock = FileLock(str(self.data_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.info("an ingest is running in %s: the index is read from the server after it", self.data_dir)
            return
        try:
            # Its own connection: questions answered meanwhile read the catalog's last commit.
            catalog = Catalog(self.data_dir / "catalog.sqlite3")
            try:
                report = self.shared.pull(catalog, state)
            finally:
                catalog.close()
            # The saved BM25 files, when a process sharing the folder already built them for this
            # generation; else rebuilt from the catalog (a whole rebuild: BM25 weights are corpus-wide).
            saved = self.lexical_saved_from() == state.generation
            lexical = self._open_lexical() if saved else self.rebuild_lexical()
            with self.catalog.db:
                self.catalog.set_meta("generation", state.generation)
        finally:
            lock.release()
        with self._opening:
            self._lexical = lexical
            self.generation = state.generation
            self.dense_ok = self._embedder_matches()  # it may have been re-embedded
        log.info(
            "the index was updated on the Chroma server %s: %d documents read, %d removed",
            self.shared.server.shown,
            report.written,
            report.removed,
        )

    def warm_up(self) -> None:
        """Open every part now (BM25 arrays, vector store, embedding model) so that the first
        question does not pay for it; a server calls this before it accepts requests (with a Chroma
        server, after reading what changed there)."""
        self.follow_server(now=True)
        _ = self.lexical
        if self.embedder is not None and self.dense_ok:
            if self._embedder_store().count() == 0 and self.catalog.count_chunks():
                log.warning(
                    "the vector store in %s is empty: answers use lexical search only until "
                    "'htxbot ingest PATH' restores it from the embedding cache",
                    self.data_dir,
                )
            self.embedder.embed_query("khởi động")

    def close(self) -> None:
        """Release the catalog."""
        self.catalog.close()
