"""The Telegram channel: build the Application, run it with long polling, or feed it from the webhook route."""

from bot.telegram.application import build_application, run_polling, start_application, stop_application

__all__ = ["build_application", "run_polling", "start_application", "stop_application"]
