"""Per-chat conversation memory and the answers awaiting a rating, kept in the shared database
(``bot.database``) so that a restart, or another replica, finds them; and the per-user rate limit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, delete, insert, select

from bot import schema
from bot.database import Database, DatabaseUnavailable

log = logging.getLogger(__name__)

MAX_RATED_ANSWERS = 1000


class ConversationMemory:
    """Recent question/answer turns per chat, each expiring ``ttl_seconds`` after it was said.

    A database that cannot be used does not stop the answers: ``history`` is then empty and a turn
    or an answer to rate is not remembered (each logged). Forgetting a conversation (/moi) and
    taking a rated answer raise DatabaseUnavailable instead, so that the user is told to try again
    rather than that it was done.
    """

    def __init__(
        self, database: Database, *, ttl_seconds: float, max_turns: int, clock: Callable[[], float] = time.time
    ):
        self.database = database
        self.ttl_seconds = ttl_seconds
        self.max_turns = max_turns
        self.clock = clock

    def history(self, chat_id: int) -> list[dict[str, str]]:
        """Return the chat's unexpired turns as answerer history: user and assistant messages in order."""
        if not self.max_turns:
            return []
        turns = schema.turns
        try:
            with self.database.transaction() as connection:
                newest_first = connection.execute(
                    select(turns.c.question, turns.c.answer)
                    .where(and_(turns.c.chat_id == chat_id, turns.c.at >= self.clock() - self.ttl_seconds))
                    .order_by(turns.c.at.desc(), turns.c.id.desc())
                    .limit(self.max_turns)
                ).all()
        except DatabaseUnavailable as exc:
            log.warning("answering without the conversation memory: %s", exc)
            return []
        return [
            message
            for question, answer in reversed(newest_first)
            for message in ({"role": "user", "content": question}, {"role": "assistant", "content": answer})
        ]

    def add_turn(self, chat_id: int, question: str, answer: str) -> None:
        """Remember one question and its answer, keeping the last ``max_turns``; forget expired turns."""
        turns = schema.turns
        now = self.clock()
        try:
            with self.database.transaction() as connection:
                if self.max_turns:
                    connection.execute(insert(turns).values(chat_id=chat_id, question=question, answer=answer, at=now))
                kept = (
                    select(turns.c.id)
                    .where(turns.c.chat_id == chat_id)
                    .order_by(turns.c.at.desc(), turns.c.id.desc())
                    .limit(self.max_turns)
                )
                connection.execute(delete(turns).where(and_(turns.c.chat_id == chat_id, turns.c.id.not_in(kept))))
                connection.execute(delete(turns).where(turns.c.at < now - self.ttl_seconds))
        except DatabaseUnavailable as exc:
            log.warning("a turn of chat %d is not remembered: %s", chat_id, exc)

    def clear(self, chat_id: int) -> None:
        """Forget the chat's conversation (/moi)."""
        with self.database.transaction() as connection:
            connection.execute(delete(schema.turns).where(schema.turns.c.chat_id == chat_id))

    def remember_answer(self, chat_id: int, message_id: int, question: str, answer: str) -> None:
        """Keep the question and answer of a sent message until it is rated (the newest ones only)."""
        answers = schema.answers
        now = self.clock()
        try:
            with self.database.transaction() as connection:
                connection.execute(delete(answers).where(_sent(chat_id, message_id)))
                connection.execute(
                    insert(answers).values(
                        chat_id=chat_id, message_id=message_id, question=question, answer=answer, at=now
                    )
                )
                oldest_kept = (
                    select(answers.c.at)
                    .order_by(answers.c.at.desc())
                    .offset(MAX_RATED_ANSWERS - 1)
                    .limit(1)
                    .scalar_subquery()
                )
                connection.execute(delete(answers).where(answers.c.at < oldest_kept))
        except DatabaseUnavailable as exc:
            log.warning("an answer in chat %d cannot be rated (not remembered): %s", chat_id, exc)

    def pop_answer(self, chat_id: int, message_id: int) -> dict[str, str] | None:
        """Return and forget the question and answer of a sent message, None when unknown (or taken
        by another replica at the same moment)."""
        answers = schema.answers
        with self.database.transaction() as connection:
            found = connection.execute(
                select(answers.c.question, answers.c.answer).where(_sent(chat_id, message_id))
            ).first()
            if found is None or connection.execute(delete(answers).where(_sent(chat_id, message_id))).rowcount != 1:
                return None
        return {"question": found.question, "answer": found.answer}


def _sent(chat_id: int, message_id: int) -> ColumnElement[bool]:
    return and_(schema.answers.c.chat_id == chat_id, schema.answers.c.message_id == message_id)


class UserRateLimit:
    """At most ``limit`` questions per user in any ``window_seconds`` (a sliding window)."""

    def __init__(self, limit: int, window_seconds: float = 60.0, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window_seconds = window_seconds
        self.clock = clock
        self._asked: dict[int, list[float]] = {}

    def allow(self, user_id: int) -> bool:
        """Count a question of ``user_id`` and tell whether it is within the limit."""
        now = self.clock()
        recent = [t for t in self._asked.get(user_id, []) if t > now - self.window_seconds]
        allowed = len(recent) < self.limit
        if allowed:
            recent.append(now)
        self._asked[user_id] = recent
        return allowed
