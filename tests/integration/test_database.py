"""The shared database (feedback, Telegram memory) on SQLite and on a real PostgreSQL started by the
test: schema on first use, writes seen across processes and engines, expiry, the import of older
files, and a database that is down (a clear message, and answering goes on)."""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace

import pytest
from sqlalchemy import func, inspect, select

from bot import schema
from bot.database import Database, DatabaseUnavailable
from bot.feedback import Feedback, FeedbackStore
from bot.legacy_state import LEGACY_FEEDBACK, LEGACY_MEMORY
from bot.telegram.handlers import FAILED_BUTTON
from bot.telegram.memory import ConversationMemory
from bot.web.errors import DATABASE_DOWN
from tests.fake_telegram import FakeBotApi
from tests.helpers.postgres import PASSWORD, running_postgres
from tests.helpers.processes import clean_env
from tests.helpers.telegram import PRIVATE, callback, message, running

# What FeedbackStore created in feedback.sqlite3 before the shared database (kept here as it was).
OLD_FEEDBACK_TABLE = (
    "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, "
    "session_id TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, rating TEXT NOT NULL, "
    "comment TEXT, created REAL NOT NULL)"
)
GROUP_CHAT = -1001234567890  # supergroup ids need 64 bits

# A second process: stores one rating when given one, then prints every rating it reads.
OTHER_PROCESS = """
import json, sys
from bot.database import Database
from bot.feedback import Feedback, FeedbackStore
database = Database(sys.argv[1])
store = FeedbackStore(database)
if len(sys.argv) > 2:
    store.add(Feedback(channel="web", session_id="other", question=sys.argv[2], answer="a", rating="down"))
print(json.dumps([[f.session_id, f.question, f.rating, f.comment] for f in store.all()], ensure_ascii=False))
database.close()
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path) -> str:
    """An empty database of each kind: a SQLite file, or a new database on the session's PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'shared' / 'state.sqlite3'}"
    return request.getfixturevalue("postgres_server").new_database()


@pytest.fixture
def down_url(tmp_path) -> str:
    """A PostgreSQL URL with a password, on a port where nothing listens."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql+psycopg://htx:{PASSWORD}@127.0.0.1:{port}/htx"


@pytest.fixture
def own_postgres(postgres_server):
    """A PostgreSQL of this test's own (to stop and start), where the session's one could be started."""
    with running_postgres() as server:
        yield server


async def ask(api: FakeBotApi, update: dict) -> list[dict]:
    """Push an update and return the messages it caused (waits for the first)."""
    before = len(api.calls_of("sendMessage"))
    api.push(update)
    return await api.wait_for(lambda: api.calls_of("sendMessage")[before:])


def other_process(url: str, *question: str) -> list[list]:
    """Run OTHER_PROCESS (another interpreter, its own engine) on ``url``; return what it read."""
    done = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, url, *question],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_schema_is_created_on_first_use_once_by_engines_starting_together(url, closing):
    databases = [closing(Database(url)) for _ in range(3)]
    errors: list[BaseException] = []

    def prepare(database: Database) -> None:
        try:
            database.prepare()
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=prepare, args=(d,)) for d in databases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and not any(t.is_alive() for t in threads)
    tables = set(inspect(databases[0].engine).get_table_names())
    assert {"htxbot_schema", "feedback", "telegram_turns", "telegram_answers", "htxbot_imports"} <= tables
    with databases[1].transaction() as connection:  # each migration applied once
        assert connection.scalar(select(func.count()).select_from(schema.versions)) == schema.LATEST
    assert closing(Database(url)).schema_version() == schema.LATEST


def test_feedback_stored_by_one_process_is_read_by_another(url, closing):
    database = closing(Database(url))
    store = FeedbackStore(database)
    store.add(Feedback(channel="web", session_id="s1", question="Chợ Đồn có bao nhiêu HTX?", answer="42", rating="up"))
    # another process reads it, and stores one of its own ...
    assert other_process(url, "Lạng Sơn?") == [
        ["s1", "Chợ Đồn có bao nhiêu HTX?", "up", None],
        ["other", "Lạng Sơn?", "down", None],
    ]
    # ... which this process, and a second engine of it, read
    assert [f.question for f in store.all()] == ["Chợ Đồn có bao nhiêu HTX?", "Lạng Sơn?"]
    assert len(FeedbackStore(closing(Database(url))).all()) == 2


def test_telegram_memory_is_shared_and_expires(url, closing):
    now = [1_000_000.0]
    first, second = (
        ConversationMemory(closing(Database(url)), ttl_seconds=60, max_turns=2, clock=lambda: now[0]) for _ in range(2)
    )
    for n in range(3):
        first.add_turn(GROUP_CHAT, f"q{n}", f"a{n}")
        now[0] += 1
    assert [m["content"] for m in second.history(GROUP_CHAT)] == ["q1", "a1", "q2", "a2"]  # the last two turns
    assert [m["role"] for m in second.history(GROUP_CHAT)] == ["user", "assistant", "user", "assistant"]
    assert second.history(7) == []

    first.remember_answer(GROUP_CHAT, 70, "q2", "a2")
    assert second.pop_answer(GROUP_CHAT, 70) == {"question": "q2", "answer": "a2"}
    assert first.pop_answer(GROUP_CHAT, 70) is None  # rated once only, whichever replica is asked

    first.add_turn(7, "q", "a")
    second.clear(7)
    assert first.history(7) == []

    now[0] += 58  # the two turns of GROUP_CHAT are 59 s and 60 s old: kept
    assert [m["content"] for m in first.history(GROUP_CHAT)] == ["q1", "a1", "q2", "a2"]
    now[0] += 1.5
    assert [m["content"] for m in first.history(GROUP_CHAT)] == []
    second.add_turn(8, "new", "turn")  # removes every expired turn
    with first.database.transaction() as connection:
        left = connection.execute(select(schema.turns.c.chat_id, schema.turns.c.question)).all()
    assert [tuple(row) for row in left] == [(8, "new")]


def test_older_files_are_imported_once_and_left_in_place(url, tmp_path, caplog, closing):
    data = tmp_path / "data"
    data.mkdir()
    with contextlib.closing(sqlite3.connect(data / LEGACY_FEEDBACK)) as old, old:
        old.execute(OLD_FEEDBACK_TABLE)
        old.executemany(
            "INSERT INTO feedback (channel, session_id, question, answer, rating, comment, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                ("web", "s1", "Chợ Đồn có bao nhiêu HTX?", "42 HTX", "up", None, 1700000000.5),
                ("telegram", "111", "Lạng Sơn?", "153 HTX", "down", "thiếu năm 2020", 1700000100.25),
            ],
        )
    now = time.time()
    memory_file = {
        "chats": {
            "111": [{"question": "Chợ Đồn có bao nhiêu HTX?", "answer": "42 HTX", "at": now - 30}],
            str(GROUP_CHAT): [{"question": "old", "answer": "old", "at": now - 7200}],  # expired
        },
        "answers": {"111:9": {"question": "Chợ Đồn có bao nhiêu HTX?", "answer": "42 HTX"}},
    }
    (data / LEGACY_MEMORY).write_text(json.dumps(memory_file, ensure_ascii=False), encoding="utf-8")
    before = {name: (data / name).read_bytes() for name in (LEGACY_FEEDBACK, LEGACY_MEMORY)}

    database = closing(Database(url, data_dir=data))
    memory = ConversationMemory(database, ttl_seconds=3600, max_turns=6)
    stored = FeedbackStore(database).all()
    assert [(f.channel, f.session_id, f.rating, f.comment, f.created) for f in stored] == [
        ("web", "s1", "up", None, 1700000000.5),
        ("telegram", "111", "down", "thiếu năm 2020", 1700000100.25),
    ]
    assert [m["content"] for m in memory.history(111)] == ["Chợ Đồn có bao nhiêu HTX?", "42 HTX"]
    assert memory.pop_answer(111, 9) == {"question": "Chợ Đồn có bao nhiêu HTX?", "answer": "42 HTX"}
    assert any(LEGACY_FEEDBACK in r.getMessage() and "2 ratings" in r.getMessage() for r in caplog.records)

    # A restart, and a second replica with a copy of the folder: nothing twice, the rated answer stays rated.
    copy = tmp_path / "copy"
    shutil.copytree(data, copy)
    for folder in (data, copy):
        again = closing(Database(url, data_dir=folder))
        assert len(FeedbackStore(again).all()) == 2
        assert ConversationMemory(again, ttl_seconds=3600, max_turns=6).pop_answer(111, 9) is None
        assert len(ConversationMemory(again, ttl_seconds=3600, max_turns=6).history(111)) == 2
    assert {name: (data / name).read_bytes() for name in before} == before  # left as they were

    # A folder that used the default SQLite database, pointed at this one: its state comes along.
    single = tmp_path / "single"
    default = closing(Database(f"sqlite:///{single / schema.SQLITE_FILE}", data_dir=single))
    FeedbackStore(default).add(Feedback(channel="web", session_id="s9", question="q9", answer="a9", rating="up"))
    assert [f.session_id for f in FeedbackStore(closing(Database(url, data_dir=single))).all()][-1] == "s9"

    # A damaged file is named and skipped; the rest of the folder is imported.
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / LEGACY_MEMORY).write_text('{"chats": {"5": [{"question": "q"', encoding="utf-8")
    shutil.copy(data / LEGACY_FEEDBACK, damaged / LEGACY_FEEDBACK)
    caplog.clear()
    assert len(FeedbackStore(closing(Database(url, data_dir=damaged))).all()) == 3
    assert any(f"cannot read {damaged / LEGACY_MEMORY}" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("kind", ["postgresql", "sqlite"])
def test_a_database_that_cannot_be_used_gives_a_clear_message_and_answering_goes_on(
    kind, down_url, tmp_path, caplog, closing
):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    url = down_url if kind == "postgresql" else f"sqlite:///{blocked / 'state.sqlite3'}"
    database = closing(Database(url, retry_after_s=0))
    with pytest.raises(DatabaseUnavailable) as raised:
        FeedbackStore(database).add(Feedback(channel="web", session_id="s", question="q", answer="a", rating="up"))
    said = str(raised.value)
    if kind == "postgresql":
        shown = down_url.replace(PASSWORD, "***")
        assert f"cannot use the database {shown} (" in said and PASSWORD not in said
        assert "Connection refused" in said
        assert "start the database server" in said and "HTX_DATABASE_URL" in said
    else:
        assert str(blocked) in said and "make the data folder writable" in said

    memory = ConversationMemory(database, ttl_seconds=60, max_turns=6)
    assert memory.history(1) == []  # answered without the conversation
    memory.add_turn(1, "q", "a")  # not remembered, not raised
    memory.remember_answer(1, 2, "q", "a")
    with pytest.raises(DatabaseUnavailable):
        memory.pop_answer(1, 2)  # the rating is not lost: the user is told to try again
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)
    outage = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(outage) == 1 and "Questions are still answered" in outage[0].getMessage()  # logged once


def test_an_unusable_url_is_refused_at_start_with_the_forms_allowed():
    from pydantic import ValidationError

    from bot.settings import Settings
    from retrieval.errors import ConfigError

    with pytest.raises(ValidationError, match="expected sqlite:///PATH or postgresql"):
        Settings(database_url="mysql://u:p@h/db")
    with pytest.raises(ConfigError, match="HTX_DATABASE_URL names 'postgresql\\+psycopg2'"):
        Database("postgresql+psycopg2://u:p@h/db")
    assert Database("postgres://u:p@h/db").shown == "postgresql+psycopg://u:***@h/db"


def test_a_database_that_comes_back_is_used_again(own_postgres, closing):
    store = FeedbackStore(closing(Database(own_postgres.new_database(), retry_after_s=0)))
    store.add(Feedback(channel="web", session_id="before", question="q", answer="a", rating="up"))
    own_postgres.stop()  # the pooled connection dies with it
    with pytest.raises(DatabaseUnavailable, match="cannot use the database .* HTX_DATABASE_URL"):
        store.add(Feedback(channel="web", session_id="during", question="q", answer="a", rating="up"))
    own_postgres.start(port=own_postgres.port)
    store.add(Feedback(channel="web", session_id="after", question="q", answer="a", rating="up"))
    assert [f.session_id for f in store.all()] == ["before", "after"]


async def test_feedback_given_to_one_replica_is_read_through_the_other(url, private_lexical_dir, web_client):
    first, first_services = web_client(private_lexical_dir, database_url=url)
    second, second_services = web_client(private_lexical_dir, database_url=url)
    rating = {"session_id": "w1", "question": "Chợ Đồn có bao nhiêu HTX?", "answer": "42 HTX", "rating": "down"}
    async with first, second:
        response = await first.post("/api/feedback", json={**rating, "comment": "thiếu nguồn"})
        assert response.status_code == 201, response.text
        answered = await second.post("/api/ask", json={"question": "Chợ Đồn có bao nhiêu HTX?"})
        assert answered.status_code == 200 and "42" in answered.json()["answer"]
    [seen] = second_services.feedback.all()
    assert (seen.session_id, seen.rating, seen.comment, seen.channel) == ("w1", "down", "thiếu nguồn", "web")


async def test_the_web_api_answers_while_the_database_is_down(down_url, private_lexical_dir, web_client, caplog):
    client, _ = web_client(private_lexical_dir, database_url=down_url)
    rating = {"session_id": "w1", "question": "q", "answer": "a", "rating": "up"}
    async with client:
        refused = await client.post("/api/feedback", json=rating)
        answered = await client.post("/api/ask", json={"question": "Chợ Đồn có bao nhiêu HTX?"})
    assert refused.status_code == 503 and refused.json() == {"detail": DATABASE_DOWN}
    assert refused.headers["Retry-After"] == "30"
    assert answered.status_code == 200 and "42" in answered.json()["answer"]
    assert any("HTX_DATABASE_URL" in r.getMessage() for r in caplog.records)
    assert all(PASSWORD not in r.getMessage() for r in caplog.records)


async def test_the_telegram_bot_remembers_through_the_database_and_answers_while_it_is_down(
    lexical_services, api, tmp_path, url, down_url, closing
):
    def services_on(database_url: str):
        settings = lexical_services.settings.model_copy(
            update={"data_dir": tmp_path / "data", "database_url": database_url}
        )
        database = Database(database_url)
        return replace(lexical_services, settings=settings, database=database, feedback=FeedbackStore(database))

    shared = services_on(url)
    with contextlib.closing(shared.database):
        async with running(shared, api):
            await ask(api, message("Huyện Chợ Đồn có bao nhiêu HTX?"))
            api.push(callback("fb:up", message_id=api.sent_message_ids[-1]))
            await api.wait_for(lambda: api.calls_of("editMessageReplyMarkup"))
        async with running(shared, api):  # a restart, or another replica: the conversation goes on
            [follow_up] = await ask(api, message("Còn thành phố Bắc Kạn thì sao?"))
        assert "44" in follow_up["text"]
        [stored] = FeedbackStore(closing(Database(url))).all()
        assert (stored.channel, stored.session_id, stored.rating) == ("telegram", str(PRIVATE["id"]), "up")

    down = services_on(down_url)
    with contextlib.closing(down.database):
        async with running(down, api):
            [answer] = await ask(api, message("Huyện Chợ Đồn có bao nhiêu HTX?"))
            assert "42" in answer["text"]
            api.push(callback("fb:up", message_id=api.sent_message_ids[-1]))
            spinner_stopped = await api.wait_for(
                lambda: [c for c in api.calls_of("answerCallbackQuery") if c.get("text") == FAILED_BUTTON]
            )
    assert spinner_stopped  # told to try again; the bot goes on
