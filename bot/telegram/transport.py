"""The HTTP side of the Bot API: calls that failed for a passing reason are tried again; error pages
that are not JSON are reported without a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import AIORateLimiter
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)

MAX_PAUSE_SECONDS = 30.0
# Cosmetic calls: a "typing…" that did not show is not worth making the answer wait.
NOT_RETRIED = frozenset({"sendChatAction"})
DESCRIPTION_CHARS = 200


def is_transient(error: Exception) -> bool:
    """Tell whether a failed Bot API call may succeed if made again: a 5xx answer, a refused, dropped
    or timed-out connection. A 400 (BadRequest, a NetworkError in PTB), 403 or 409 will not."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


def describe(error: BaseException) -> str:
    """Return a one-line description of an error: its class and its message, cut short."""
    text = " ".join(str(error).split())
    if len(text) > DESCRIPTION_CHARS:
        text = text[:DESCRIPTION_CHARS] + "…"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's flood limits and 429 retries (AIORateLimiter), plus up to ``retries`` more tries of a
    call that failed for a passing reason (see is_transient), after pauses of ``first_pause`` seconds
    doubled each time (at most 30 s). getUpdates does not pass here: the Updater retries it itself.

    Telegram has no idempotency key: a 5xx or a dropped connection *after* Telegram delivered a
    message cannot be told from one before, so a retry may then show a message twice. A rare
    duplicate is preferred to a lost answer; a refused connection (the usual outage) sent nothing.
    """

    def __init__(self, *, retries: int, first_pause: float, max_retries_429: int) -> None:
        super().__init__(max_retries=max_retries_429)
        self.retries = retries
        self.first_pause = first_pause

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Make the call through the flood limiter; make it again after a transient failure."""
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except TelegramError as exc:
                if not is_transient(exc) or endpoint in NOT_RETRIED or attempt >= self.retries:
                    raise
                attempt += 1
                pause = min(MAX_PAUSE_SECONDS, self.first_pause * 2 ** (attempt - 1))
                log.warning(
                    "%s failed (%s); trying again in %.1f s (%d of %d)",
                    endpoint,
                    describe(exc),
                    pause,
                    attempt,
                    self.retries,
                )
                await asyncio.sleep(pause)


class BotApiRequest(HTTPXRequest):
    """PTB's httpx request, except that an answer that is not JSON (a proxy's HTML error page while
    the Bot API is down) raises its error without PTB logging a traceback for it first."""

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Parse the JSON returned by the Bot API; raise TelegramError, quietly, when it is not JSON."""
        try:
            parsed: dict[str, Any] = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise TelegramError("Invalid server response: not JSON") from None
        return parsed
