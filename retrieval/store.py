"""The vector store: a Chroma collection, telemetry off, fed with our own embeddings — embedded in
the data folder (the default), or on a Chroma server shared by replicas (``ChromaServer``)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from retrieval.errors import HtxError, IndexCorruptError

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
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
        _upsert(self.collection, ids, vectors, doc_ids)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id."""
        _delete(self.collection, ids)

    def ids(self) -> set[str]:
        """Return every stored id."""
        return set(self.collection.get(include=[])["ids"])

    def count(self) -> int:
        """Return how many vectors are stored."""
        return self.collection.count()

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return up to ``k`` nearest (id, cosine similarity) pairs (fewer when fewer are stored:
        Chroma 1.x caps ``n_results`` itself, so no count() round trip is needed)."""
        return _query(self.collection, vector, k)


def _upsert(collection: Collection, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
    step = 2000
    for i in range(0, len(ids), step):
        collection.upsert(
            ids=list(ids[i : i + step]),
            embeddings=np.asarray(vectors[i : i + step]),
            metadatas=[{"doc_id": d} for d in doc_ids[i : i + step]],
        )


def _delete(collection: Collection, ids: Sequence[str]) -> None:
    step = 2000
    for i in range(0, len(ids), step):
        collection.delete(ids=list(ids[i : i + step]))


def _query(collection: Collection, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
    queries: Embeddings = [np.asarray(vector, np.float32)]
    result = collection.query(query_embeddings=queries, n_results=k, include=["distances"])
    distances = result["distances"]
    assert distances is not None, 'Chroma returns distances when include=["distances"]'
    return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], distances[0], strict=True)]


# --- a Chroma server (HTX_CHROMA_URL) ----------------------------------------------------------------


class StoreUnavailable(HtxError):
    """The Chroma server cannot be reached or refused a request; its message names the URL and
    what to do. Nothing is lost: answers go on when the server is back."""


@dataclass(frozen=True)
class ChromaServerConfig:
    """Where the Chroma server is and how to talk to it (settings HTX_CHROMA_*)."""

    url: str
    token: str | None = field(default=None, repr=False)
    tenant: str = "default_tenant"
    database: str = "default_database"

    @property
    def shown(self) -> str:
        """The URL as messages and logs show it: without a user or password written into it."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        netloc = f"{host}:{parts.port}" if parts.port else host
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class ChromaServer:
    """One connection to a Chroma server (chromadb's HttpClient), opened on first use and again
    after a failure; every call made in :meth:`calls` turns a failure into StoreUnavailable."""

    TIMEOUT_S = 30.0  # chromadb's HTTP client waits forever by default: a hung server must not hang answers
    CONNECT_TIMEOUT_S = 5.0

    def __init__(self, config: ChromaServerConfig) -> None:
        self.config = config
        self.shown = config.shown
        self._client: ClientAPI | None = None
        self._collections: dict[str, Collection] = {}
        self._lock = threading.Lock()

    def _connect(self) -> ClientAPI:
        import chromadb
        import httpx
        from chromadb.config import Settings as ChromaSettings
        from chromadb.errors import NotFoundError

        config = self.config
        headers = {}
        if config.token:  # a server may expect either header (Chroma's token auth, Chroma Cloud)
            headers = {"Authorization": f"Bearer {config.token}", "X-Chroma-Token": config.token}
        parts = urlsplit(config.url)
        ssl = parts.scheme == "https"
        port = parts.port or (443 if ssl else 80)

        def client() -> ClientAPI:
            return chromadb.HttpClient(
                host=config.url,  # a full URL: chromadb takes its scheme, host, port and path from it
                port=port,
                ssl=ssl,
                headers=headers,
                settings=ChromaSettings(anonymized_telemetry=False),
                tenant=config.tenant,
                database=config.database,
            )

        try:
            made = client()
        except NotFoundError:  # a database of ours that does not exist yet: make it once
            admin = chromadb.AdminClient(
                ChromaSettings(
                    chroma_api_impl="chromadb.api.fastapi.FastAPI",
                    chroma_server_host=config.url,
                    chroma_server_http_port=port,
                    chroma_server_ssl_enabled=ssl,
                    chroma_server_headers=headers,
                    anonymized_telemetry=False,
                )
            )
            admin.create_database(config.database, tenant=config.tenant)
            made = client()
        session = getattr(getattr(made, "_server", None), "_session", None)
        if isinstance(session, httpx.Client):  # chromadb offers no setting for it
            session.timeout = httpx.Timeout(self.TIMEOUT_S, connect=self.CONNECT_TIMEOUT_S)
        return made

    @contextlib.contextmanager
    def calls(self, what: str) -> Iterator[None]:
        """Run Chroma calls; a failure of the server or of the way to it becomes StoreUnavailable
        naming the URL and what to do, and the next call connects again (the server may have been
        restarted or replaced). A request chromadb refuses before sending it is a bug: raised as is."""
        try:
            yield
        except HtxError:
            raise
        except Exception as exc:  # chromadb raises its own errors, httpx's, ValueError and bare Exception
            text = str(exc).lower()
            if isinstance(exc, ValueError | TypeError) and not any(
                word in text for word in ("connect", "tenant", "database")
            ):
                raise
            with self._lock:
                self._client = None
                self._collections.clear()
            raise StoreUnavailable(self._explain(what, exc)) from exc

    def _explain(self, what: str, exc: Exception) -> str:
        import httpx

        reason = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
        text = str(exc).lower()
        if isinstance(exc, httpx.TransportError) or "could not connect to a chroma server" in text:
            todo = (
                "start the server (systemctl start htxbot-chroma, or 'chroma run --path DIR --port PORT') "
                "or correct HTX_CHROMA_URL; nothing is lost, and servers answer again as soon as it is back"
            )
        elif "auth" in type(exc).__name__.lower() or any(
            w in text for w in ("unauthorized", "forbidden", "permission")
        ):
            todo = "check HTX_CHROMA_TOKEN (and HTX_CHROMA_TENANT / HTX_CHROMA_DATABASE)"
        elif "tenant" in text:
            todo = "check HTX_CHROMA_TENANT, or create the tenant on the server"
        else:
            todo = "the server refused the request: see its log; questions are answered again once it accepts them"
        where = (
            f"connect to the Chroma server {self.shown}"
            if what == "connect"
            else f"{what} on the Chroma server {self.shown}"
        )
        return f"cannot {where} ({reason[:300]}): {todo}"

    def client(self) -> ClientAPI:
        """The HTTP client, connected on first use (raises StoreUnavailable)."""
        with self._lock:
            client = self._client
        if client is None:
            with self.calls("connect"):
                client = self._connect()
            with self._lock:
                self._client = client
        return client

    def collection(self, name: str, metadata: dict[str, Any] | None = None) -> Collection:
        """The collection ``name``, created when missing (raises StoreUnavailable)."""
        with self._lock:
            found = self._collections.get(name)
        if found is None:
            client = self.client()
            with self.calls(f"open the collection {name}"):
                # No embedding function: Chroma's default one downloads a model, which fails offline.
                found = client.get_or_create_collection(name=name, embedding_function=None, metadata=metadata)
            with self._lock:
                self._collections[name] = found
        return found

    def heartbeat(self) -> None:
        """Ask the server whether it is there (raises StoreUnavailable)."""
        client = self.client()
        with self.calls("reach the server"):
            client.heartbeat()


class ServerChromaStore:
    """A vector store in a collection of a Chroma server: the vectors every replica queries."""

    def __init__(self, server: ChromaServer, collection: str) -> None:
        self.server = server
        self.name = collection

    def _collection(self) -> Collection:
        return self.server.collection(self.name, {"hnsw:space": "cosine"})

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, doc_ids: Sequence[str]) -> None:
        """Add or replace vectors, in batches Chroma accepts."""
        collection = self._collection()
        with self.server.calls("store vectors"):
            _upsert(collection, ids, vectors, doc_ids)

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors by id."""
        collection = self._collection()
        with self.server.calls("delete vectors"):
            _delete(collection, ids)

    def ids(self) -> set[str]:
        """Return every stored id (page by page: one reply stays small)."""
        collection = self._collection()
        found: set[str] = set()
        page, offset = 5000, 0
        with self.server.calls("list vectors"):
            while True:
                got = collection.get(include=[], limit=page, offset=offset)["ids"]
                found.update(got)
                offset += len(got)
                if len(got) < page:
                    return found

    def count(self) -> int:
        """Return how many vectors are stored."""
        collection = self._collection()
        with self.server.calls("count vectors"):
            return collection.count()

    def query(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Return up to ``k`` nearest (id, cosine similarity) pairs."""
        collection = self._collection()
        with self.server.calls("search vectors"):
            return _query(collection, vector, k)


def forget_open_stores() -> None:
    """Drop Chroma's per-process cache of opened folders, so a folder deleted for a rebuild is
    opened afresh (Chroma otherwise hands back the old, damaged instance)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
