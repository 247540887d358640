"""Feedback (👍/👎) from every channel, stored in the shared database (``bot.database``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import insert, select

from bot import schema
from bot.database import Database
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
    """Appends ratings to the ``feedback`` table; what one replica stores, every other one reads.
    Safe to share between threads. Raises DatabaseUnavailable when the database cannot be used."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, feedback: Feedback) -> int:
        """Store one rating and return its id."""
        if feedback.rating not in RATINGS:
            raise InputError(f"rating must be one of {', '.join(RATINGS)}, got {feedback.rating!r}")
        with self.database.transaction() as connection:
            result = connection.execute(
                insert(schema.feedback).values(
                    channel=feedback.channel,
                    session_id=feedback.session_id,
                    question=feedback.question,
                    answer=feedback.answer,
                    rating=feedback.rating,
                    comment=feedback.comment,
                    created=feedback.created or time.time(),
                )
            )
            [feedback_id] = result.inserted_primary_key or (None,)
            if feedback_id is None:
                raise RuntimeError("the feedback row was inserted without an id")
            return int(feedback_id)

    def all(self) -> list[Feedback]:
        """Return every stored rating, oldest first."""
        table = schema.feedback
        with self.database.transaction() as connection:
            rows = connection.execute(
                select(
                    table.c.channel,
                    table.c.session_id,
                    table.c.question,
                    table.c.answer,
                    table.c.rating,
                    table.c.comment,
                    table.c.created,
                ).order_by(table.c.created, table.c.id)
            ).all()
        return [Feedback(*row) for row in rows]
