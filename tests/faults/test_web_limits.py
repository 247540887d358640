"""Anonymous clients cannot exhaust the web API: `htxbot serve` run for real on 127.0.0.1, BM25 only.

Each test starts its own `htxbot serve` in a subprocess (about a second with HTX_EMBEDDER=none), so
the uvicorn options the serve command passes are the ones under test, and stops it at the end.
Every loop is bounded in count and in time.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.helpers.processes import stop
from tests.helpers.serving import wait_healthy
from tests.live_server import free_port

REPO = Path(__file__).resolve().parents[2]
QUESTION = {"question": "Chợ Đồn có bao nhiêu HTX?"}
FEEDBACK = {"session_id": "s1", "question": "Chợ Đồn có bao nhiêu HTX?", "answer": "42 HTX [1]", "rating": "up"}


@contextmanager
def serve(private_lexical_dir: Path, **settings: str) -> Iterator[tuple[str, int]]:
    """Run `htxbot serve` with HTX_* ``settings`` and yield (base URL, port); stopped on exit."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("HTX_")}
    env.update(
        {
            "HTX_DATA_DIR": str(private_lexical_dir),
            "HTX_EMBEDDER": "none",
            "HTX_HOST": "127.0.0.1",
            "HTX_PORT": str(port),
            "HTX_LOG_LEVEL": "WARNING",
            "ANONYMIZED_TELEMETRY": "False",
            "PYTHONPATH": str(REPO),
        }
    )
    env.update({f"HTX_{name.upper()}": value for name, value in settings.items()})
    process = subprocess.Popen(
        [sys.executable, "-c", "from bot.cli import main; main()", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(url, process, 30):
            why = process.stderr.read().decode()[-2000:] if process.poll() is not None else "timeout"
            pytest.fail(f"htxbot serve did not start: {why}")
        yield url, port
    finally:
        stop(process)
        process.stderr.close()


def read_reply(sock: socket.socket, within: float) -> tuple[int | None, dict | str, bool]:
    """Read what the server sends within ``within`` seconds: (status, body, whether it closed)."""
    data, closed = b"", False
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sock], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        try:
            piece = sock.recv(65536)
        except ConnectionResetError:
            closed = True
            break
        if not piece:
            closed = True
            break
        data += piece
        head, _, body = data.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            None,
        )
        if length is not None and len(body) >= length and not closed:
            # The whole reply is here; wait briefly to see whether the server also closes.
            ready, _, _ = select.select([sock], [], [], 0.5)
            if ready:
                try:
                    closed = sock.recv(1) == b""
                except ConnectionResetError:
                    closed = True
            break
    if not data:
        return None, "", closed
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    try:
        return status, json.loads(body), closed
    except ValueError:
        return status, body.decode(errors="replace"), closed


def test_a_declared_oversized_body_is_refused_before_it_is_read(private_lexical_dir):
    with (
        serve(private_lexical_dir, max_body_bytes="65536") as (_, port),
        socket.create_connection(("127.0.0.1", port), timeout=5) as sock,
    ):
        # 200 MB announced, not one byte of it sent: the answer must come from the headers alone.
        sock.sendall(
            b"POST /api/feedback HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200000000\r\n\r\n"
        )
        status, body, closed = read_reply(sock, within=3)
    assert status == 413, body
    assert "200000000 bytes" in body["detail"] and "65536" in body["detail"] and "shorter" in body["detail"]
    assert closed


def test_a_chunked_body_is_counted_while_it_streams(private_lexical_dir):
    piece = b"a" * 65536
    chunk = b"%x\r\n" % len(piece) + piece + b"\r\n"
    total, sent = 8 * 1024 * 1024, 0
    with (
        serve(private_lexical_dir, max_body_bytes="65536") as (_, port),
        socket.create_connection(("127.0.0.1", port), timeout=5) as sock,
    ):
        sock.sendall(
            b"POST /api/feedback HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        deadline = time.monotonic() + 10
        while sent < total and time.monotonic() < deadline:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered
            try:
                sock.sendall(chunk)
            except OSError:
                break  # the server has closed the connection
            sent += len(piece)
        else:
            if sent >= total:
                sock.sendall(b"0\r\n\r\n")
        status, body, _ = read_reply(sock, within=3)
    assert status == 413, body
    assert "65536" in body["detail"]
    assert sent < total


def test_feedback_posts_are_rate_limited(private_lexical_dir):
    with (
        serve(private_lexical_dir, feedback_rate_limit="3/minute") as (url, _),
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        replies = [http.post("/api/feedback", json=FEEDBACK) for _ in range(4)]
    assert [r.status_code for r in replies] == [201, 201, 201, 429]
    limited = replies[-1]
    assert int(limited.headers["Retry-After"]) > 0
    assert "feedback" in limited.json()["detail"] and "try again" in limited.json()["detail"]


def test_ask_and_stream_count_against_one_limit(private_lexical_dir):
    with serve(private_lexical_dir, rate_limit="3/minute") as (url, _), httpx.Client(base_url=url, timeout=10) as http:
        codes = []
        for path in ("/api/ask", "/api/ask/stream", "/api/ask", "/api/ask/stream", "/api/ask"):
            reply = http.post(path, json=QUESTION)
            codes.append(reply.status_code)
    assert codes == [200, 200, 200, 429, 429]
    assert "try again" in reply.json()["detail"]


def test_forwarded_for_counts_only_from_a_trusted_proxy(private_lexical_dir):
    with serve(private_lexical_dir, rate_limit="2/minute", trusted_proxies='["127.0.0.2"]') as (url, _):
        # A client on 127.0.0.1 (not a trusted proxy) cannot pose as many by changing the header.
        with httpx.Client(base_url=url, timeout=10) as direct:
            spoofed = [
                direct.post("/api/ask", json=QUESTION, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
                for n in range(1, 4)
            ]
        # Behind the trusted proxy on 127.0.0.2, each forwarded address is its own client.
        proxy = httpx.HTTPTransport(local_address="127.0.0.2")
        with httpx.Client(base_url=url, timeout=10, transport=proxy) as proxied:
            forwarded = [
                proxied.post("/api/ask", json=QUESTION, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
                for n in range(1, 4)
            ]
    assert spoofed == [200, 200, 429]
    assert forwarded == [200, 200, 200]


def trickle(sock: socket.socket, data: bytes, seconds: float) -> tuple[int | None, dict | str, bool, float]:
    """Send ``data`` one byte every 0.2 s (at most ``seconds``), stopping when the server answers."""
    started = time.monotonic()
    for byte in data:
        if time.monotonic() - started > seconds:
            break
        if select.select([sock], [], [], 0.2)[0]:
            break
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            break
    status, body, closed = read_reply(sock, within=max(0.5, seconds - (time.monotonic() - started)))
    return status, body, closed, time.monotonic() - started


def test_slow_headers_are_cut_off(private_lexical_dir):
    slow = b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + b"x" * 100 + b"\r\n\r\n"
    with serve(private_lexical_dir, read_timeout="1") as (_, port):
        # A fresh connection that never finishes its headers (one byte every 0.2 s) ...
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            status, body, closed, took = trickle(sock, slow, seconds=4)
        assert status == 408 and closed and took < 3, (status, body, took)
        assert "within 1 s" in body["detail"] and "try again" in body["detail"]
        # ... and one kept alive after a finished request, which then starts the next one slowly.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            assert read_reply(sock, within=3)[0] == 200
            status, body, closed, took = trickle(sock, slow, seconds=4)
        assert status == 408 and closed and took < 3, (status, body, took)
        # A connection that sends nothing at all is closed without a reply.
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            status, body, closed = read_reply(sock, within=3)
        assert status is None and closed


def test_a_stalled_body_is_cut_off(private_lexical_dir):
    with (
        serve(private_lexical_dir, read_timeout="1") as (_, port),
        socket.create_connection(("127.0.0.1", port), timeout=5) as sock,
    ):
        started = time.monotonic()
        sock.sendall(
            b"POST /api/feedback HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"session_id"'
        )
        status, body, closed = read_reply(sock, within=4)
        took = time.monotonic() - started
    assert status == 408 and closed and took < 3, (status, body, took)


def test_answers_carry_trimmed_passages(private_lexical_dir):
    with (
        serve(private_lexical_dir, api_max_passage_chars="120", api_max_passages="3") as (url, _),
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        reply = http.post("/api/ask", json=QUESTION)
    body = reply.json()
    assert reply.status_code == 200 and body["found"] and "42" in body["answer"]
    assert 1 <= len(body["passages"]) <= 3
    assert all(len(p["text"]) <= 120 for p in body["passages"])
    assert any(p["text"].endswith("…") for p in body["passages"])


def test_a_malformed_trusted_proxy_is_named_at_start_up():
    from bot.settings import Settings
    from bot.web.server import server_options
    from retrieval.errors import HtxError

    with pytest.raises(HtxError, match=r"'10\.0\.0\.300' is not an IP address or network"):
        server_options(Settings(trusted_proxies=["127.0.0.1", "10.0.0.300"]))
    options = server_options(Settings(trusted_proxies=["10.0.0.0/8"]))
    assert options["proxy_headers"] and options["forwarded_allow_ips"] == ["10.0.0.0/8"]
    assert not server_options(Settings())["proxy_headers"]


def test_trimmed_passages_end_on_a_word_with_an_ellipsis():
    from bot.web.limits import trim_passages

    passages = [{"chunk_id": f"a#{n}", "text": "Huyện Chợ Đồn có 42 hợp tác xã đang hoạt động. " * 5} for n in range(4)]
    trimmed = trim_passages(passages, max_passages=2, max_chars=60)
    assert [p["chunk_id"] for p in trimmed] == ["a#0", "a#1"]
    assert trimmed[0]["text"] == "Huyện Chợ Đồn có 42 hợp tác xã đang hoạt động. Huyện Chợ…"
    assert trim_passages([{"text": "ngắn"}], 10, 60) == [{"text": "ngắn"}]
