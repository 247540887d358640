"""One index for several processes through a Chroma server (HTX_CHROMA_URL): what the server holds,
and how a writer publishes to it and a replica follows it.

Where each piece of state lives:

- **The Chroma server is the truth.** The chunk vectors (one collection per embedder, as in the
  embedded store), the documents (``htx_documents``: text, title, date, place, paper, URL, path,
  cited name and content hash), their chunks (``htx_chunks``: text, context, position, hash) and
  the index state (``htx_index``: the generation of the last complete ingest and the embedder of its
  vectors).
- **Each process's data folder is a cache** rebuilt from the server: the catalog (documents,
  chunks, the statistics rows, extracted again from the documents) and the BM25 files. The
  embedding cache of a writer stays in its own catalog.

A writer (``htxbot ingest``) first brings its catalog to the server's documents, plans and writes as
in embedded mode, then publishes what differs (vectors first, then chunks, then documents, then
removals) and writes the new generation last. A replica reads the generation (at most every
``IndexParts.RELOAD_CHECK_S``) and pulls only the documents whose hash changed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import numpy as np

from retrieval.catalog import Catalog
from retrieval.guards import instructions_in
from retrieval.models import Chunk, Document
from retrieval.stats import extract as extract_stats
from retrieval.store import ChromaServer

if TYPE_CHECKING:
    from chromadb.api.models.Collection import Collection
    from chromadb.api.types import Where

log = logging.getLogger(__name__)

DOCUMENTS = "htx_documents"
CHUNKS = "htx_chunks"
STATE = "htx_index"
STATE_ID = "state"
# Chroma stores an embedding with every record; these collections are only read by id and metadata.
_PLACEHOLDER_DIM = 1
_PAGE = 2000  # records per read
_DOCS_PER_CALL = 100  # documents (and their chunks) per write
_CHUNKS_PER_CALL = 1000
_DOC_METADATA = ("title", "date", "date_source", "place", "paper", "url", "path", "source")

_T = TypeVar("_T")


@dataclass(frozen=True)
class SharedState:
    """What the server says of its index: the generation last published, and whose vectors it holds."""

    generation: str
    embedder: str | None = None


@dataclass(frozen=True)
class SyncReport:
    """How many documents one pull or publish wrote and removed."""

    written: int
    removed: int


def plan_sync(source: Mapping[str, str], target: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Return (ids to write, ids to remove) that make ``target``'s documents ``source``'s, both
    given as {document id: content hash}."""
    write = [doc_id for doc_id, digest in source.items() if target.get(doc_id) != digest]
    remove = [doc_id for doc_id in target if doc_id not in source]
    return write, remove


def _batches(items: Sequence[_T], size: int) -> Iterator[list[_T]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def _placeholders(count: int) -> np.ndarray:
    return np.ones((count, _PLACEHOLDER_DIM), np.float32)


def _of_documents(doc_ids: Sequence[str]) -> Where:
    """The filter of the chunks of these documents."""
    among: dict[Literal["$in", "$nin"], list[str | int | float | bool]] = {"$in": list(doc_ids)}
    return {"doc_id": among}


def _document_metadata(document: Document, digest: str) -> dict[str, Any]:
    values = {name: getattr(document, name) for name in _DOC_METADATA} | {"hash": digest}
    return {name: value for name, value in values.items() if value is not None}  # Chroma stores no None


def _document(doc_id: str, text: str, metadata: Mapping[str, Any]) -> Document:
    def optional(name: str) -> str | None:
        value = metadata.get(name)
        return None if value is None else str(value)

    return Document(
        id=doc_id,
        title=str(metadata.get("title", "")),
        text=text,
        date=optional("date"),
        date_source=str(metadata.get("date_source", "none")),
        place=optional("place"),
        paper=optional("paper"),
        url=optional("url"),
        path=optional("path"),
        source=optional("source"),
    )


class SharedIndex:
    """The documents, chunks and state of the index on a Chroma server, read and written by id."""

    def __init__(self, server: ChromaServer) -> None:
        self.server = server

    def _collection(self, name: str) -> Collection:
        return self.server.collection(name)

    # --- the state -----------------------------------------------------------------------------------

    def state(self) -> SharedState | None:
        """Return the state the last complete ingest published (None on a server never written)."""
        collection = self._collection(STATE)
        with self.server.calls("read the index generation"):
            got = collection.get(ids=[STATE_ID], include=["metadatas"])
        metadatas = got["metadatas"] or []
        if not metadatas or not metadatas[0] or not metadatas[0].get("generation"):
            return None
        embedder = metadatas[0].get("embedder")
        return SharedState(str(metadatas[0]["generation"]), str(embedder) if embedder else None)

    def set_state(self, state: SharedState) -> None:
        """Publish the generation: replicas pull once they read it, so it is written last."""
        collection = self._collection(STATE)
        metadata: dict[str, str | int | float | bool | None] = {"generation": state.generation}
        if state.embedder:
            metadata["embedder"] = state.embedder
        with self.server.calls("write the index generation"):
            collection.upsert(ids=[STATE_ID], embeddings=_placeholders(1), metadatas=[metadata])

    # --- reading ---------------------------------------------------------------------------------

    def document_hashes(self) -> dict[str, str]:
        """Return {document id: content hash} of every document on the server."""
        collection = self._collection(DOCUMENTS)
        hashes: dict[str, str] = {}
        offset = 0
        with self.server.calls("list the documents"):
            while True:
                got = collection.get(include=["metadatas"], limit=_PAGE, offset=offset)
                for doc_id, metadata in zip(got["ids"], got["metadatas"] or [], strict=True):
                    hashes[doc_id] = str((metadata or {}).get("hash", ""))
                offset += len(got["ids"])
                if len(got["ids"]) < _PAGE:
                    return hashes

    def documents(self, doc_ids: Sequence[str]) -> list[tuple[Document, str, list[Chunk]]]:
        """Return these documents with their content hash and chunks (in order); ids the server
        no longer holds are left out."""
        documents, chunks = self._collection(DOCUMENTS), self._collection(CHUNKS)
        out: list[tuple[Document, str, list[Chunk]]] = []
        for part in _batches(doc_ids, _DOCS_PER_CALL):
            with self.server.calls("read documents"):
                got = documents.get(ids=part, include=["documents", "metadatas"])
                pieces = chunks.get(where=_of_documents(part), include=["documents", "metadatas"])
            by_doc: dict[str, list[Chunk]] = {}
            for chunk_id, text, metadata in zip(
                pieces["ids"], pieces["documents"] or [], pieces["metadatas"] or [], strict=True
            ):
                meta = metadata or {}
                chunk = Chunk(
                    id=chunk_id,
                    doc_id=str(meta["doc_id"]),
                    index=int(str(meta["idx"])),
                    text=text or "",
                    context=str(meta.get("context", "")),
                    hash=str(meta["hash"]),
                )
                by_doc.setdefault(chunk.doc_id, []).append(chunk)
            for doc_id, text, metadata in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True):
                meta = metadata or {}
                document = _document(doc_id, text or "", meta)
                ordered = sorted(by_doc.get(doc_id, []), key=lambda c: c.index)
                out.append((document, str(meta.get("hash", "")), ordered))
        return out

    # --- a replica follows -----------------------------------------------------------------------

    def pull(self, catalog: Catalog, state: SharedState) -> SyncReport:
        """Make ``catalog`` hold the server's documents: those whose hash differs are read again
        (with their statistics rows extracted here), those gone are removed, in one transaction
        that records the server's generation as the catalog's."""
        local = {doc_id: digest for doc_id, (digest, _) in catalog.document_hashes().items()}
        write, remove = plan_sync(self.document_hashes(), local)
        fetched = self.documents(write)
        stats = {d.id: [] if instructions_in(d.text) else extract_stats(d) for d, _, _ in fetched}
        complete = not local or catalog.stats_current()
        catalog.replace_documents(fetched, remove, state.generation, stats, stats_complete=complete)
        if state.embedder:
            with catalog.db:
                catalog.set_meta("embedder", state.embedder)
        return SyncReport(len(fetched), len(remove))

    # --- a writer publishes ------------------------------------------------------------------------

    def publish(self, catalog: Catalog) -> SyncReport:
        """Make the server hold ``catalog``'s documents: for each one whose hash differs, its old
        chunks are deleted and the new ones written before the document itself (so a document's
        hash on the server always stands for chunks that are there); then removals."""
        local = {doc_id: digest for doc_id, (digest, _) in catalog.document_hashes().items()}
        remote = self.document_hashes()
        write, remove = plan_sync(local, remote)
        documents, chunks = self._collection(DOCUMENTS), self._collection(CHUNKS)
        for part in _batches(write, _DOCS_PER_CALL):
            records = [(doc_id, catalog.document(doc_id), catalog.document_chunks(doc_id)) for doc_id in part]
            present = [doc_id for doc_id in part if doc_id in remote]
            pieces = [c for _, _, cs in records for c in cs]
            with self.server.calls("write documents"):
                if present:
                    chunks.delete(where=_of_documents(present))
                for batch in _batches(pieces, _CHUNKS_PER_CALL):
                    chunks.upsert(
                        ids=[c.id for c in batch],
                        embeddings=_placeholders(len(batch)),
                        documents=[c.text for c in batch],
                        metadatas=[
                            {"doc_id": c.doc_id, "idx": c.index, "context": c.context, "hash": c.hash} for c in batch
                        ],
                    )
                kept = [(doc_id, d) for doc_id, d, _ in records if d is not None]
                if kept:
                    documents.upsert(
                        ids=[doc_id for doc_id, _ in kept],
                        embeddings=_placeholders(len(kept)),
                        documents=[d.text for _, d in kept],
                        metadatas=[_document_metadata(d, local[doc_id]) for doc_id, d in kept],
                    )
        for part in _batches(remove, _DOCS_PER_CALL):
            with self.server.calls("remove documents"):
                chunks.delete(where=_of_documents(part))
                documents.delete(ids=part)
        return SyncReport(len(write), len(remove))
