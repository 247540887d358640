"""The web app: wires the routes, middleware, error handlers and start-up around the services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from slowapi.errors import RateLimitExceeded

from bot.web import routes
from bot.web.errors import htx_error, invalid_request, rate_limited
from bot.web.limits import BodySizeLimit, Budgets
from bot.web.metrics import Metrics, count_requests
from bot.wiring import Services, app_version
from retrieval.errors import HtxError

if TYPE_CHECKING:
    from bot.telegram.handlers import BotApplication


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Load the index before the first request; start and stop the Telegram application, if any."""
    services: Services = app.state.services
    telegram_application: BotApplication | None = app.state.telegram_application
    await asyncio.to_thread(services.warm_up)  # the first request must not load the index
    if telegram_application is not None:
        from bot.telegram.application import WEBHOOK_PATH, start_application

        settings = services.settings
        secret = settings.telegram_webhook_secret
        await start_application(
            telegram_application,
            webhook_url=settings.public_url.rstrip("/") + WEBHOOK_PATH if settings.public_url else None,
            secret_token=secret.get_secret_value() if secret else None,
        )
    try:
        yield
    finally:
        if telegram_application is not None:
            from bot.telegram.application import stop_application

            await stop_application(telegram_application)


def create_app(services: Services, *, telegram_application: BotApplication | None = None) -> FastAPI:
    """Build the FastAPI app around ``services`` (and a Telegram application for the webhook)."""
    settings = services.settings
    app = FastAPI(
        title="htxbot",
        summary="Cooperative (HTX) statistics from news articles, with sources",
        version=app_version(),
        lifespan=lifespan,
        # /docs is served from the app's own copy of Swagger UI (routes.docs), not from a CDN; no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.state.telegram_application = telegram_application
    app.state.metrics = Metrics()
    app.state.metrics.watch(services.answerer)
    app.state.budgets = Budgets(settings)
    app.state.limiter = app.state.budgets.limiter  # where slowapi's own handler looks for it

    # Inside CORS, so a browser can read the 413 too.
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type"],
        expose_headers=["Retry-After"],  # the widget on another origin counts down the wait after a 429
        max_age=600,
    )
    app.middleware("http")(count_requests)

    # Starlette types a handler as taking any Exception, though it only calls it with the class registered.
    app.add_exception_handler(RateLimitExceeded, rate_limited)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, invalid_request)  # type: ignore[arg-type]
    app.add_exception_handler(HtxError, htx_error)  # type: ignore[arg-type]

    app.include_router(routes.api)
    app.include_router(routes.site)
    if telegram_application is not None:
        from bot.telegram.webhook import webhook_router

        app.include_router(webhook_router(services, telegram_application))
    return app
