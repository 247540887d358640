"""A fake Telegram Bot API server on 127.0.0.1: queues updates for getUpdates and records every call.

It can also misbehave like the real one: answer an error status, drop the connection, hold a call
until the test lets it go, or be down altogether (a proxy's HTML 502 page, or dropped connections).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = {
    "id": 999001,
    "is_bot": True,
    "first_name": "HTX Bot",
    "username": "htx_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "reply_parameters",
    "allowed_updates",
    "entities",
    "link_preview_options",
    "scope",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "timeout", "limit", "reply_to_message_id"}
LONG_POLL_CAP_SECONDS = 0.5
# Calls whose only answer is "true".
ACKNOWLEDGED = frozenset(
    {
        "editMessageReplyMarkup",
        "deleteWebhook",
        "setWebhook",
        "setMyCommands",
        "sendChatAction",
        "answerCallbackQuery",
        "close",
    }
)
DROP = "drop"  # close the connection without answering
BAD_GATEWAY_PAGE = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    b"</center><hr><center>nginx/1.18.0</center></body></html>"
)
HOLD_LIMIT_SECONDS = 60.0  # a held call is let go (and dropped) after this even if the test forgets it


def _decode(params: dict[str, str]) -> dict[str, Any]:
    """Turn form values back into what the bot meant: JSON objects and integers where the Bot API has them."""
    decoded: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and key in JSON_FIELDS:
            value = json.loads(value)
        elif isinstance(value, str) and key in INT_FIELDS:
            value = int(value) if value.lstrip("-").isdigit() else value
        decoded[key] = value
    return decoded


def _form_value(part: EmailMessage) -> str | bytes:
    """Return a multipart field: a file's bytes, or a text field as UTF-8 (httpx names no charset)."""
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload if part.get_filename() else payload.decode("utf-8")


class FakeBotApi:
    """The Bot API methods the bot calls, answering like Telegram and keeping (method, params) pairs."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent_message_ids: list[int] = []
        self.tokens: set[str] = set()
        self._updates: list[dict] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._failures: dict[str, list[tuple[int, dict] | str]] = {}
        self._down: str | None = None
        self._held: dict[str, threading.Event] = {}
        self.holding: list[dict[str, Any]] = []  # the parameters of the calls being held now
        self.delivered: list[dict[str, Any]] = []  # sendMessage calls answered with a message
        self.photos: list[bytes] = []  # the files of the sendPhoto calls answered with a message, in order
        self._condition = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- life cycle ----
    def start(self) -> FakeBotApi:
        """Serve on a free port of 127.0.0.1 in a background thread."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving (held calls are let go first)."""
        self.release()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        """Return the base URL to give the bot (the token is appended to it)."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # ---- what the tests do ----
    def push(self, update: dict) -> int:
        """Queue one update (without update_id) for getUpdates; return its update_id."""
        with self._condition:
            update_id = next(self._update_ids)
            self._updates.append({"update_id": update_id, **update})
            self._condition.notify_all()
        return update_id

    def fail_next(self, method: str, status: int, body: dict) -> None:
        """Answer the next call of ``method`` with this HTTP status and JSON body."""
        with self._condition:
            self._failures.setdefault(method, []).append((status, body))

    def drop_next(self, method: str, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without answering (nothing is done)."""
        with self._condition:
            self._failures.setdefault(method, []).extend([DROP] * times)

    def hold_next(self, method: str) -> None:
        """Keep the next call of ``method`` waiting, unanswered, until ``release``; then drop its connection."""
        with self._condition:
            self._held[method] = threading.Event()

    def release(self) -> None:
        """Let every held call go (each is dropped: nothing is done)."""
        with self._condition:
            for event in self._held.values():
                event.set()
            self._held.clear()

    def go_down(self, how: str = DROP) -> None:
        """Answer every call like an unreachable API: ``"drop"`` the connection or a proxy's HTML ``"502"``."""
        if how not in (DROP, "502"):
            raise ValueError(f"go_down: expected 'drop' or '502', got {how!r}")
        with self._condition:
            self._down = how

    def come_back(self) -> None:
        """Answer calls again."""
        with self._condition:
            self._down = None

    def acknowledged(self, update_id: int) -> bool:
        """Tell whether the bot confirmed ``update_id`` (asked getUpdates with a higher offset)."""
        return any((params.get("offset") or 0) > update_id for params in self.calls_of("getUpdates"))

    def delivered_texts(self, chat_id: int | None = None) -> list[str]:
        """Return the texts of the messages actually sent (answered with a message, not failed or dropped)."""
        with self._condition:
            return [c["text"] for c in self.delivered if chat_id is None or c["chat_id"] == chat_id]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Return the parameters of every call of ``method`` so far."""
        with self._condition:
            return [params for name, params in self.calls if name == method]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Return the texts of the sendMessage calls (to one chat when given)."""
        return [c["text"] for c in self.calls_of("sendMessage") if chat_id is None or c["chat_id"] == chat_id]

    async def wait_for(self, condition: Callable[[], Any], timeout: float = 20.0) -> Any:
        """Poll ``condition`` until it is truthy and return it; fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            await asyncio.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s; calls: {[name for name, _ in self.calls]}")

    # ---- the server side ----
    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, dict | bytes] | str:
        """Answer one Bot API call: (status, JSON body or raw bytes), or ``DROP`` to close the connection."""
        with self._condition:
            self.tokens.add(token)
            self.calls.append((method, params))
            if self._down == DROP:
                return DROP
            if self._down == "502":
                return 502, BAD_GATEWAY_PAGE
            failures = self._failures.get(method)
            if failures:
                return failures.pop(0)
            held = self._held.pop(method, None)
            if held is not None:
                self.holding.append(params)
        if held is not None:
            held.wait(HOLD_LIMIT_SECONDS)
            with self._condition:
                self.holding.remove(params)
            return DROP
        if method in ACKNOWLEDGED:
            return 200, {"ok": True, "result": True}
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}
        return 200, {"ok": True, "result": handler(params)}

    def _api_getMe(self, params: dict) -> dict:
        return BOT_USER

    def _api_getUpdates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), LONG_POLL_CAP_SECONDS)
        with self._condition:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if not self._updates and wait > 0:
                self._condition.wait(wait)
            return list(self._updates)

    def _message(self, params: dict) -> dict:
        chat_id = params["chat_id"]
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "text": params.get("text", ""),
        }

    def _api_sendMessage(self, params: dict) -> dict:
        sent = self._message(params)
        with self._condition:
            self.sent_message_ids.append(sent["message_id"])
            self.delivered.append(params)
        return sent

    def _api_sendPhoto(self, params: dict) -> dict:
        photo = params.get("photo")
        sent = {
            **self._message(params),
            "photo": [{"file_id": f"photo{len(self.photos)}", "file_unique_id": "u", "width": 800, "height": 500}],
        }
        del sent["text"]
        if params.get("caption"):
            sent["caption"] = params["caption"]
        with self._condition:
            self.sent_message_ids.append(sent["message_id"])
            if isinstance(photo, bytes):  # an upload (multipart), not a file_id or URL
                self.photos.append(photo)
        return sent

    def _api_editMessageText(self, params: dict) -> dict:
        return {**self._message(params), "message_id": params["message_id"]}


def _handler_for(api: FakeBotApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        """Parse a Bot API request (JSON, form-encoded or multipart) and answer it from ``api``."""

        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            self._serve()

        def do_GET(self) -> None:  # noqa: N802
            self._serve()

        def _serve(self) -> None:
            path = self.path.split("?", 1)[0].strip("/")
            token, _, method = path.partition("/")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            params = _decode(self._params(body))
            answer = api.handle(token.removeprefix("bot"), method, params)
            if answer == DROP:
                self.close_connection = True
                return
            status, payload = answer
            html = isinstance(payload, bytes)
            data = payload if html else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html" if html else "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(data)  # the bot may give up on a long poll while stopping

        def _params(self, body: bytes) -> dict[str, str]:
            content_type = self.headers.get("Content-Type", "")
            if not body:
                query = self.path.partition("?")[2]
                return {k: v[-1] for k, v in parse_qs(query).items()}
            if content_type.startswith("application/json"):
                return json.loads(body)
            if content_type.startswith("multipart/form-data"):
                message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
                return {
                    part.get_param("name", header="content-disposition"): _form_value(part)
                    for part in message.iter_parts()
                }
            return {k: v[-1] for k, v in parse_qs(body.decode()).items()}

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — keep test output quiet
            pass

    return Handler
