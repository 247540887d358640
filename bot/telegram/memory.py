"""Per-chat conversation memory and the answers awaiting a rating, kept in a JSON file across restarts."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

MEMORY_FILE = "telegram_memory.json"
MAX_RATED_ANSWERS = 1000


class ConversationMemory:
    """Recent question/answer turns per chat, each expiring ``ttl_seconds`` after it was said.

    The file is rewritten (atomically) after every change: the data are small and a restart of the
    bot must find the conversations where they were.
    """

    def __init__(
        self, path: Path | None, *, ttl_seconds: float, max_turns: int, clock: Callable[[], float] = time.time
    ):
        self.path = path
        self.ttl_seconds = ttl_seconds
        self.max_turns = max_turns
        self.clock = clock
        self._lock = threading.Lock()
        self._chats: dict[str, list[dict[str, Any]]] = {}
        self._answers: dict[str, dict[str, str]] = {}
        self._load()

    def history(self, chat_id: int) -> list[dict[str, str]]:
        """Return the chat's unexpired turns as answerer history: user and assistant messages in order."""
        with self._lock:
            turns = self._fresh(str(chat_id))
        return [
            message
            for turn in turns
            for message in (
                {"role": "user", "content": turn["question"]},
                {"role": "assistant", "content": turn["answer"]},
            )
        ]

    def add_turn(self, chat_id: int, question: str, answer: str) -> None:
        """Remember one question and its answer, keeping the last ``max_turns``."""
        with self._lock:
            turns = self._fresh(str(chat_id))
            turns.append({"question": question, "answer": answer, "at": self.clock()})
            self._chats[str(chat_id)] = turns[-self.max_turns :] if self.max_turns else []
            self._save()

    def clear(self, chat_id: int) -> None:
        """Forget the chat's conversation (/moi)."""
        with self._lock:
            if self._chats.pop(str(chat_id), None) is not None:
                self._save()

    def remember_answer(self, chat_id: int, message_id: int, question: str, answer: str) -> None:
        """Keep the question and answer of a sent message until it is rated (the newest ones only)."""
        with self._lock:
            self._answers[f"{chat_id}:{message_id}"] = {"question": question, "answer": answer}
            while len(self._answers) > MAX_RATED_ANSWERS:
                self._answers.pop(next(iter(self._answers)))
            self._save()

    def pop_answer(self, chat_id: int, message_id: int) -> dict[str, str] | None:
        """Return and forget the question and answer of a sent message, None when unknown."""
        with self._lock:
            found = self._answers.pop(f"{chat_id}:{message_id}", None)
            if found is not None:
                self._save()
            return found

    def _fresh(self, key: str) -> list[dict[str, Any]]:
        oldest = self.clock() - self.ttl_seconds
        return [turn for turn in self._chats.get(key, []) if turn["at"] >= oldest]

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self._chats = {str(k): list(v) for k, v in data.get("chats", {}).items()}
            self._answers = dict(data.get("answers", {}))
        except (OSError, ValueError, AttributeError) as exc:
            # A damaged memory file costs the conversations, not the bot.
            log.warning("ignoring unreadable conversation memory %s: %s", self.path, exc)
            self._chats, self._answers = {}, {}

    def _save(self) -> None:
        if self.path is None:
            return
        oldest = self.clock() - self.ttl_seconds
        chats = {k: [t for t in v if t["at"] >= oldest] for k, v in self._chats.items()}
        self._chats = {k: v for k, v in chats.items() if v}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({"chats": self._chats, "answers": self._answers}, ensure_ascii=False), encoding="utf-8"
        )
        os.replace(temporary, self.path)


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
