"""The routes: the JSON and streaming (SSE) API, sources and feedback under /api; health, readiness, metrics,
the widget and its demo page, the favicon and the OpenAPI docs (with Swagger UI's own files) at the root."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sse_starlette.sse import EventSourceResponse
from swagger_ui_bundle import swagger_ui_path

from bot.feedback import Feedback
from bot.readiness import Readiness, check_readiness, readiness_body
from bot.stats_table import MEASURE_NAMES, STATS_SORTS, row_views, sort_stat_rows, to_csv
from bot.web.deps import AskedDep, MetricsDep, ServicesDep, SettingsDep, spend_feedback_post, spend_question
from bot.web.errors import INTERNAL, http_error
from bot.web.limits import trim_passages
from bot.web.metrics import Metrics
from bot.web.schemas import AskResponse, FeedbackRequest, Health, SourceOut
from retrieval.answering import Answerer
from retrieval.errors import HtxError, InputError
from retrieval.measures import BY_NAME
from retrieval.models import Answer
from retrieval.stats import StatsQuery
from retrieval.vietnamese import fold

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"

api = APIRouter(prefix="/api")
site = APIRouter()


def _event(name: str, data: dict[str, Any]) -> dict[str, str]:
    """Return one Server-Sent Event with ``data`` as JSON."""
    return {"event": name, "data": json.dumps(data, ensure_ascii=False)}


@api.post("/ask", response_model=AskResponse, dependencies=[Depends(spend_question)])
async def ask(asked: AskedDep, svc: ServicesDep, settings: SettingsDep, metrics: MetricsDep) -> dict[str, Any]:
    """Answer a question, with citations and the ranked passages."""
    started = time.perf_counter()
    answer = await asyncio.to_thread(svc.answerer.answer, asked.question, asked.history)
    metrics.latency.labels("ask").observe(time.perf_counter() - started)
    if not answer.found:
        metrics.refusals.inc()
    result = answer.to_result()
    result["passages"] = trim_passages(result["passages"], settings.api_max_passages, settings.api_max_passage_chars)
    return result


@api.post("/ask/stream", dependencies=[Depends(spend_question)])
async def ask_stream(
    response: Response, asked: AskedDep, svc: ServicesDep, settings: SettingsDep, metrics: MetricsDep
) -> EventSourceResponse:
    """Answer as Server-Sent Events: `delta` pieces of text, then `citations` (with the `chart`
    when there is one, and a refusal's `suggestions`), then `done` (or an `error` event with a readable message)."""
    events = _answer_events(svc.answerer, asked.question, asked.history, metrics)
    # A response returned as it is gets no headers from the dependencies: the rate-limit ones are copied.
    # On SIGTERM sse-starlette would end every stream at once; an answer in progress gets the
    # shutdown timeout to finish instead (uvicorn waits a little longer, see server_options).
    return EventSourceResponse(
        events, ping=15, headers=dict(response.headers), shutdown_grace_period=settings.shutdown_timeout
    )


async def _answer_events(
    answerer: Answerer, question: str, history: list[dict[str, Any]], metrics: Metrics
) -> AsyncIterator[dict[str, str]]:
    """Yield the events of one streamed answer; an error ends the stream with an `error` event."""
    started = time.perf_counter()
    streamed = ""
    answer: Answer | None = None
    try:
        async for kind, value in answerer.astream(question, history):
            if kind == "delta":
                if not isinstance(value, str):
                    raise TypeError(f"the answerer streamed a {type(value).__name__} delta, not text")
                streamed += value
                yield _event("delta", {"text": value})
            else:
                if not isinstance(value, Answer):
                    raise TypeError(f"the answerer ended its stream with a {type(value).__name__}, not an Answer")
                answer = value
    except HtxError as exc:
        error = http_error(exc)
        yield _event("error", {"message": error.detail, "status": error.status})
        return
    except Exception:  # the stream must end with an error event, not a dropped connection
        log.exception("answering failed")
        yield _event("error", {"message": INTERNAL, "status": 500})
        return
    assert answer is not None  # astream always ends with the final answer
    if answer.text != streamed:
        # The guard replaced a streamed LLM answer (or it fell back): the client shows this instead.
        yield _event("replace", {"text": answer.text})
    result = answer.to_result()
    yield _event(
        "citations",
        {
            "found": result["found"],
            "citations": result["citations"],
            "period": result["period"],
            "standalone_question": result["standalone_question"],
            "chart": result.get("chart"),
            "suggestions": result.get("suggestions", []),
        },
    )
    yield _event("done", {"latency_ms": result["latency_ms"]})
    metrics.latency.labels("ask_stream").observe(time.perf_counter() - started)
    if not answer.found:
        metrics.refusals.inc()


@api.get("/sources", response_model=list[SourceOut])
async def sources(svc: ServicesDep) -> list[dict[str, Any]]:
    """List the indexed articles."""
    documents = await asyncio.to_thread(svc.index.documents)
    return [
        {"id": d.id, "title": d.title, "date": d.date, "place": d.place, "paper": d.paper, "url": d.url, "chunks": n}
        for d, n in documents
    ]


@api.get("/stats")
async def stats(
    svc: ServicesDep,
    place: Annotated[str | None, Query(max_length=200, description="a place, old or 2025 unit")] = None,
    measure: Annotated[str | None, Query(description="htx_count, members, revenue… or other")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    status: Annotated[Literal["actual", "target"] | None, Query()] = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",  # noqa: A002 - the documented query name
    limit: Annotated[int, Query(ge=1, le=5000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    sort: Annotated[
        str | None, Query(description="place, measure, value, year or date; a leading - sorts descending")
    ] = None,
) -> Response:
    """The statistics table: every figure the articles state, filtered, sorted (article order
    without ``sort``), a page at a time, as JSON ({total, offset, limit, rows}) or CSV (the total in
    ``X-Total-Count``)."""
    if measure is not None and measure not in MEASURE_NAMES:
        raise InputError(f"unknown measure {measure!r}; expected one of {', '.join(MEASURE_NAMES)}")
    if sort is not None and sort.removeprefix("-") not in STATS_SORTS:
        raise InputError(f"unknown sort {sort!r}; expected one of {', '.join(STATS_SORTS)}, each optionally after -")
    query = StatsQuery(place=place, measure=measure, year=year, status=status)
    rows = await asyncio.to_thread(svc.index.stats, query)
    if sort is not None:
        rows = sort_stat_rows(rows, sort)
    views = await asyncio.to_thread(row_views, svc.index, rows[offset : offset + limit])
    headers = {"X-Total-Count": str(len(rows))}
    if format == "csv":
        headers["Content-Disposition"] = 'attachment; filename="htx-stats.csv"'
        return Response(to_csv(views), media_type="text/csv; charset=utf-8", headers=headers)
    body = {"total": len(rows), "offset": offset, "limit": limit, "rows": views}
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json", headers=headers)


@api.post("/feedback", status_code=201, dependencies=[Depends(spend_feedback_post)])
async def feedback(body: FeedbackRequest, svc: ServicesDep) -> dict[str, Any]:
    """Store a 👍/👎 with its question and answer."""
    feedback_id = await asyncio.to_thread(
        svc.feedback.add,
        Feedback(
            channel="web",
            session_id=body.session_id,
            question=body.question,
            answer=body.answer,
            rating=body.rating,
            comment=body.comment,
        ),
    )
    return {"id": feedback_id, "stored": True}


@site.get("/healthz", response_model=Health)
async def healthz(svc: ServicesDep) -> dict[str, Any]:
    """Tell whether the index is loaded and how many documents it holds."""
    count = await asyncio.to_thread(svc.index.catalog.count_documents)
    return {"status": "ok", "index_loaded": count > 0, "documents": count}


@site.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "a part is not ready; `not_ready` names it"}},
)
async def readyz(svc: ServicesDep) -> JSONResponse:
    """Tell whether this process can answer now: the index loaded, the vector store reachable, the
    embedding model warm, the database reachable (503, naming what is not, otherwise)."""
    body = readiness_body(await check_readiness(svc))
    return JSONResponse(body, status_code=503 if body["not_ready"] else 200, headers={"Cache-Control": "no-store"})


@site.get("/metrics", include_in_schema=False)
async def prometheus(metrics: MetricsDep) -> Response:
    """Expose request counts, answer latency and refusals in Prometheus format."""
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


def _script(name: str) -> FileResponse:
    """Serve one of the static scripts, cached by browsers for five minutes."""
    return FileResponse(
        STATIC / name, media_type="text/javascript; charset=utf-8", headers={"Cache-Control": "public, max-age=300"}
    )


@site.api_route("/widget.js", methods=["GET", "HEAD"], include_in_schema=False)
async def widget() -> FileResponse:
    """Serve the embeddable chat widget."""
    return _script("widget.js")


@site.get("/", response_class=HTMLResponse, include_in_schema=False)
async def demo() -> HTMLResponse:
    """A demo page that embeds the widget."""
    return HTMLResponse((STATIC / "demo.html").read_text(encoding="utf-8"))


def _asset(path: Path, media_type: str) -> FileResponse:
    """Serve a file that changes only with a release, cached by browsers for a day."""
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})


@site.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    """Serve the app's icon (browsers ask for /favicon.ico by themselves)."""
    return _asset(STATIC / "favicon.ico", "image/x-icon")


@site.get("/favicon.svg", include_in_schema=False)
async def favicon_svg() -> FileResponse:
    """Serve the app's icon as SVG (the pages link to it)."""
    return _asset(STATIC / "favicon.svg", "image/svg+xml")


# Swagger UI's files come from the swagger-ui-bundle-v2 package, so that /docs needs no CDN.
SWAGGER_UI = Path(str(swagger_ui_path))


@site.get("/docs", response_class=HTMLResponse, include_in_schema=False)
async def docs(request: Request) -> HTMLResponse:
    """The OpenAPI documentation (Swagger UI), with every file it loads served by this app."""
    root = request.scope.get("root_path", "")
    return get_swagger_ui_html(
        openapi_url=root + (request.app.openapi_url or "/openapi.json"),
        title=f"{request.app.title} — API",
        swagger_js_url=f"{root}/docs/swagger-ui-bundle.js",
        swagger_css_url=f"{root}/docs/swagger-ui.css",
        swagger_favicon_url=f"{root}/favicon.svg",
        swagger_ui_parameters={"validatorUrl": None},  # no validator badge fetched from swagger.io
    )


@site.get("/docs/swagger-ui-bundle.js", include_in_schema=False)
async def swagger_script() -> FileResponse:
    """Serve Swagger UI's script."""
    return _asset(SWAGGER_UI / "swagger-ui-bundle.js", "text/javascript; charset=utf-8")


@site.get("/docs/swagger-ui.css", include_in_schema=False)
async def swagger_style() -> FileResponse:
    """Serve Swagger UI's style sheet."""
    return _asset(SWAGGER_UI / "swagger-ui.css", "text/css; charset=utf-8")


# --- the /stats page: the statistics table for people, over /api/stats ---------------------------

# The page runs only its own script and styles and talks only to this app.
STATS_PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
        "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
_MEASURE_OPTIONS_MARK = "<!-- measure options -->"


def _measure_options() -> str:
    """Return the <option>s of the page's measure filter: the lexicon's measures by their
    Vietnamese names, then "other"."""
    labels = {name: BY_NAME[name].label_vi if name in BY_NAME else "khác" for name in MEASURE_NAMES}
    names = sorted(MEASURE_NAMES, key=lambda name: (name == "other", fold(labels[name])))
    return "".join(
        f'<option value="{html.escape(name)}">{html.escape(labels[name][:1].upper() + labels[name][1:])}</option>'
        for name in names
    )


@site.get("/stats", response_class=HTMLResponse, include_in_schema=False)
async def stats_page() -> HTMLResponse:
    """The statistics table as a page: filters, sortable columns, pages, quotes and CSV download."""
    page = (STATIC / "stats.html").read_text(encoding="utf-8")
    return HTMLResponse(page.replace(_MEASURE_OPTIONS_MARK, _measure_options()), headers=STATS_PAGE_HEADERS)


@site.get("/stats.js", include_in_schema=False)
async def stats_script() -> FileResponse:
    """Serve the script of the /stats page."""
    return _script("stats.js")
