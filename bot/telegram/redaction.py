"""Keep the bot token out of every log line, whoever logs it (PTB puts it in some error messages)."""

from __future__ import annotations

import logging
from typing import Any

_tokens: set[str] = set()


def redact_token_in_logs(token: str) -> None:
    """Replace ``token`` by ``<token>`` in every log record created from now on (idempotent)."""
    if not _tokens:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            return _redacted(previous(*args, **kwargs))

        logging.setLogRecordFactory(factory)
    _tokens.add(token)


def redact(text: str) -> str:
    """Return ``text`` with every registered token replaced."""
    for token in _tokens:
        text = text.replace(token, "<token>")
    return text


def _redacted(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # a bad format string: logging reports it later, as usual
        return record
    if redact(message) != message:
        record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            record.exc_text = redact(text)  # formatters use exc_text when it is set
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record
