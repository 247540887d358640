"""Prometheus metrics of the web app: requests by route and status, answer latency, refusals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.metrics_core import Metric
from starlette.requests import Request
from starlette.responses import Response

from retrieval.answering import Answerer

if TYPE_CHECKING:
    from retrieval.generation import GenerationStats


class Metrics:
    """Prometheus metrics of one app (its own registry, so several apps can live in one process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("htxbot_requests", "API requests", ["endpoint", "status"], registry=self.registry)
        self.latency = Histogram(
            "htxbot_answer_seconds",
            "time to answer a question",
            ["endpoint"],
            registry=self.registry,
            buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
        )
        self.refusals = Counter("htxbot_refusals", "questions the articles could not answer", registry=self.registry)

    def watch(self, answerer: Answerer) -> None:
        """Export the LLM answerer's counts (guard violations, model failures) when there is one."""
        stats: GenerationStats | None = getattr(answerer, "stats", None)
        if stats is None:
            return
        self.registry.register(_StatsCollector(stats))


class _StatsCollector:
    """Reads the LLM answerer's counts each time /metrics is scraped."""

    def __init__(self, stats: GenerationStats) -> None:
        self.stats = stats

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import CounterMetricFamily

        stats = self.stats
        yield CounterMetricFamily("htxbot_llm_answers", "answers written by the LLM", value=stats.llm_answers)
        yield CounterMetricFamily(
            "htxbot_guard_violations",
            "LLM answers replaced by the grounding guard",
            value=stats.guard_violations,
        )
        yield CounterMetricFamily("htxbot_llm_failures", "LLM calls that failed or timed out", value=stats.llm_failures)


async def count_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Count every request by route and status for /metrics (an HTTP middleware)."""
    response = await call_next(request)
    route = request.scope.get("route")
    request.app.state.metrics.requests.labels(getattr(route, "path", "other"), str(response.status_code)).inc()
    return response
