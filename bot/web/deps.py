"""What the routes depend on: the app's services, settings and metrics, the checked question, and
the per-client budgets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, Response

from bot.settings import Settings
from bot.web.metrics import Metrics
from bot.web.schemas import AskRequest
from bot.wiring import Services
from retrieval.answering import validate_question
from retrieval.errors import InputError


def get_services(request: Request) -> Services:
    """Return the services the app was built around."""
    services: Services = request.app.state.services
    return services


def get_settings(request: Request) -> Settings:
    """Return the settings of the app's services."""
    settings: Settings = request.app.state.services.settings
    return settings


def get_metrics(request: Request) -> Metrics:
    """Return the app's Prometheus metrics."""
    metrics: Metrics = request.app.state.metrics
    return metrics


ServicesDep = Annotated[Services, Depends(get_services)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]


@dataclass(frozen=True)
class Asked:
    """A question as the routes use it: checked and cleaned, with the turns of history to use."""

    question: str
    history: list[dict[str, Any]]


def asked(body: AskRequest, settings: SettingsDep) -> Asked:
    """Check the request's question as every channel checks one (within the API's limit); an
    unusable one is a 422 naming the problem."""
    try:
        question = validate_question(body.question, settings.api_max_question_chars)
    except InputError as exc:
        raise HTTPException(422, detail=f"question: {exc}") from exc
    limit = settings.max_history_turns
    turns = [turn.model_dump() for turn in body.history]
    return Asked(question, turns[-2 * limit :] if limit else [])


AskedDep = Annotated[Asked, Depends(asked)]


# Every request to a limited route counts, a malformed one included.
async def spend_question(request: Request, response: Response) -> None:
    """Count a question against the client's budget, shared by /api/ask and /api/ask/stream (429
    with Retry-After when it is spent)."""
    await request.app.state.budgets.questions(request=request, response=response)


async def spend_feedback_post(request: Request, response: Response) -> None:
    """Count a feedback post against the client's budget (429 with Retry-After when it is spent)."""
    await request.app.state.budgets.feedback(request=request, response=response)
