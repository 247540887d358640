"""The web app: JSON and streaming (SSE) API, sources, feedback, health, metrics, the widget."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.util import get_remote_address
from sse_starlette.sse import EventSourceResponse

from bot.feedback import Feedback
from bot.web.limits import BodySizeLimit, trim_passages
from bot.web.schemas import AskRequest, AskResponse, FeedbackRequest, Health, SourceOut
from bot.wiring import Services
from retrieval.answering import validate_question
from retrieval.errors import HtxError, InputError
from retrieval.models import Answer

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"


class Metrics:
    """Prometheus metrics of one app (its own registry, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("htxbot_requests", "API requests", ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram("htxbot_answer_seconds", "time to answer a question", ["endpoint"],
                                 registry=self.registry,
                                 buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.refusals = Counter("htxbot_refusals", "questions the articles could not answer", registry=self.registry)

    def watch(self, answerer) -> None:
        """Export the LLM answerer's counts (guard violations, model failures) when there is one."""
        stats = getattr(answerer, "stats", None)
        if stats is None:
            return

        class _Collector:
            def collect(self):
                from prometheus_client.core import CounterMetricFamily

                yield CounterMetricFamily("htxbot_llm_answers", "answers written by the LLM", value=stats.llm_answers)
                yield CounterMetricFamily("htxbot_guard_violations", "LLM answers replaced by the grounding guard",
                                          value=stats.guard_violations)
                yield CounterMetricFamily("htxbot_llm_failures", "LLM calls that failed or timed out",
                                          value=stats.llm_failures)

        self.registry.register(_Collector())


def _services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(_services)]


def _history(body: AskRequest, limit: int) -> list[dict]:
    turns = [t.model_dump() for t in body.history]
    return turns[-2 * limit:] if limit else []


def _check_question(question: str, limit: int) -> str:
    """Validate a question as every channel does; an unusable one is a 422 naming the problem."""
    try:
        return validate_question(question, limit)
    except InputError as exc:
        raise HTTPException(422, detail=f"question: {exc}") from exc


def create_app(services: Services, *, telegram_application=None) -> FastAPI:
    """Build the FastAPI app around ``services`` (and a Telegram application for the webhook)."""
    settings = services.settings
    metrics = Metrics()
    metrics.watch(services.answerer)
    limiter = Limiter(key_func=get_remote_address, headers_enabled=True, default_limits=[])
    # One budget for questions, whichever of the two endpoints asks them.
    question_limit = limiter.shared_limit(settings.rate_limit, scope="questions")

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(services.warm_up)  # the first request must not load the index
        if telegram_application is not None:
            from bot.telegram.application import WEBHOOK_PATH, start_application

            secret = settings.telegram_webhook_secret
            await start_application(
                telegram_application,
                webhook_url=settings.public_url.rstrip("/") + WEBHOOK_PATH if settings.public_url else None,
                secret_token=secret.get_secret_value() if secret else None)
        try:
            yield
        finally:
            if telegram_application is not None:
                from bot.telegram.application import stop_application

                await stop_application(telegram_application)

    app = FastAPI(title="htxbot", summary="Cooperative (HTX) statistics from news articles, with sources",
                  version="0.1.0", lifespan=lifespan)
    app.state.services = services
    app.state.metrics = metrics
    app.state.limiter = limiter
    # Inside CORS, so a browser can read the 413 too.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "POST"],
                       allow_headers=["Content-Type"], max_age=600)

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        """Count every request by route and status for /metrics."""
        response = await call_next(request)
        route = request.scope.get("route")
        metrics.requests.labels(getattr(route, "path", "other"), str(response.status_code)).inc()
        return response

    @app.exception_handler(RateLimitExceeded)
    async def rate_limited(request: Request, exc: RateLimitExceeded) -> Response:
        """Answer 429 with Retry-After and a message a person can act on."""
        what = "feedback posts" if request.url.path.endswith("/feedback") else "questions"
        response = JSONResponse({"detail": f"Too many {what} ({exc.detail}); please wait a moment and try again."},
                                status_code=429)
        response = request.app.state.limiter._inject_headers(response, request.state.view_rate_limit)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        """Name each field that is wrong and why, in one readable line each."""
        problems = []
        for error in exc.errors():
            where = ".".join(str(p) for p in error.get("loc", ()) if p != "body") or "body"
            problems.append(f"{where}: {error.get('msg')}")
        return JSONResponse({"detail": "; ".join(problems)}, status_code=422)

    api = APIRouter(prefix="/api")

    def answer_question(svc: Services, body: AskRequest) -> Answer:
        question = _check_question(body.question, settings.api_max_question_chars)
        return svc.answerer.answer(question, _history(body, settings.max_history_turns))

    @api.post("/ask", response_model=AskResponse)
    @question_limit
    async def ask(request: Request, response: Response, body: AskRequest, svc: ServicesDep) -> dict:
        """Answer a question, with citations and the ranked passages."""
        started = time.perf_counter()
        try:
            answer = await asyncio.to_thread(answer_question, svc, body)
        except InputError as exc:
            raise HTTPException(422, detail=f"question: {exc}") from exc
        metrics.latency.labels("ask").observe(time.perf_counter() - started)
        if not answer.found:
            metrics.refusals.inc()
        result = answer.to_result()
        result["passages"] = trim_passages(result["passages"], settings.api_max_passages,
                                           settings.api_max_passage_chars)
        return result

    @api.post("/ask/stream")
    @question_limit
    async def ask_stream(request: Request, response: Response, body: AskRequest, svc: ServicesDep):
        """Answer as Server-Sent Events: `delta` pieces of text, then `citations`, then `done`."""
        _check_question(body.question, settings.api_max_question_chars)

        async def events():
            started = time.perf_counter()
            streamed = ""
            try:
                _check_question(body.question, settings.api_max_question_chars)
                async for kind, value in svc.answerer.astream(body.question, _history(body, settings.max_history_turns)):
                    if kind == "delta":
                        streamed += value
                        yield {"event": "delta", "data": json.dumps({"text": value}, ensure_ascii=False)}
                    else:
                        answer = value
            except (HtxError, HTTPException) as exc:
                message = exc.detail if isinstance(exc, HTTPException) else str(exc)
                yield {"event": "error", "data": json.dumps({"message": message}, ensure_ascii=False)}
                return
            except Exception:  # the stream must end with an error event, not a dropped connection
                log.exception("answering failed")
                yield {"event": "error", "data": json.dumps({"message": "internal error; please try again"})}
                return
            if answer.text != streamed:
                # The guard replaced a streamed LLM answer (or it fell back): the client shows this instead.
                yield {"event": "replace", "data": json.dumps({"text": answer.text}, ensure_ascii=False)}
            result = answer.to_result()
            yield {"event": "citations", "data": json.dumps(
                {"found": result["found"], "citations": result["citations"], "period": result["period"],
                 "standalone_question": result["standalone_question"]}, ensure_ascii=False)}
            yield {"event": "done", "data": json.dumps({"latency_ms": result["latency_ms"]})}
            metrics.latency.labels("ask_stream").observe(time.perf_counter() - started)
            if not answer.found:
                metrics.refusals.inc()

        return EventSourceResponse(events(), ping=15)

    @api.get("/sources", response_model=list[SourceOut])
    async def sources(svc: ServicesDep) -> list[dict]:
        """List the indexed articles."""
        documents = await asyncio.to_thread(svc.index.documents)
        return [{"id": d.id, "title": d.title, "date": d.date, "place": d.place, "paper": d.paper, "url": d.url,
                 "chunks": n} for d, n in documents]

    @api.post("/feedback", status_code=201)
    @limiter.limit(settings.feedback_rate_limit)
    async def feedback(request: Request, response: Response, body: FeedbackRequest, svc: ServicesDep) -> dict:
        """Store a 👍/👎 with its question and answer."""
        feedback_id = await asyncio.to_thread(svc.feedback.add, Feedback(
            channel="web", session_id=body.session_id, question=body.question, answer=body.answer,
            rating=body.rating, comment=body.comment))
        return {"id": feedback_id, "stored": True}

    app.include_router(api)

    @app.get("/healthz", response_model=Health)
    async def healthz(svc: ServicesDep) -> dict:
        """Tell whether the index is loaded and how many documents it holds."""
        count = await asyncio.to_thread(svc.index.catalog.count_documents)
        return {"status": "ok", "index_loaded": count > 0, "documents": count}

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        """Expose request counts, answer latency and refusals in Prometheus format."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/widget.js", include_in_schema=False)
    async def widget() -> FileResponse:
        """Serve the embeddable chat widget."""
        return FileResponse(STATIC / "widget.js", media_type="text/javascript; charset=utf-8",
                            headers={"Cache-Control": "public, max-age=300"})

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def demo() -> HTMLResponse:
        """A demo page that embeds the widget."""
        return HTMLResponse((STATIC / "demo.html").read_text(encoding="utf-8"))

    if telegram_application is not None:
        from bot.telegram.webhook import webhook_router

        app.include_router(webhook_router(services, telegram_application))
    return app
