"""How `htxbot serve` runs the app under uvicorn: a deadline for slow clients, which proxies to trust,
graceful shutdown, and uvicorn's logs in the configured format."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from typing import Any

from bot.settings import Settings
from retrieval.errors import ConfigError

log = logging.getLogger(__name__)

SHUTDOWN_MARGIN_S = 2  # uvicorn's wait beyond the streams' own, so that it never cuts one first


def _timeout_reply(seconds: float) -> bytes:
    body = json.dumps(
        {
            "detail": f"The request was not received in full within {seconds:g} s; "
            "send the whole request at once and try again."
        }
    ).encode()
    return (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body
    )


def with_read_deadline(protocol: type[asyncio.Protocol], seconds: float) -> type[asyncio.Protocol]:
    """Return ``protocol`` (uvicorn's h11 or httptools one) with a deadline for receiving each request.

    uvicorn has no such timeout: its keep-alive timer is cancelled by every byte received, so a
    client sending one byte at a time holds a connection for ever. Here the clock starts when a
    request begins (the connection opens, or data arrives on an idle kept-alive one) and stops once
    headers and body are in; the answer itself, a stream included, is not timed. When it runs out
    the connection is closed, after a 408 when part of a request had come (one that sent nothing,
    such as a browser's preconnect, is closed silently)."""

    class ReadDeadline(protocol):  # type: ignore[misc, valid-type]
        _deadline: asyncio.TimerHandle | None = None
        _partial = False

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self._arm()

        def data_received(self, data: bytes) -> None:
            if self._deadline is None and self._idle():
                self._arm()  # the next request on a kept-alive connection starts arriving
            self._partial = True
            super().data_received(data)
            cycle = self.cycle
            if cycle is not None and not cycle.response_complete and not cycle.more_body:
                self._disarm()  # headers and body are in

        def on_response_complete(self) -> None:
            self._disarm()
            super().on_response_complete()

        def handle_websocket_upgrade(self, *args: Any) -> None:
            self._disarm()
            super().handle_websocket_upgrade(*args)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _idle(self) -> bool:
            return self.cycle is None or self.cycle.response_complete

        def _arm(self) -> None:
            self._disarm()
            self._partial = False
            self._deadline = self.loop.call_later(seconds, self._expire)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _expire(self) -> None:
            self._deadline = None
            if self.transport.is_closing():
                return
            log.info("closing a connection from %s: no whole request within %g s", self.client, seconds)
            if self._partial and (self._idle() or not self.cycle.response_started):
                self.transport.write(_timeout_reply(seconds))
            self.transport.close()

    ReadDeadline.__name__ = ReadDeadline.__qualname__ = f"ReadDeadline{protocol.__name__}"
    return ReadDeadline


def server_options(settings: Settings, host: str | None = None, port: int | None = None) -> dict[str, Any]:
    """The uvicorn options `htxbot serve` runs the app with (keyword arguments of ``uvicorn.run``)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    trusted = settings.trusted_proxies
    for entry in trusted:
        try:
            if entry != "*":
                ipaddress.ip_network(entry, strict=False)
        except ValueError:
            # uvicorn would keep a malformed entry as a literal that never matches, silently.
            raise ConfigError(
                f"HTX_TRUSTED_PROXIES: {entry!r} is not an IP address or network; "
                'expected a JSON list such as ["127.0.0.1", "10.0.0.0/8"]'
            ) from None
    return {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": settings.log_level.lower(),
        # JSON logs: uvicorn's records go to the root logger's JSON handler (bot.logs), not its own.
        **({"log_config": None} if settings.log_format == "json" else {}),
        # On SIGTERM uvicorn stops accepting connections and waits for the answers in progress; a
        # stream gets shutdown_timeout from sse-starlette (routes.ask_stream), uvicorn a little more.
        "timeout_graceful_shutdown": settings.shutdown_timeout + SHUTDOWN_MARGIN_S,
        "http": with_read_deadline(AutoHTTPProtocol, settings.read_timeout),
        "timeout_keep_alive": settings.keep_alive_timeout,
        # X-Forwarded-For is read only from the listed proxies; with none, not at all (uvicorn's own
        # default would trust it from 127.0.0.1, i.e. from anything behind a local proxy).
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": trusted or None,
    }
