"""The JSON log format: one object per line, tracebacks and extra fields kept."""

from __future__ import annotations

import json
import logging

from bot.logs import JsonFormatter


def record(message: str, *args, exc_info=None, **extra) -> logging.LogRecord:
    made = logging.getLogger("htx.test").makeRecord(
        "htx.test", logging.ERROR, __file__, 1, message, args, exc_info, extra=extra or None
    )
    return made


def test_a_record_is_one_line_of_json_with_its_fields():
    line = JsonFormatter().format(record("answered %d of %s", 3, "Chợ Đồn\nmới", chat=42))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "answered 3 of Chợ Đồn\nmới" and entry["chat"] == 42
    assert entry["level"] == "ERROR" and entry["logger"] == "htx.test" and entry["time"].endswith("+00:00")


def test_a_traceback_goes_in_its_own_field():
    try:
        raise ValueError("bad value")
    except ValueError:
        import sys

        entry = json.loads(JsonFormatter().format(record("failed", exc_info=sys.exc_info())))
    assert entry["message"] == "failed"
    assert entry["exception"].startswith("Traceback") and entry["exception"].endswith("ValueError: bad value")


def test_uvicorn_access_records_carry_their_parts():
    access = logging.getLogger("uvicorn.access").makeRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("10.0.0.1:5000", "POST", "/api/ask", "1.1", 200),
        None,
    )
    entry = json.loads(JsonFormatter().format(access))
    assert entry["message"] == '10.0.0.1:5000 - "POST /api/ask HTTP/1.1" 200'
    assert (entry["method"], entry["path"], entry["status"], entry["client"]) == (
        "POST",
        "/api/ask",
        200,
        "10.0.0.1:5000",
    )
