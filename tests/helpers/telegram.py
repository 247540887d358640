"""Telegram updates as the Bot API sends them, and the real Application polling a fake Bot API."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

from bot.database import open_database
from bot.feedback import FeedbackStore
from bot.telegram.application import build_application, start_application, stop_application
from bot.wiring import Services
from tests.fake_telegram import BOT_USER, FakeBotApi

TOKEN = "123456:TEST-token"
USER = {"id": 111, "is_bot": False, "first_name": "An", "language_code": "vi"}
PRIVATE = {"id": 111, "type": "private", "first_name": "An"}
GROUP = {"id": -100500, "type": "supergroup", "title": "Cán bộ HTX"}
_message_ids = itertools.count(1)


def message(text: str | None = None, chat: dict = PRIVATE, user: dict = USER, **extra) -> dict:
    """Return a ``message`` update; commands get their bot_command entity."""
    body = {"message_id": next(_message_ids), "date": int(time.time()), "chat": chat, "from": user, **extra}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": body}


def callback(data: str, message_id: int, chat: dict = PRIVATE, reply_markup: dict | None = None) -> dict:
    """Return a ``callback_query`` update from a button under the bot's message ``message_id``
    (whose buttons are ``reply_markup``, as Telegram sends them back)."""
    update: dict = {
        "callback_query": {
            "id": f"cb{next(_message_ids)}",
            "from": USER,
            "chat_instance": "ci",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "from": BOT_USER,
                "text": "…",
            },
        }
    }
    if reply_markup is not None:
        update["callback_query"]["message"]["reply_markup"] = reply_markup
    return update


@asynccontextmanager
async def running(services: Services, api: FakeBotApi) -> AsyncIterator:
    """Run the real Application with long polling against the fake server."""
    application = build_application(services, token=TOKEN, base_url=api.base_url)
    await start_application(application)
    await application.updater.start_polling(poll_interval=0.0, timeout=1)
    try:
        yield application
    finally:
        await application.updater.stop()
        await stop_application(application)


def with_own_data_dir(services: Services, data_dir: Path, **settings: object) -> Iterator[Services]:
    """Yield ``services`` (the module's shared index) with this test's own data folder, so its
    database (feedback, conversation memory) is its own, and ``settings`` changed; close the database."""
    changed = services.settings.model_copy(update={"data_dir": data_dir, **settings})
    database = open_database(changed)
    yield replace(services, settings=changed, database=database, feedback=FeedbackStore(database))
    database.close()
