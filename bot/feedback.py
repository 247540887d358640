"""Feedback (👍/👎) from every channel, stored durably in SQLite in the data folder."""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval.errors import InputError

RATINGS = ("up", "down")


@dataclass(frozen=True)
class Feedback:
    """One rating of one answer."""

    channel: str
    session_id: str
    question: str
    answer: str
    rating: str
    comment: str | None = None
    created: float = 0.0


class FeedbackStore:
    """Appends ratings to ``feedback.sqlite3``; safe to share between threads."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "feedback.sqlite3"
        self._lock = threading.Lock()
        try:
            Path(data_dir).mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            with self._db:
                self._db.execute(
                    "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, "
                    "session_id TEXT NOT NULL, question TEXT NOT NULL, answer TEXT NOT NULL, rating TEXT NOT NULL, "
                    "comment TEXT, created REAL NOT NULL)"
                )
        except (OSError, sqlite3.Error) as exc:
            raise InputError(
                f"cannot open the feedback store {self.path} ({exc}): make the data folder writable, "
                "or point HTX_DATA_DIR (or --data-dir) at a writable folder"
            ) from exc

    def add(self, feedback: Feedback) -> int:
        """Store one rating and return its id."""
        if feedback.rating not in RATINGS:
            raise InputError(f"rating must be one of {', '.join(RATINGS)}, got {feedback.rating!r}")
        with self._lock, self._db:
            cursor = self._db.execute(
                "INSERT INTO feedback (channel, session_id, question, answer, rating, comment, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    feedback.channel,
                    feedback.session_id,
                    feedback.question,
                    feedback.answer,
                    feedback.rating,
                    feedback.comment,
                    feedback.created or time.time(),
                ),
            )
            if cursor.lastrowid is None:  # sqlite3 sets it after every INSERT
                raise RuntimeError("the feedback row was inserted without a row id")
            return cursor.lastrowid

    def all(self) -> list[Feedback]:
        """Return every stored rating, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT channel, session_id, question, answer, rating, comment, created FROM feedback ORDER BY id"
            ).fetchall()
        return [Feedback(*row) for row in rows]

    def close(self) -> None:
        """Close the database."""
        self._db.close()
