"""Nothing lost, nothing crashes: the Telegram bot against a fake Bot API that fails on purpose.

The in-process tests run the real Application polling the fake server (tests/fake_telegram.py) on
127.0.0.1; the crash and outage tests run the real `htxbot telegram` in a subprocess (about a second
with HTX_EMBEDDER=none), so that it can be killed with SIGKILL and so that its log is the one an
operator reads. Every wait is bounded in time; every process started here is stopped here.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from telegram import Update

from bot.telegram.handlers import FAILED
from bot.telegram.journal import JOURNAL_FILE, MAX_ATTEMPTS, JournaledQueue, UpdateJournal
from bot.wiring import Services
from tests.fake_telegram import FakeBotApi
from tests.helpers.processes import HTXBOT, clean_env, stop
from tests.helpers.telegram import TOKEN, USER, callback, message, running, with_own_data_dir

ANSWER_MARK = "42"  # the answer to QUESTION holds this figure
QUESTION = "Chợ Đồn có bao nhiêu HTX?"
WAIT = 20.0  # seconds to wait for something that should happen
SHORT_WAIT = 10.0  # seconds to wait for something that happens at once when it happens at all
OUTAGE_SECONDS = 4.0


@pytest.fixture
def services(lexical_services, tmp_path) -> Iterator[Services]:
    """The shared index with this test's own data folder; Bot API retries 50 ms apart instead of 1 s."""
    yield from with_own_data_dir(lexical_services, tmp_path / "data", telegram_retry_seconds=0.05)


def answered_query(api: FakeBotApi, query_id: str) -> list[dict]:
    """Return the answerCallbackQuery calls for ``query_id`` that carry a text for the user."""
    return [c for c in api.calls_of("answerCallbackQuery") if c["callback_query_id"] == query_id and c.get("text")]


# ---- an answer whose sendMessage fails is sent again ----


@pytest.mark.parametrize("failure", ["500", "dropped connection"])
async def test_answer_is_sent_again_after_a_500_or_a_dropped_connection(services, api, failure):
    if failure == "500":
        for _ in range(2):
            api.fail_next("sendMessage", 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
    else:
        api.drop_next("sendMessage", times=2)
    async with running(services, api):
        api.push(message(QUESTION))
        delivered = await api.wait_for(lambda: api.delivered_texts(), timeout=WAIT)
    assert FAILED not in delivered
    assert ANSWER_MARK in delivered[0] and len(delivered) == 1
    assert len(api.calls_of("sendMessage")) == 3  # two failures, then the answer


async def test_retries_are_bounded_and_a_bad_request_is_not_retried(services, api, caplog):
    settings = services.settings.model_copy(update={"telegram_send_retries": 2})
    caplog.set_level(logging.WARNING, logger="bot.telegram")
    api.fail_next(
        "sendMessage", 400, {"ok": False, "error_code": 400, "description": "Bad Request: can't parse entities"}
    )
    async with running(replace(services, settings=settings), api):
        api.push(message(QUESTION))
        [failed] = await api.wait_for(lambda: api.delivered_texts(), timeout=WAIT)
        assert failed == FAILED and len(api.calls_of("sendMessage")) == 2  # the 400, then the apology

        for _ in range(20):
            api.fail_next("sendMessage", 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})
        api.push(message(QUESTION))
        # the answer: 1 try + 2 retries; the apology: 1 try + 2 retries; then nothing more
        await api.wait_for(lambda: len(api.calls_of("sendMessage")) >= 2 + 6, timeout=WAIT)
        await asyncio.sleep(0.3)
    assert len(api.calls_of("sendMessage")) == 2 + 6
    assert "could not tell the user" in caplog.text


# ---- a question is not lost when the bot is killed while answering it ----


@contextmanager
def bot_process(api: FakeBotApi, private_lexical_dir: Path, log_path: Path) -> Iterator[subprocess.Popen]:
    """Run `htxbot telegram` against the fake server, its log appended to ``log_path``; stopped on exit."""
    env = clean_env(
        HTX_TELEGRAM_TOKEN=TOKEN,
        HTX_TELEGRAM_BASE_URL=api.base_url,
        HTX_DATA_DIR=str(private_lexical_dir),
        HTX_EMBEDDER="none",
        ANONYMIZED_TELEMETRY="False",
    )
    with log_path.open("ab") as log:
        # cwd: the test's own folder, so no .env of the developer is read
        process = subprocess.Popen(
            [*HTXBOT, "telegram"], env=env, cwd=private_lexical_dir.parent, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        stop(process, grace=15)


def alive(process: subprocess.Popen, log_path: Path, condition):
    """Wrap ``condition`` so that waiting on it fails at once when the bot process has exited."""

    def check():
        if process.poll() is not None:
            raise AssertionError(f"the bot exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
        return condition()

    return check


async def test_question_is_answered_after_a_sigkill_while_answering(api, private_lexical_dir, tmp_path):
    log_path = tmp_path / "bot.log"
    api.hold_next("sendMessage")
    update_id = api.push(message(QUESTION))
    with bot_process(api, private_lexical_dir, log_path) as first:
        # the answer is on its way (held by the server) and Telegram was told the update was received
        await api.wait_for(alive(first, log_path, lambda: api.holding and api.acknowledged(update_id)), timeout=WAIT)
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    api.release()
    assert api.delivered_texts() == []
    with bot_process(api, private_lexical_dir, log_path) as second:
        delivered = await api.wait_for(alive(second, log_path, lambda: api.delivered_texts()), timeout=WAIT)
        assert ANSWER_MARK in delivered[0]
        # the question is answered once, and the restarted bot goes on answering new ones
        api.push(message("Còn thành phố Bắc Kạn thì sao?"))
        delivered = await api.wait_for(alive(second, log_path, lambda: api.delivered_texts()[1:]), timeout=WAIT)
    assert len(api.delivered_texts()) == 2 and "44" in api.delivered_texts()[1]
    assert TOKEN not in log_path.read_text()
    assert json.loads((private_lexical_dir / JOURNAL_FILE).read_text())["pending"] == {}


def test_journal_skips_a_second_delivery_and_gives_up_on_an_update_that_keeps_crashing(tmp_path):
    path = tmp_path / JOURNAL_FILE
    update = Update.de_json({"update_id": 7, **message(QUESTION)}, None)
    journal = UpdateJournal(path, bot_id="123456")
    assert journal.record(update) and not journal.record(update)
    for _ in range(MAX_ATTEMPTS - 1):  # the bot dies while handling it, start after start
        queue = JournaledQueue(UpdateJournal(path, bot_id="123456"))
        assert queue.requeue_pending(None) == 1
        queue.put_nowait(update)  # Telegram sends it again too: its confirmation never reached Telegram
        assert queue.qsize() == 1
    assert JournaledQueue(UpdateJournal(path, bot_id="123456")).requeue_pending(None) == 0
    assert not UpdateJournal(path, bot_id="123456").record(update)  # remembered as handled
    assert UpdateJournal(path, bot_id="654321").record(update)  # another bot's update ids mean nothing


# ---- buttons: every callback query is answered, none crashes ----


def inline_callback(data: str, query_id: str) -> dict:
    """Return a ``callback_query`` from a button under an inline-mode message: it has no ``message``."""
    return {
        "callback_query": {
            "id": query_id,
            "from": USER,
            "chat_instance": "ci",
            "data": data,
            "inline_message_id": "AgAAAFNXAQBhZ2Vpbmxpbm",
        }
    }


@pytest.mark.parametrize("data", ["ask:0", "fb:up"])
async def test_button_of_an_inline_message_is_answered_without_error(services, api, caplog, data):
    caplog.set_level(logging.ERROR)
    async with running(services, api):
        api.push(inline_callback(data, "inline1"))
        [answered] = await api.wait_for(lambda: answered_query(api, "inline1"), timeout=SHORT_WAIT)
    assert "/start" in answered["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    assert api.calls_of("sendMessage") == []


@pytest.mark.parametrize("data", ["zzz", "ask", "feedback:up", "fb:sideways"])
async def test_unknown_button_is_answered(services, api, data):
    update = callback(data, message_id=1)
    async with running(services, api):
        api.push(update)
        [answered] = await api.wait_for(lambda: answered_query(api, update["callback_query"]["id"]), timeout=SHORT_WAIT)
    assert "/start" in answered["text"]
    assert api.calls_of("sendMessage") == []


@pytest.mark.parametrize("data", ["ask:-1", "ask:3", "ask:x", "ask:+1", "ask: 1", "ask:", "ask:0:1", "ask:\u0661"])
async def test_example_button_out_of_range_is_refused(services, api, data):
    update = callback(data, message_id=1)
    async with running(services, api):
        api.push(update)
        [answered] = await api.wait_for(lambda: answered_query(api, update["callback_query"]["id"]), timeout=SHORT_WAIT)
        await asyncio.sleep(0.3)  # an answer to a question would be on its way by now
    assert "/start" in answered["text"] and len(api.calls_of("answerCallbackQuery")) == 1
    assert api.calls_of("sendMessage") == []


async def test_example_button_still_asks_its_question(services, api):
    async with running(services, api):
        api.push(callback("ask:0", message_id=1))
        [reply] = await api.wait_for(lambda: api.delivered_texts(), timeout=WAIT)
    assert ANSWER_MARK in reply
    assert len(api.calls_of("answerCallbackQuery")) == 1


# ---- an outage of the Bot API: one short line per failed poll, then answers again ----


@pytest.mark.parametrize("how", ["drop", "502"])
async def test_outage_logs_one_line_per_failed_poll_and_recovers(api, private_lexical_dir, tmp_path, how):
    log_path = tmp_path / "bot.log"
    with bot_process(api, private_lexical_dir, log_path) as bot:
        await api.wait_for(alive(bot, log_path, lambda: len(api.calls_of("getUpdates")) >= 2), timeout=WAIT)
        before = len(log_path.read_bytes())
        calls_before = len(api.calls)
        api.go_down(how)
        await asyncio.sleep(OUTAGE_SECONDS)
        failed_polls = sum(1 for name, _ in api.calls[calls_before:] if name == "getUpdates")
        api.come_back()
        api.push(message(QUESTION))
        delivered = await api.wait_for(alive(bot, log_path, lambda: api.delivered_texts()), timeout=45)
        assert ANSWER_MARK in delivered[0]
    logged = log_path.read_bytes()[before:].decode("utf-8", "replace")
    lines = [line for line in logged.splitlines() if line.strip()]
    assert failed_polls >= 2
    assert "Traceback" not in logged, logged[:3000]
    assert len(lines) <= failed_polls + 1, logged[:3000]  # one per failure, and maybe one for the recovery
    assert TOKEN not in logged
