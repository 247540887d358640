"""Several processes answering from one index on a real Chroma server (HTX_CHROMA_URL): `chroma run`
started by the test on 127.0.0.1, `htxbot serve` replicas with data folders of their own, a third
process ingesting, one PostgreSQL for the feedback; and the Chroma server stopped and started again
while the replicas run."""

from __future__ import annotations

import contextlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.database import open_database
from bot.feedback import FeedbackStore
from bot.settings import Settings
from bot.web.errors import STORE_DOWN
from bot.wiring import build_services
from retrieval.index import Index
from retrieval.store import ChromaServerConfig
from tests.helpers.chroma import ChromaServer, running_chroma
from tests.helpers.processes import clean_env, run_module
from tests.helpers.serving import Served, htxbot_serve

QUESTION = "Huyện Ba Bể có bao nhiêu hợp tác xã?"
ARTICLE = (
    "Kinh tế tập thể ở Ba Bể\nĐến hết năm 2021, huyện Ba Bể có 37 hợp tác xã đang hoạt động, "
    "thu hút hơn 600 thành viên.\n"
)
VISIBLE_WITHIN_S = 5.0


@pytest.fixture(scope="module")
def chroma(tmp_path_factory) -> Iterator[ChromaServer]:
    """One Chroma server for the module; each test uses a database of its own on it."""
    with running_chroma(tmp_path_factory.mktemp("chroma") / "server") as server:
        yield server


def test_the_default_is_the_embedded_chroma_and_a_server_url_is_checked(tmp_path, closing):
    services = closing(build_services(Settings(data_dir=tmp_path / "data", embedder="none")))
    assert services.settings.chroma_url == "" and services.index.parts.server is None
    with pytest.raises(ValueError, match="Chroma server's http:// or https:// URL"):
        Settings(chroma_url="127.0.0.1:8100")
    settings = Settings(chroma_url="http://chroma:8000/", chroma_token="s3cret")  # type: ignore[arg-type]
    assert settings.chroma_url == "http://chroma:8000" and "s3cret" not in repr(settings)


def test_a_replica_holds_what_the_writer_published_and_follows_its_changes(chroma, seeds_copy, tmp_path, closing):
    """In-process (BM25 only, fast): documents, chunks and statistics rows of a replica with an empty
    folder equal the writer's; an update and a removal by the writer reach it; a writer with a new
    folder starts from the server's documents (nothing is added twice)."""
    server = ChromaServerConfig(chroma.url, database="replica_follows")
    writer = closing(Index(tmp_path / "writer", None, server=server))
    assert writer.ingest([seeds_copy]).added == 5

    replica = closing(Index(tmp_path / "replica", None, server=server))
    replica.RELOAD_CHECK_S = 0.0  # look at every call (the default is every 2 s)
    assert not replica.is_empty()
    assert replica.documents() == writer.documents()
    assert [c for d, _ in replica.documents() for c in replica.catalog.document_chunks(d.id)] == [
        c for d, _ in writer.documents() for c in writer.catalog.document_chunks(d.id)
    ]
    assert replica.stats() == writer.stats() and len(replica.stats()) > 20
    question = "Huyện Chợ Đồn có bao nhiêu HTX?"
    assert replica.search(question, 5) == writer.search(question, 5)

    # the writer changes one article and loses another
    [changed] = seeds_copy.glob("002_*.txt")
    changed.write_text(changed.read_text(encoding="utf-8").replace("42 HTX", "43 HTX"), encoding="utf-8")
    [gone] = seeds_copy.glob("003_*.txt")
    gone.unlink()
    report = writer.ingest([seeds_copy])
    assert (report.updated, report.removed) == (1, 1)
    assert [d.id for d, _ in replica.documents()] == [d.id for d, _ in writer.documents()]
    assert len(replica.documents()) == 4
    assert "43 HTX" in replica.search(question, 1)[0].text
    assert not [row for row in replica.stats() if row.doc_id.endswith(gone.name)]
    assert replica.stats() == writer.stats()

    # a writer on another machine (a new folder) starts from the server's documents
    other = closing(Index(tmp_path / "other-writer", None, server=server))
    again = other.ingest([seeds_copy])
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 4, 0)


def _ask(replica: Served, question: str = QUESTION, timeout: float = 30) -> httpx.Response:
    return httpx.post(replica.url + "/api/ask", json={"question": question}, timeout=timeout)


def _answers_from_the_new_article(replica: Served) -> bool:
    response = _ask(replica)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["found"] and "37" in body["answer"] and body["citations"][0]["source"] == "ba-be"


@pytest.mark.slow
def test_two_replicas_answer_from_one_chroma_server_and_one_database(chroma, postgres_server, seeds_copy, tmp_path):
    """The default embedder (its vectors on the server): an ingest by a third process reaches both
    replicas within 5 s; feedback given to one is stored where the other reads it; Chroma stopped
    mid-test gives 503 (every process stays up) and answers come back when it is started again."""
    database_url = postgres_server.new_database()
    common = {"HTX_CHROMA_URL": chroma.url, "HTX_CHROMA_DATABASE": "two_replicas", "ANONYMIZED_TELEMETRY": "False"}

    def htxbot_ingest(data_dir: Path, *paths: Path) -> None:
        env = clean_env(HTX_DATA_DIR=str(data_dir), **common)
        done = run_module("bot.cli", "ingest", *map(str, paths), env=env, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr

    htxbot_ingest(tmp_path / "writer", seeds_copy)
    settings = {
        "embedder": "e5-engine",
        "chroma_url": chroma.url,
        "chroma_database": "two_replicas",
        "database_url": database_url,
        "log_level": "INFO",
    }
    with contextlib.ExitStack() as stack:
        replicas = [
            stack.enter_context(htxbot_serve(tmp_path / f"replica-{n}", tmp_path / f"replica-{n}.log", **settings))
            for n in (1, 2)
        ]
        for replica in replicas:  # each built its cache from the server at start
            answer = _ask(replica, "Huyện Chợ Đồn có bao nhiêu HTX?").json()
            assert "42" in answer["answer"] and answer["citations"], answer
            ready = httpx.get(replica.url + "/readyz", timeout=10).json()
            assert ready["status"] == "ready", ready
            assert ready["checks"]["vector_store"]["detail"] == f"23 vectors on the Chroma server {chroma.url}"
            assert not _answers_from_the_new_article(replica)

        # a third process ingests a new article, from a folder of its own
        extra = tmp_path / "new"
        extra.mkdir()
        (extra / "ba-be.txt").write_text(ARTICLE, encoding="utf-8")
        htxbot_ingest(tmp_path / "third", extra)
        ingested = time.monotonic()
        waiting = set(range(len(replicas)))
        while waiting and time.monotonic() - ingested < VISIBLE_WITHIN_S:
            waiting -= {n for n in waiting if _answers_from_the_new_article(replicas[n])}
            time.sleep(0.2)
        assert not waiting, f"replicas {sorted(waiting)} did not answer from the new article within 5 s"
        dense = httpx.get(replicas[1].url + "/readyz", timeout=10).json()["checks"]["vector_store"]["detail"]
        assert dense.startswith("24 vectors")

        # feedback through one replica, then the other: one database holds both, in order
        rating = {"session_id": "r", "question": QUESTION, "answer": "37 HTX", "rating": "up"}
        first = httpx.post(replicas[0].url + "/api/feedback", json={**rating, "comment": "qua bản sao 1"}, timeout=10)
        second = httpx.post(replicas[1].url + "/api/feedback", json={**rating, "comment": "qua bản sao 2"}, timeout=10)
        assert first.status_code == second.status_code == 201, first.text + second.text
        assert second.json()["id"] == first.json()["id"] + 1
        database = open_database(Settings(database_url=database_url))
        try:
            assert [f.comment for f in FeedbackStore(database).all()] == ["qua bản sao 1", "qua bản sao 2"]
        finally:
            database.close()

        # the Chroma server goes away: 503 with a message, /readyz names the server, nobody dies
        chroma.stop()
        for replica in replicas:
            response = _ask(replica)
            assert response.status_code == 503, response.text
            assert response.json()["detail"] == STORE_DOWN and response.headers["Retry-After"] == "30"
            ready = httpx.get(replica.url + "/readyz", timeout=10)
            assert ready.status_code == 503 and "vector_store" in ready.json()["not_ready"]
            detail = ready.json()["checks"]["vector_store"]["detail"]
            assert f"the Chroma server {chroma.url} (" in detail and "start the server" in detail, detail
        assert all(replica.process.poll() is None for replica in replicas)
        log = replicas[0].log.read_text(errors="replace")
        assert "answered 503: cannot " in log and f"the Chroma server {chroma.url} (" in log

        # ... and comes back on the same port and folder: answers go on without a restart
        chroma.start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _ask(replicas[0]).status_code != 200:
            time.sleep(0.2)
        for replica in replicas:
            assert _answers_from_the_new_article(replica)
            assert httpx.get(replica.url + "/readyz", timeout=10).status_code == 200
        assert all(replica.process.poll() is None for replica in replicas)


def test_an_embedded_index_is_published_by_its_first_ingest_against_an_empty_server(
    chroma, lexical_seeded_dir, tmp_path, closing
):
    """A data folder used before without a server: pointed at a new, empty one, it keeps answering
    from its own index, and its next ingest (nothing changed) puts that index on the server."""
    data = tmp_path / "data"
    shutil.copytree(lexical_seeded_dir, data)
    server = ChromaServerConfig(chroma.url, database="migrated")
    index = closing(Index(data, None, server=server))
    assert not index.is_empty()
    report = index.ingest_documents([])
    assert (report.added, report.removed) == (0, 0)
    replica = closing(Index(tmp_path / "replica", None, server=server))
    assert replica.documents() == index.documents()
