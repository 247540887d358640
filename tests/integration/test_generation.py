"""LLM answers through the real LangChain client against a fake OpenAI-compatible server."""

from __future__ import annotations

import importlib.util
import json
import socket
import time

import httpx
import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.wiring import build_services
from prompts import REFUSAL
from retrieval.answering import resolve_followup
from retrieval.generation import LLMAnswerer
from tests.fake_openai import FakeOpenAI
from tests.helpers.data import QUESTIONS, SHARED, load_questions
from tests.helpers.llm import numbered_passages
from tests.helpers.web import parse_sse


@pytest.fixture
def data_dir(lexical_seeded_dir):
    """The seeds indexed for BM25 only, shared with the web API tests."""
    return lexical_seeded_dir


@pytest.fixture
def llm_services(data_dir, closing):
    """Return ``llm_services(base_url, **settings)``: LLM-mode services over ``data_dir``, closed at the end."""

    def make(base_url, **overrides):
        settings = dict(
            data_dir=data_dir,
            embedder="none",
            answerer="llm",
            llm_provider="openai",
            llm_model="fake-model",
            llm_base_url=base_url,
            llm_timeout=5,
        )
        settings.update(overrides)
        return closing(build_services(Settings(**settings)))

    return make


def echo_script(extractive):
    """A model that writes the extractive answer, citing the passages by the prompt's numbers."""

    def script(messages):
        prompt = messages[-1]["content"]
        if "Câu hỏi độc lập" in prompt:
            question = prompt.split("Câu hỏi tiếp theo:", 1)[1].split("\n")[0].strip()
            history = [
                {"role": "user", "content": line.split(":", 1)[1].strip()}
                for line in prompt.split("Cuộc trò chuyện:", 1)[1].split("Câu hỏi tiếp theo:")[0].splitlines()
                if line.startswith("Người hỏi:")
            ]
            return resolve_followup(question, history)
        question = prompt.rsplit("Câu hỏi:", 1)[1].strip()
        answer = extractive.answer(question)
        if not answer.found:
            return REFUSAL
        passages = numbered_passages(prompt)
        text = answer.text
        for old, citation in enumerate(answer.citations, 1):
            # A quote of two sentences may lie across two of the prompt's (overlapping) passages:
            # the model cites the one that holds its first sentence.
            first = citation.quote.split(". ")[0]
            new = next((n for n, block in passages.items() if citation.quote in " ".join(block.split())), None)
            new = new or next((n for n, block in passages.items() if first in " ".join(block.split())), None)
            if new is None:
                return REFUSAL
            text = text.replace(f"[{old}]", f"[#{new}]")
        return text.replace("[#", "[")

    return script


def test_grounded_answer_passes_and_keeps_its_citations(llm_services):
    def script(messages):
        passages = numbered_passages(messages[-1]["content"])
        n = next(n for n, text in passages.items() if "42 HTX" in text)
        return f"Hiện nay, huyện Chợ Đồn có 42 HTX [{n}]."

    with FakeOpenAI(script) as fake:
        services = llm_services(fake.base_url)
        answer = services.answerer.answer("Huyện Chợ Đồn có bao nhiêu HTX?")
    assert isinstance(services.answerer, LLMAnswerer)
    assert answer.found and answer.text == "Hiện nay, huyện Chợ Đồn có 42 HTX [1]."
    assert answer.citations[0].source == "002_91a2d2410e5d0829" and "42 HTX" in answer.citations[0].quote
    system = fake.requests[0]["messages"][0]["content"]
    assert "Chỉ trả lời dựa trên các đoạn trích" in system and REFUSAL in system
    assert fake.requests[0]["model"] == "fake-model"


@pytest.mark.parametrize(
    "reply, problem",
    [
        ("Huyện Chợ Đồn có 45 HTX [1].", "number 45"),
        ("Huyện Chợ Đồn có 42 HTX [7].", "cites [7] but 5 passages"),
        ("Huyện Chợ Đồn có 42 HTX.", "without citing"),
    ],
)
def test_ungrounded_answers_fall_back_to_the_extractive_one(reply, problem, llm_services):
    with FakeOpenAI(lambda messages: reply) as fake:
        services = llm_services(fake.base_url)
        answer = services.answerer.answer("Huyện Chợ Đồn có bao nhiêu HTX?")
        stats = services.answerer.stats
    assert answer.text.startswith("Hiện nay, huyện Chợ Đồn có 42 HTX [1].")  # the extractive answer
    assert stats.guard_violations == 1 and any(problem in v for v in stats.last_violations)


def test_model_refusal_is_kept(llm_services):
    with FakeOpenAI(lambda messages: REFUSAL) as fake:
        services = llm_services(fake.base_url)
        answer = services.answerer.answer("Thời tiết ở Bắc Kạn thế nào?")
    assert not answer.found and not answer.citations and answer.text == REFUSAL


def test_server_down_slow_or_failing_gives_the_extractive_answer(llm_services):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
    services = llm_services(closed)
    started = time.monotonic()
    answer = services.answerer.answer("Huyện Chợ Đồn có bao nhiêu HTX?")
    assert "42" in answer.text and answer.found and time.monotonic() - started < 5
    assert services.answerer.stats.llm_failures == 1

    with FakeOpenAI(lambda m: "Huyện Chợ Đồn có 42 HTX [1].", delay_s=3) as fake:
        services = llm_services(fake.base_url, llm_timeout=1)
        started = time.monotonic()
        answer = services.answerer.answer("Huyện Chợ Đồn có bao nhiêu HTX?")
        elapsed = time.monotonic() - started
    assert "42" in answer.text and elapsed < 2.9

    with FakeOpenAI(lambda m: "x", status=500) as fake:
        services = llm_services(fake.base_url)
        answer = services.answerer.answer("Huyện Chợ Đồn có bao nhiêu HTX?")
    assert "42" in answer.text


def test_followups_use_the_condense_prompt(data_dir, llm_services, closing):
    extractive = closing(build_services(Settings(data_dir=data_dir, embedder="none")))
    with FakeOpenAI(echo_script(extractive.answerer)) as fake:
        services = llm_services(fake.base_url)
        answer = services.answerer.answer(
            "Còn thành phố Bắc Kạn thì sao?",
            [
                {"role": "user", "content": "Huyện Chợ Đồn có bao nhiêu HTX?"},
                {"role": "assistant", "content": "Hiện nay, huyện Chợ Đồn có 42 HTX [1]."},
            ],
        )
    assert any("Câu hỏi độc lập" in p and "Huyện Chợ Đồn có bao nhiêu HTX?" in p for p in fake.prompts())
    assert answer.standalone_question == "thành phố Bắc Kạn có bao nhiêu HTX?"
    assert "44" in answer.text and answer.citations[0].source == "000_4dc8dd3662837aa8"


async def test_streamed_tokens_reach_an_sse_client(llm_services):
    def script(messages):
        passages = numbered_passages(messages[-1]["content"])
        n = next(n for n, text in passages.items() if "1.750" in text)
        return f"Đến hết tháng 6/2017, tỉnh Lạng Sơn có 1.750 tổ hợp tác [{n}]."

    with FakeOpenAI(script) as fake:
        services = llm_services(fake.base_url)
        app = create_app(services)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            async with client.stream(
                "POST", "/api/ask/stream", json={"question": "Đến hết tháng 6/2017 Lạng Sơn có bao nhiêu tổ hợp tác?"}
            ) as r:
                body = "".join([chunk async for chunk in r.aiter_text()])
            metrics = (await client.get("/metrics")).text
    events = parse_sse(body)
    deltas = [data["text"] for name, data in events if name == "delta"]
    assert len(deltas) > 3 and "".join(deltas) == "Đến hết tháng 6/2017, tỉnh Lạng Sơn có 1.750 tổ hợp tác [1]."
    assert "replace" not in [name for name, _ in events]
    assert dict(events)["citations"]["citations"][0]["source"] == "003_2a45a5a69fef1ce9"
    assert fake.requests[-1]["stream"] is True
    assert "htxbot_llm_answers_total 1.0" in metrics


async def test_a_guarded_out_stream_is_replaced(llm_services):
    with FakeOpenAI(lambda m: "Huyện Chợ Đồn có 999 HTX [1].") as fake:
        services = llm_services(fake.base_url)
        app = create_app(services)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            async with client.stream("POST", "/api/ask/stream", json={"question": "Chợ Đồn có bao nhiêu HTX?"}) as r:
                body = "".join([chunk async for chunk in r.aiter_text()])
            metrics = (await client.get("/metrics")).text
    events = dict(parse_sse(body))
    assert "999" not in events["replace"]["text"] and "42 HTX" in events["replace"]["text"]
    assert "htxbot_guard_violations_total 1.0" in metrics


def test_dev_set_in_llm_mode_scores_at_least_the_extractive_mode(data_dir, llm_services, closing):
    spec = importlib.util.spec_from_file_location("score", SHARED / "eval" / "score.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    questions = load_questions()
    extractive = closing(build_services(Settings(data_dir=data_dir, embedder="none")))
    baseline = [extractive.answerer.answer(q["question"], q.get("history")).to_result(q["id"]) for q in questions]
    with FakeOpenAI(echo_script(extractive.answerer)) as fake:
        services = llm_services(fake.base_url)
        llm = [services.answerer.answer(q["question"], q.get("history")).to_result(q["id"]) for q in questions]
        stats = services.answerer.stats
    base_score, llm_score = scorer.score(questions, baseline), scorer.score(questions, llm)
    print(
        json.dumps(
            {
                "extractive": base_score["correct"],
                "llm": llm_score["correct"],
                "llm_answers": stats.llm_answers,
                "guard_violations": stats.guard_violations,
            }
        )
    )
    assert llm_score["correct"] >= base_score["correct"], llm_score["wrong"]
    # Echoed extractive answers whose period names a year from earlier in the article (not in the
    # passage) are guarded out and answered extractively: same text, so the score holds.
    assert stats.llm_answers >= 20 and stats.llm_answers + stats.guard_violations == len(questions)
    assert QUESTIONS.exists()
