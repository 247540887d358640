"""Concurrent clients against the real app under uvicorn on 127.0.0.1, with the real default embedder."""

import threading

import httpx
import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.wiring import build_services
from tests.helpers.data import load_questions
from tests.live_server import live_server

pytestmark = pytest.mark.slow


def test_concurrent_clients_all_get_their_answers(seeded_data_dir, closing):
    services = closing(build_services(Settings(data_dir=seeded_data_dir, rate_limit="1000/minute")))
    lookups = [q for q in load_questions() if q["kind"] == "lookup"][:6]
    outcomes: list[tuple[str, int, str]] = []
    lock = threading.Lock()
    # Start-up loads the index and the model first.
    with live_server(create_app(services)) as url:

        def client(n: int) -> None:
            # Each client starts on a different question: the first wave embeds six queries at once.
            with httpx.Client(base_url=url, timeout=60) as http:
                for i in range(len(lookups)):
                    q = lookups[(n + i) % len(lookups)]
                    response = http.post("/api/ask", json={"question": q["question"]})
                    with lock:
                        outcomes.append((q["id"], response.status_code, response.json().get("answer", "")))

        workers = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=120)
    assert len(outcomes) == 36
    expected = {q["id"]: q["expect"]["facts"] for q in lookups}
    for qid, status, answer in outcomes:
        assert status == 200, (qid, answer)
        assert all(any(v in answer for v in fact) for fact in expected[qid]), (qid, answer)
