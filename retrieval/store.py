"""The vector store: an embedded Chroma collection, telemetry off, fed with our own embeddings."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from retrieval.errors import IndexCorruptError

if TYPE_CHECKING:
    from chromadb.api.types import Embeddings


class VectorStore(Protocol):
    """Stores chunk vectors under ids and finds the nearest ones to a query vector."""

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        """Add or replace vectors."""

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id."""

    def ids(self) -> set[str]:
        """Return every stored id."""

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return up to ``k`` (id, cosine similarity) pairs, best first."""

    def count(self) -> int:
        """Return how many vectors are stored."""


class ChromaStore:
    """Chroma's PersistentClient in a folder of the data directory, one collection per embedder."""

    def __init__(self, folder: Path, collection: str, dim: int | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.client = chromadb.PersistentClient(
                path=str(folder), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True)
            )
            # No embedding function: Chroma's default one downloads a model, which fails offline.
            self.collection = self.client.get_or_create_collection(
                name=collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
            )
        except Exception as exc:  # chromadb raises many kinds on a damaged folder
            raise IndexCorruptError(
                f"the vector store in {folder} cannot be opened ({exc}); rebuild it with 'htxbot ingest --rebuild PATH'"
            ) from exc

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        """Add or replace vectors, in batches Chroma accepts."""
        step = 2000
        for i in range(0, len(ids), step):
            self.collection.upsert(
                ids=list(ids[i : i + step]),
                embeddings=np.asarray(vectors[i : i + step]),
                metadatas=[{"doc_id": d} for d in doc_ids[i : i + step]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id."""
        step = 2000
        for i in range(0, len(ids), step):
            self.collection.delete(ids=list(ids[i : i + step]))

    def ids(self) -> set[str]:
        """Return every stored id."""
        return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        """Return how many vectors are stored."""
        return self.collection.count()

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return up to ``k`` nearest (id, cosine similarity) pairs (fewer when fewer are stored:
        Chroma 1.x caps ``n_results`` itself, so no count() round trip is needed)."""
        queries: Embeddings = [np.asarray(vector, np.float32)]
        result = self.collection.query(query_embeddings=queries, n_results=k, include=["distances"])
        distances = result["distances"]
        assert distances is not None, 'Chroma returns distances when include=["distances"]'
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], distances[0], strict=True)]


def forget_open_stores() -> None:
    """Drop Chroma's per-process cache of opened folders, so a folder deleted for a rebuild is
    opened afresh (Chroma otherwise hands back the old, damaged instance)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
