"""Health and operations of the web app: /readyz, a graceful shutdown on SIGTERM, JSON logs.

/readyz is read over the in-process ASGI client (real index, real Chroma, real database); the
shutdown and the logs of `htxbot serve` are those of a real process on 127.0.0.1, answering
through the real LangChain client from a slow fake OpenAI-compatible server.
"""

from __future__ import annotations

import json
import signal
import socket
import threading
import time

import httpx

from bot.settings import Settings
from bot.web.app import create_app
from bot.wiring import build_services
from tests.fake_openai import FakeOpenAI
from tests.helpers.data import SEEDS
from tests.helpers.embedders import HashEmbedder
from tests.helpers.llm import numbered_passages
from tests.helpers.processes import clean_env, run_module
from tests.helpers.serving import htxbot_serve
from tests.helpers.web import parse_sse

QUESTION = {"question": "Huyện Chợ Đồn có bao nhiêu HTX?"}
CHECKS = ["index", "vector_store", "model", "database"]


async def readyz(services) -> httpx.Response:
    app = create_app(services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get("/readyz")


async def test_readyz_is_200_when_every_part_answers(seeded_services):
    """The real model, the real Chroma of the seeded index, the SQLite database."""
    response = await readyz(seeded_services)
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ready" and body["not_ready"] == [] and list(body["checks"]) == CHECKS
    assert body["checks"]["index"]["detail"] == "5 documents"
    assert body["checks"]["vector_store"]["detail"].endswith(" vectors")
    assert int(body["checks"]["vector_store"]["detail"].split()[0]) == seeded_services.index.catalog.count_chunks()
    assert body["checks"]["model"]["detail"].startswith(seeded_services.index.embedder.key + ": a text embedded in")
    assert response.headers["cache-control"] == "no-store"


async def test_readyz_names_an_empty_index(tmp_path, closing):
    services = closing(build_services(Settings(data_dir=tmp_path / "empty", embedder="none")))
    response = await readyz(services)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready" and body["not_ready"] == ["index"]
    assert body["checks"]["index"] == {"ok": False, "detail": "no document is indexed: run 'htxbot ingest PATH'"}
    assert body["checks"]["vector_store"]["detail"].startswith("not used (HTX_EMBEDDER=none")


async def test_readyz_names_a_damaged_vector_store(tmp_path, closing):
    data_dir = tmp_path / "data"
    services = build_services(Settings(data_dir=data_dir), embedder=HashEmbedder())
    services.index.ingest([SEEDS])
    services.close()
    (data_dir / "chroma" / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    services = closing(build_services(Settings(data_dir=data_dir), embedder=HashEmbedder()))
    response = await readyz(services)
    body = response.json()
    assert response.status_code == 503 and body["not_ready"] == ["vector_store"], body
    assert "cannot be opened" in body["checks"]["vector_store"]["detail"]
    assert body["checks"]["model"]["ok"] and body["checks"]["model"]["detail"].startswith("test/hash-64: a text")


async def test_readyz_names_an_unreachable_database(lexical_seeded_dir, closing):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"postgresql+psycopg://htx:secret-pw@127.0.0.1:{port}/htx"
    services = closing(build_services(Settings(data_dir=lexical_seeded_dir, embedder="none", database_url=url)))
    started = time.monotonic()
    response = await readyz(services)
    assert time.monotonic() - started < 6  # one check's deadline at most, not a hang
    body = response.json()
    assert response.status_code == 503 and body["not_ready"] == ["database"], body
    assert f"127.0.0.1:{port}" in body["checks"]["database"]["detail"]
    assert "secret-pw" not in response.text


def chodon_script(messages):
    """A model that answers the Chợ Đồn question from the passage that holds it."""
    passages = numbered_passages(messages[-1]["content"])
    n = next(n for n, text in passages.items() if "42 HTX" in text)
    return f"Hiện nay, huyện Chợ Đồn có 42 HTX [{n}]."


def test_sigterm_lets_the_answers_in_progress_finish(private_lexical_dir, tmp_path):
    delay_s = 3.0
    log = tmp_path / "serve.log"
    results: dict = {}

    def ask(url):
        results["ask"] = httpx.post(url + "/api/ask", json=QUESTION, timeout=30)

    def stream(url):
        with httpx.stream("POST", url + "/api/ask/stream", json=QUESTION, timeout=30) as response:
            results["stream"] = (response.status_code, response.read().decode())

    llm = {"answerer": "llm", "llm_model": "fake-model", "llm_timeout": "20"}
    with (
        FakeOpenAI(chodon_script, delay_s=delay_s) as fake,
        htxbot_serve(
            private_lexical_dir, log, llm_base_url=fake.base_url, log_format="json", log_level="info", **llm
        ) as served,
    ):
        clients = [threading.Thread(target=f, args=(served.url,)) for f in (ask, stream)]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 15
        while len(fake.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(fake.requests) == 2, "both answers should be waiting for the model"
        served.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        refused, deadline = False, time.monotonic() + 5
        while not refused and time.monotonic() < deadline:
            try:
                httpx.get(served.url + "/healthz", timeout=1)
                time.sleep(0.1)
            except httpx.ConnectError:
                refused = True
        # new connections are refused while the answers in progress are still being written
        assert refused and all(client.is_alive() for client in clients)
        for client in clients:
            client.join(30)
        exit_code = served.process.wait(30)
        stopped = time.monotonic()

    assert exit_code == 0, log.read_text()
    assert stopped - signalled > delay_s - 1  # it waited for the model's answers
    assert results["ask"].status_code == 200
    assert results["ask"].json()["answer"] == "Hiện nay, huyện Chợ Đồn có 42 HTX [1]."
    status, body = results["stream"]
    events = parse_sse(body)
    assert status == 200 and [name for name, _ in events][-1] == "done", body
    assert "".join(data["text"] for name, data in events if name == "delta") == "Hiện nay, huyện Chợ Đồn có 42 HTX [1]."

    records = [json.loads(line) for line in log.read_text().splitlines()]  # every line is one JSON object
    messages = [record["message"] for record in records]
    assert all({"time", "level", "logger", "message"} <= set(record) for record in records)
    answered = [r for r in records if r["logger"] == "uvicorn.access" and r["method"] == "POST"]
    assert sorted((r["path"], r["status"]) for r in answered) == [("/api/ask", 200), ("/api/ask/stream", 200)]
    # the plain answer was sent after the shutdown began (a stream is logged when it starts)
    ask_logged = next(n for n, r in enumerate(records) if r in answered and r["path"] == "/api/ask")
    assert messages.index("Shutting down") < ask_logged
    assert messages[-1].startswith("Finished server process")


def test_the_shutdown_timeout_bounds_the_wait(private_lexical_dir, tmp_path):
    """An answer slower than HTX_SHUTDOWN_TIMEOUT is cut: the model (HTX_LLM_TIMEOUT 5 s, then
    the extractive answer) would have answered after 5 s; the client has its 500 before that, and
    the process ends once the model call has timed out in its thread."""
    log = tmp_path / "serve.log"
    results: dict = {}

    def ask(url):
        try:
            results["ask"] = httpx.post(url + "/api/ask", json=QUESTION, timeout=30)
        except httpx.TransportError as exc:
            results["ask"] = exc

    llm = {"answerer": "llm", "llm_model": "fake-model", "llm_timeout": "5"}
    with (
        FakeOpenAI(chodon_script, delay_s=20) as fake,
        htxbot_serve(private_lexical_dir, log, llm_base_url=fake.base_url, shutdown_timeout="1", **llm) as served,
    ):
        client = threading.Thread(target=ask, args=(served.url,))
        client.start()
        deadline = time.monotonic() + 15
        while not fake.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert fake.requests, "the answer should be waiting for the model"
        served.process.send_signal(signal.SIGTERM)
        signalled = time.monotonic()
        client.join(20)
        cut = time.monotonic()
        exit_code = served.process.wait(20)
    # cut, not answered: uvicorn sends a bare 500 for a request it cancels before its reply began
    assert isinstance(results["ask"], httpx.Response) and results["ask"].status_code == 500, results["ask"]
    assert cut - signalled < 4.5  # HTX_SHUTDOWN_TIMEOUT 1 s + uvicorn's margin of 2 s
    assert "timeout graceful shutdown exceeded" in log.read_text()
    assert exit_code == 0, log.read_text()


def test_json_logs_of_a_command_are_one_object_per_line(tmp_path):
    env = clean_env(HTX_DATA_DIR=str(tmp_path / "d"), HTX_EMBEDDER="none", HTX_LOG_FORMAT="json")
    result = run_module("bot.cli", "sources", env=env | {"HTX_LOG_LEVEL": "info"})
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stderr.splitlines()]
    seeding = next(r for r in records if r["message"].startswith("index is empty: ingesting the seed articles"))
    assert seeding["level"] == "INFO" and seeding["logger"] == "bot.wiring"
    assert all(r["time"].endswith("+00:00") for r in records)
    assert "5 documents" in result.stdout  # the command's own output stays plain text on stdout
    bad = run_module("bot.cli", "sources", env=env | {"HTX_LOG_FORMAT": "xml"})
    assert bad.returncode == 2 and bad.stderr.startswith("error: HTX_LOG_FORMAT: ")
