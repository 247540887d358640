"""What one anonymous request may cost: questions and feedback posts per client, a cap on the body
it sends and on the passages it gets back."""

from __future__ import annotations

from typing import Any

from slowapi import Limiter
from slowapi.util import get_remote_address
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.settings import Settings

ELLIPSIS = "…"


class Budgets:
    """The per-client rate limits of one app, counted by slowapi (each app its own counts).

    ``questions`` and ``feedback`` are awaited with ``request=`` and ``response=`` by the routes'
    dependencies; they raise RateLimitExceeded when the client's budget is spent and otherwise put
    the X-RateLimit and Retry-After headers on ``response``."""

    def __init__(self, settings: Settings) -> None:
        self.limiter = Limiter(key_func=get_remote_address, headers_enabled=True, default_limits=[])
        # One budget for questions, whichever of the two endpoints asks them.
        self.questions = self.limiter.shared_limit(settings.rate_limit, scope="questions")(_question)
        self.feedback = self.limiter.limit(settings.feedback_rate_limit)(_feedback_post)


# slowapi counts the calls of a decorated function that takes the request; these two are those.
async def _question(request: Request, response: Response) -> None:
    """Count one question."""


async def _feedback_post(request: Request, response: Response) -> None:
    """Count one feedback post."""


def _too_large(size: str, limit: int) -> str:
    return (
        f"The request body is {size}; the limit is {limit} bytes. "
        "Send a shorter question, fewer history turns or a shorter comment."
    )


class BodySizeLimit:
    """Refuse request bodies over ``max_bytes`` with 413 before they are read whole.

    A declared Content-Length over the cap is refused from the headers alone; a chunked body is
    counted as it arrives and refused as soon as it passes the cap. Either way the connection is
    closed afterwards, so the rest of the body is never read."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            response = JSONResponse(
                {"detail": _too_large(f"{int(declared)} bytes", self.max_bytes)},
                status_code=413,
                headers={"Connection": "close"},
            )
            await response(scope, receive, send)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    # Raised inside the route's body read, so FastAPI's handler answers it.
                    raise HTTPException(
                        413,
                        detail=_too_large(f"over {self.max_bytes} bytes", self.max_bytes),
                        headers={"Connection": "close"},
                    )
            return message

        await self.app(scope, counted_receive, send)


def trim_passages(passages: list[dict[str, Any]], max_passages: int, max_chars: int) -> list[dict[str, Any]]:
    """Keep the first ``max_passages`` passages, each text cut to ``max_chars`` with a trailing '…'."""
    trimmed = []
    for passage in passages[:max_passages]:
        text = passage["text"]
        if len(text) > max_chars:
            cut = text[: max_chars - len(ELLIPSIS)]
            # End on a word boundary when one is near, so no word is cut in half.
            space = cut.rfind(" ")
            if space > max_chars * 0.8:
                cut = cut[:space]
            text = cut.rstrip() + ELLIPSIS
        trimmed.append({**passage, "text": text})
    return trimmed
