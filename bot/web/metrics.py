"""Prometheus metrics of the web app: requests by route and status, answer latency, refusals."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.requests import Request


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

    def watch(self, answerer) -> None:
        """Export the LLM answerer's counts (guard violations, model failures) when there is one."""
        stats = getattr(answerer, "stats", None)
        if stats is None:
            return

        class _Collector:
            def collect(self):
                from prometheus_client.core import CounterMetricFamily

                yield CounterMetricFamily("htxbot_llm_answers", "answers written by the LLM", value=stats.llm_answers)
                yield CounterMetricFamily(
                    "htxbot_guard_violations",
                    "LLM answers replaced by the grounding guard",
                    value=stats.guard_violations,
                )
                yield CounterMetricFamily(
                    "htxbot_llm_failures", "LLM calls that failed or timed out", value=stats.llm_failures
                )

        self.registry.register(_Collector())


async def count_requests(request: Request, call_next):
    """Count every request by route and status for /metrics (an HTTP middleware)."""
    response = await call_next(request)
    route = request.scope.get("route")
    request.app.state.metrics.requests.labels(getattr(route, "path", "other"), str(response.status_code)).inc()
    return response
