"""Feedback and conversation memory that a data folder holds in files, read once into the database.

Versions before the shared database kept the feedback in ``feedback.sqlite3`` and the Telegram
memory in ``telegram_memory.json`` in the data folder; and a data folder that used the default
database (``state.sqlite3``) may later be pointed at PostgreSQL. When a database is first opened
with a data folder, whatever of these the folder holds is copied in. Each row carries a hash of its
content (``import_key``) and each file's content is recorded by its hash in ``htxbot_imports``, so
that opening again — a restart, a second replica with a copy of the folder — adds nothing twice.
The files are left as they are: nothing is lost if the import is cut short, and another database
opened with the same folder gets them too. A file that cannot be read is named in a warning and
skipped; it is tried again on the next start.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, and_, insert, select

from bot import schema

log = logging.getLogger(__name__)

LEGACY_FEEDBACK = "feedback.sqlite3"  # FeedbackStore before the shared database
LEGACY_MEMORY = "telegram_memory.json"  # ConversationMemory before the shared database
FEEDBACK_FIELDS = ("channel", "session_id", "question", "answer", "rating", "comment", "created")
CHUNK = 500  # keys per IN (...) query


@dataclass
class Found:
    """The rows one file holds, each with its import key."""

    feedback: list[dict[str, Any]] = field(default_factory=list)
    turns: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)

    def keys(self) -> list[str]:
        """Return every row's key: what the file's fingerprint is made of."""
        return sorted(
            [row["import_key"] for row in self.feedback]
            + [row["import_key"] for row in self.turns]
            + [
                _key("answer", row["chat_id"], row["message_id"], row["question"], row["answer"])
                for row in self.answers
            ]
        )


def import_legacy_state(connection: Connection, data_dir: Path, *, own_file: Path | None) -> int:
    """Copy into the database what the data folder's older files hold and it has not got yet;
    return the number of rows added. ``own_file`` is the database's own SQLite file (not read)."""
    sources = (
        (data_dir / LEGACY_FEEDBACK, _read_sqlite),
        (data_dir / LEGACY_MEMORY, _read_memory_json),
        (data_dir / schema.SQLITE_FILE, _read_sqlite),
    )
    added = 0
    for path, read in sources:
        if not path.is_file() or (own_file is not None and _same_file(path, own_file)):
            continue
        try:
            found = read(path)
        except (OSError, sqlite3.Error, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning(
                "cannot read %s to import it (%s): it stays as it is and is tried again on the next start", path, exc
            )
            continue
        added += _store(connection, path, found)
    return added


def _store(connection: Connection, path: Path, found: Found) -> int:
    keys = found.keys()
    if not keys:
        return 0
    fingerprint = hashlib.sha256("\n".join(keys).encode()).hexdigest()
    if connection.scalar(select(schema.imports.c.fingerprint).where(schema.imports.c.fingerprint == fingerprint)):
        return 0
    feedback = _missing(connection, schema.feedback.c.import_key, found.feedback)
    turns = _missing(connection, schema.turns.c.import_key, found.turns)
    answers = [
        row
        for row in found.answers
        if connection.scalar(
            select(schema.answers.c.chat_id).where(
                and_(schema.answers.c.chat_id == row["chat_id"], schema.answers.c.message_id == row["message_id"])
            )
        )
        is None
    ]
    for table, rows in ((schema.feedback, feedback), (schema.turns, turns), (schema.answers, answers)):
        if rows:
            connection.execute(insert(table), rows)
    added = len(feedback) + len(turns) + len(answers)
    connection.execute(
        insert(schema.imports).values(fingerprint=fingerprint, source=str(path), rows=added, imported_at=time.time())
    )
    log.warning(
        "imported %s into the database: %d ratings, %d conversation turns, %d answers awaiting a rating "
        "(%d already there); the file is left as it was",
        path,
        len(feedback),
        len(turns),
        len(answers),
        len(keys) - added,
    )
    return added


def _missing(connection: Connection, column: Column[Any], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the rows whose import key the database does not hold yet (each key once)."""
    keys = list(dict.fromkeys(row["import_key"] for row in rows))
    present: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        present.update(connection.scalars(select(column).where(column.in_(keys[start : start + CHUNK]))))
    missing, seen = [], set(present)
    for row in rows:
        if row["import_key"] not in seen:
            seen.add(row["import_key"])
            missing.append(row)
    return missing


def _read_sqlite(path: Path) -> Found:
    """Read the feedback (and, from a state.sqlite3, the conversation memory) of a SQLite file."""
    with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        found = Found()
        if "feedback" in tables:
            rows = db.execute(f"SELECT {', '.join(FEEDBACK_FIELDS)} FROM feedback ORDER BY id").fetchall()
            found.feedback = [_feedback(dict(zip(FEEDBACK_FIELDS, row, strict=True))) for row in rows]
        if schema.turns.name in tables:
            rows = db.execute(f"SELECT chat_id, question, answer, at FROM {schema.turns.name} ORDER BY id").fetchall()
            found.turns = [_turn(*row) for row in rows]
        if schema.answers.name in tables:
            rows = db.execute(f"SELECT chat_id, message_id, question, answer, at FROM {schema.answers.name}").fetchall()
            found.answers = [_answer(*row) for row in rows]
        return found


def _read_memory_json(path: Path) -> Found:
    """Read the conversations and the answers awaiting a rating of a telegram_memory.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    found = Found()
    for chat_id, turns in dict(data.get("chats", {})).items():
        found.turns.extend(_turn(chat_id, t["question"], t["answer"], t["at"]) for t in turns)
    answers = list(dict(data.get("answers", {})).items())  # oldest first, as they were added
    written = path.stat().st_mtime
    for n, (where, asked) in enumerate(answers):
        chat_id, message_id = str(where).split(":")
        at = written - (len(answers) - n) * 0.001  # keeps their order for the "newest 1000" rule
        found.answers.append(_answer(chat_id, message_id, asked["question"], asked["answer"], at))
    return found


def _feedback(row: dict[str, Any]) -> dict[str, Any]:
    row["created"] = float(row["created"])
    row["import_key"] = _key("feedback", *(row[name] for name in FEEDBACK_FIELDS))
    return row


def _turn(chat_id: Any, question: Any, answer: Any, at: Any) -> dict[str, Any]:
    row = {"chat_id": int(chat_id), "question": str(question), "answer": str(answer), "at": float(at)}
    row["import_key"] = _key("turn", row["chat_id"], row["question"], row["answer"], row["at"])
    return row


def _answer(chat_id: Any, message_id: Any, question: Any, answer: Any, at: Any) -> dict[str, Any]:
    return {
        "chat_id": int(chat_id),
        "message_id": int(message_id),
        "question": str(question),
        "answer": str(answer),
        "at": float(at),
    }


def _key(kind: str, *values: object) -> str:
    """Return the hash of a row's content (repr keeps 1.0 and '1.0' apart)."""
    return hashlib.sha256(repr((kind, *values)).encode("utf-8")).hexdigest()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or a.samefile(b)
    except OSError:
        return False
