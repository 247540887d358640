"""How the web API answers an error: a status, a message a person can act on, and headers.

Our errors are mapped in one place (``http_error``), for JSON replies and for the error event of
the stream alike. What only the operator can fix (a damaged index, a model that does not load) is
logged with its details; the client is told what happened and when to try again, never a path.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from fastapi.exceptions import RequestValidationError
from slowapi import _rate_limit_exceeded_handler
from slowapi.errors import RateLimitExceeded
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.database import DatabaseUnavailable
from retrieval.errors import EmbeddingError, HtxError, IndexBusyError, IndexCorruptError, InputError
from retrieval.store import StoreUnavailable

log = logging.getLogger(__name__)

BUSY_RETRY_AFTER_S = 60  # an ingest holding the catalog finishes its write within about a minute
DATABASE_RETRY_AFTER_S = 30
STORE_RETRY_AFTER_S = 30
INDEX_BUSY = "The article index is being updated; please try again in a minute."
INDEX_DAMAGED = "The article index cannot be read right now; its operator has to rebuild it. Please try again later."
MODEL_DOWN = "The search model is not available right now; please try again later."
DATABASE_DOWN = "Feedback cannot be stored right now; please try again later."
STORE_DOWN = "The article index server cannot be reached right now; please try again in a minute."
INTERNAL = "internal error; please try again"


@dataclass(frozen=True)
class HttpError:
    """What the API answers for one error."""

    status: int
    detail: str
    headers: dict[str, str] = field(default_factory=dict)


def http_error(exc: HtxError) -> HttpError:
    """Map one of our errors to its status and message, logging what the operator needs to know."""
    if isinstance(exc, InputError):
        return HttpError(422, str(exc))
    if isinstance(exc, IndexBusyError):
        log.warning("answered 503: %s", exc)
        return HttpError(503, INDEX_BUSY, {"Retry-After": str(BUSY_RETRY_AFTER_S)})
    if isinstance(exc, IndexCorruptError):
        log.error("answered 503: %s", exc)
        return HttpError(503, INDEX_DAMAGED)
    if isinstance(exc, EmbeddingError):
        log.error("answered 503: %s", exc)
        return HttpError(503, MODEL_DOWN)
    if isinstance(exc, StoreUnavailable):  # its message names the Chroma server's URL and what to do
        log.error("answered 503: %s", exc)
        return HttpError(503, STORE_DOWN, {"Retry-After": str(STORE_RETRY_AFTER_S)})
    if isinstance(exc, DatabaseUnavailable):  # its message names the URL (password hidden) and what to do
        log.warning("answered 503: %s", exc)
        return HttpError(503, DATABASE_DOWN, {"Retry-After": str(DATABASE_RETRY_AFTER_S)})
    log.error("answered 500: %s: %s", type(exc).__name__, exc)
    return HttpError(500, INTERNAL)


async def htx_error(request: Request, exc: HtxError) -> Response:
    """Answer one of our errors with its status, message and headers."""
    error = http_error(exc)
    return JSONResponse({"detail": error.detail}, status_code=error.status, headers=error.headers)


async def rate_limited(request: Request, exc: RateLimitExceeded) -> Response:
    """Answer 429 with slowapi's Retry-After and X-RateLimit headers and a message a person can act on."""
    counted = _rate_limit_exceeded_handler(request, exc)  # slowapi's own reply: its headers, our words
    headers = {name: value for name, value in counted.headers.items() if name not in ("content-length", "content-type")}
    what = "feedback posts" if request.url.path.endswith("/feedback") else "questions"
    return JSONResponse(
        {"detail": f"Too many {what} ({exc.detail}); please wait a moment and try again."},
        status_code=429,
        headers=headers,
    )


async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
    """Name each field that is wrong and why, in one readable line each."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
        problems.append(f"{where}: {error.get('msg')}")
    return JSONResponse({"detail": "; ".join(problems)}, status_code=422)
