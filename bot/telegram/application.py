"""Wire the Telegram Application: token, Bot API URL, retries, the update journal, handlers; run it
with long polling."""

from __future__ import annotations

import logging
import re

from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.settings import Settings
from bot.telegram import handlers
from bot.telegram.handlers import BotApplication
from bot.telegram.journal import JOURNAL_FILE, JournaledProcessor, JournaledQueue, UpdateJournal
from bot.telegram.memory import ConversationMemory, UserRateLimit
from bot.telegram.redaction import redact, redact_token_in_logs
from bot.telegram.transport import BotApiRequest, RetryingRateLimiter
from bot.wiring import Services
from retrieval.errors import ConfigError

log = logging.getLogger(__name__)

# What @BotFather hands out: the bot's numeric id, a colon, then letters, digits, "-" and "_".
TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,200}$")
WEBHOOK_PATH = "/telegram/webhook"
MAX_RETRIES = 3  # of a call answered 429 (flood limit)
CONCURRENT_UPDATES = 16
CONNECTION_POOL_SIZE = 256  # PTB's own default for the calls other than getUpdates


def check_token(token: str | None) -> str:
    """Return the token when it looks like one from @BotFather; raise ConfigError (never showing it) otherwise."""
    if not token:
        raise ConfigError(
            "HTX_TELEGRAM_TOKEN is not set: put the bot token from @BotFather in the environment "
            "or in .env (HTX_TELEGRAM_TOKEN=123456789:AA...)"
        )
    token = token.strip()
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            f"HTX_TELEGRAM_TOKEN is malformed: expected '<bot id digits>:<letters, digits, - or _>' "
            f"as given by @BotFather, got a value of {len(token)} characters"
        )
    return token


def settings_token(settings: Settings) -> str:
    """Return the checked token of the settings."""
    secret = settings.telegram_token
    return check_token(secret.get_secret_value() if secret is not None else None)


def build_application(services: Services, *, token: str | None = None, base_url: str | None = None) -> BotApplication:
    """Build the Application with its handlers; the token and Bot API URL default to the settings."""
    settings = services.settings
    token = check_token(token) if token is not None else settings_token(settings)
    redact_token_in_logs(token)
    journal = UpdateJournal(settings.data_dir / JOURNAL_FILE, bot_id=token.split(":", 1)[0])
    application = (
        Application.builder()
        .token(token)
        .base_url(base_url or settings.telegram_base_url)
        .request(BotApiRequest(connection_pool_size=CONNECTION_POOL_SIZE))
        .get_updates_request(BotApiRequest(connection_pool_size=1))
        .rate_limiter(
            RetryingRateLimiter(
                retries=settings.telegram_send_retries,
                first_pause=settings.telegram_retry_seconds,
                max_retries_429=MAX_RETRIES,
            )
        )
        .update_queue(JournaledQueue(journal))
        .concurrent_updates(JournaledProcessor(journal, CONCURRENT_UPDATES))
        .post_init(prepare)
        .build()
    )
    memory = ConversationMemory(
        services.database,
        ttl_seconds=settings.memory_ttl_minutes * 60,
        max_turns=settings.max_history_turns,
    )
    application.bot_data["state"] = handlers.BotState(
        services=services, memory=memory, rate_limit=UserRateLimit(settings.telegram_user_rate_limit)
    )
    add_handlers(application)
    # httpx logs each request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))
    return application


def add_handlers(application: BotApplication) -> None:
    """Register the commands, the questions, the buttons and the error handler."""
    # New and edited messages alike (as CommandHandler does): an edited question is answered again.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGES
    groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGES
    worded = filters.TEXT | filters.CAPTION  # a photo's or a document's caption is a question too
    application.add_handlers(
        [
            CommandHandler("start", handlers.start),
            CommandHandler("help", handlers.help_command),
            CommandHandler("nguon", handlers.sources),
            CommandHandler("moi", handlers.new_conversation),
            MessageHandler(private & filters.COMMAND, handlers.unknown_command),
            MessageHandler(private & worded, handlers.private_question),
            MessageHandler(groups & worded & ~filters.COMMAND, handlers.group_question),
            MessageHandler(private & ~worded, handlers.not_text),
            CallbackQueryHandler(handlers.example_question, pattern=r"^ask:"),
            CallbackQueryHandler(handlers.suggested_question, pattern=r"^sq:"),
            CallbackQueryHandler(handlers.rate_answer, pattern=r"^fb:"),
            CallbackQueryHandler(handlers.unknown_button),
        ]
    )
    application.add_error_handler(handlers.on_error)


async def prepare(application: BotApplication) -> None:
    """Register the command menu and queue again the updates a crash left unhandled (post_init)."""
    await handlers.register_commands(application)
    queue = application.update_queue
    if not isinstance(queue, JournaledQueue):
        raise TypeError("the application's update queue is not a JournaledQueue: build it with build_application")
    requeued = queue.requeue_pending(application.bot)
    if requeued:
        log.warning("handling again %d update(s) that the last run received but did not finish", requeued)


async def start_application(
    application: BotApplication, *, webhook_url: str | None = None, secret_token: str | None = None
) -> None:
    """Initialize, register the commands, requeue unfinished updates, set the webhook when given,
    and start processing updates."""
    await application.initialize()
    await prepare(application)
    if webhook_url:
        await application.bot.set_webhook(webhook_url, secret_token=secret_token, allowed_updates=Update.ALL_TYPES)
    await application.start()


async def stop_application(application: BotApplication) -> None:
    """Stop processing updates and release the HTTP connections."""
    if application.running:
        await application.stop()
    await application.shutdown()


def run_polling(services: Services) -> None:
    """Run the bot with long polling until interrupted (htxbot telegram)."""
    settings = services.settings
    if settings.telegram_mode != "polling":
        raise ConfigError(
            f"HTX_TELEGRAM_MODE is {settings.telegram_mode!r}: the webhook runs inside `htxbot serve`; "
            "set HTX_TELEGRAM_MODE=polling to run `htxbot telegram`"
        )
    application = build_application(services)
    log.info("Telegram bot polling %s", settings.telegram_base_url)
    try:
        # The loop stays open: the CLI exits right after, and callers (tests) may run the bot again.
        application.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
    except InvalidToken:
        raise ConfigError("HTX_TELEGRAM_TOKEN was rejected by the Bot API: check the token from @BotFather") from None
    except TelegramError as exc:  # at start-up: getMe or deleteWebhook failed; later errors are retried
        reason = redact(str(exc))
        raise ConfigError(
            f"cannot reach the Bot API at HTX_TELEGRAM_BASE_URL={settings.telegram_base_url}: "
            f"{type(exc).__name__}: {reason}"
        ) from None
