"""The webhook route of the web app: checks Telegram's secret header and hands updates to the Application."""

from __future__ import annotations

import hmac
import logging
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response
from telegram import Update

from bot.telegram.application import WEBHOOK_PATH
from bot.telegram.handlers import BotApplication
from bot.wiring import Services

log = logging.getLogger(__name__)


def webhook_router(services: Services, application: BotApplication) -> APIRouter:
    """Return a router with ``POST /telegram/webhook`` feeding ``application``.

    The caller (the web app) must, in its lifespan: build ``application`` with
    ``bot.telegram.application.build_application(services)``; on start-up await
    ``start_application(application, webhook_url=settings.public_url.rstrip("/") + WEBHOOK_PATH,
    secret_token=settings.telegram_webhook_secret.get_secret_value())`` (initialize, setMyCommands,
    setWebhook, start); on shut-down await ``stop_application(application)``. Updates are only
    processed while the application is started. Without ``HTX_TELEGRAM_WEBHOOK_SECRET`` every request
    is refused (403): an open webhook would let anyone post updates as Telegram.
    """
    router = APIRouter()
    secret = services.settings.telegram_webhook_secret
    expected = secret.get_secret_value().encode() if secret is not None else None

    @router.post(WEBHOOK_PATH, include_in_schema=False)
    async def telegram_webhook(
        request: Request, x_telegram_bot_api_secret_token: Annotated[str | None, Header()] = None
    ) -> Response:
        """Queue one update from Telegram after checking the secret header."""
        given = (x_telegram_bot_api_secret_token or "").encode()
        if expected is None or not hmac.compare_digest(given, expected):
            raise HTTPException(status_code=403, detail="wrong or missing X-Telegram-Bot-Api-Secret-Token")
        try:
            data = await request.json()
            if not isinstance(data, dict):
                raise ValueError("expected a JSON object")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            raise HTTPException(status_code=400, detail=f"not a Telegram update: {exc}") from exc
        await application.update_queue.put(update)
        return Response(status_code=200)

    return router
