"""Readiness: whether this process can answer now — the index loaded, the vector store (embedded
Chroma or a Chroma server) reachable, the embedding model warm, the database reachable.

Each check runs in a thread with a deadline, all at once, so that one hung dependency makes the
probe say so in ``CHECK_TIMEOUT_S`` instead of hanging it; a check past its deadline goes on in its
thread (a model still loading finishes loading, and the next probe finds it warm).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

if TYPE_CHECKING:
    from bot.wiring import Services

CHECK_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class Check:
    """The outcome of one readiness check: ``detail`` says what was found, or what is wrong."""

    name: str
    ok: bool
    detail: str


def _index(services: Services) -> str:
    documents = services.index.catalog.count_documents()
    if not documents:
        raise LookupError("no document is indexed: run 'htxbot ingest PATH'")
    _ = services.index.lexical  # loads the BM25 arrays, or raises what keeps them from loading
    return f"{documents} documents"


def _dense_unused(services: Services) -> str | None:
    """Say why the vector store and model are not used (None when they are)."""
    if services.index.embedder is None:
        return "not used (HTX_EMBEDDER=none: lexical search only)"
    if not services.index.parts.dense_ok:
        return "not used: the index holds another embedder's vectors (lexical search until 'htxbot ingest')"
    return None


def _vector_store(services: Services) -> str:
    server = services.index.parts.server
    where = f" on the Chroma server {server.shown}" if server is not None else ""
    unused = _dense_unused(services)
    if unused:
        if server is not None:
            server.heartbeat()  # it holds the documents all the same; raises StoreUnavailable naming it
            return f"documents{where}; vectors {unused}"
        return unused
    store = services.index.store
    if store is None:  # pragma: no cover - there is a store whenever there is an embedder
        raise LookupError("no vector store is open")
    return f"{store.count()} vectors{where}"


def _model(services: Services) -> str:
    unused = _dense_unused(services)
    embedder = services.index.embedder
    if unused or embedder is None:
        return unused or "not used"
    started = time.perf_counter()
    embedder.embed_passages(["khởi động"])  # queries are cached by the embedders: this one runs the model
    return f"{embedder.key}: a text embedded in {(time.perf_counter() - started) * 1000:.1f} ms"


def _database(services: Services) -> str:
    services.database.ping()
    return services.database.shown


CHECKS: dict[str, Callable[[Services], str]] = {
    "index": _index,
    "vector_store": _vector_store,
    "model": _model,
    "database": _database,
}


async def _run(name: str, check: Callable[[Services], str], services: Services, timeout_s: float) -> Check:
    try:
        detail = await asyncio.wait_for(asyncio.to_thread(check, services), timeout_s)
    except TimeoutError:
        return Check(name, False, f"no answer within {timeout_s:g} s (still loading, or unreachable)")
    except Exception as exc:  # any failure is the reason this part is not ready
        return Check(name, False, str(exc) or type(exc).__name__)
    return Check(name, True, detail)


async def check_readiness(services: Services, timeout_s: float = CHECK_TIMEOUT_S) -> list[Check]:
    """Run every check at once; return their outcomes in a fixed order."""
    return list(await asyncio.gather(*(_run(n, c, services, timeout_s) for n, c in CHECKS.items())))


class CheckOut(BaseModel):
    """One check as /readyz shows it."""

    ok: bool
    detail: str


class Readiness(BaseModel):
    """The body of /readyz (the same with 200 and with 503)."""

    status: Literal["ready", "not ready"]
    not_ready: list[str]
    checks: dict[str, CheckOut]


def readiness_body(checks: list[Check]) -> dict[str, Any]:
    """The JSON body of /readyz: the status, what is not ready, and every check's detail."""
    failing = [check.name for check in checks if not check.ok]
    return {
        "status": "not ready" if failing else "ready",
        "not_ready": failing,
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
    }
