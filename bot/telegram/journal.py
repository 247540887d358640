"""Updates taken from Telegram but not yet handled, kept in a file so that a crash does not lose them.

With long polling, PTB confirms the updates it fetched on its very next getUpdates call, long
before a slow answer is sent; with a webhook, the route answers 200 as soon as the update is
queued. A crash in between (SIGKILL, out of memory, a power cut) would lose the question. So each
update is written to the journal when it enters the Application's queue — the Updater and the
webhook route both put updates there, and Telegram hears of it only afterwards — and struck off
once its handlers have run. At start-up the updates still in the journal are queued again. The ids
handled lately are kept as well, so that an update Telegram sends again (its confirmation did not
reach Telegram before the crash) is not answered twice.

The journal is the state of the one process that took the updates, not state replicas share (so
it is not in the shared database): Telegram delivers each update to one place — long polling allows
one `htxbot telegram` per bot, a webhook calls one address — and the process that crashed is the one
restarted to finish them. Behind a load balancer, Telegram's retry of an update whose webhook call
a crash cut short may reach another replica, which answers it as well: twice rather than never, as
with the retries of sends. Two processes must not share a journal file: webhook replicas each have
their own data folder, or Telegram is left to one process.

Everything here runs on the Application's event loop, one call at a time: no lock is needed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

JOURNAL_FILE = "telegram_updates.json"
REMEMBERED_IDS = 1000  # Telegram sends at most 100 updates per getUpdates: far more than a batch
MAX_ATTEMPTS = 3  # an update that took the bot down this many times is dropped, not replayed forever


class UpdateJournal:
    """The updates received and not yet handled, and the ids of the last ones handled, in a JSON
    file rewritten atomically after each change (a few hundred bytes per pending update)."""

    def __init__(self, path: Path | None, *, bot_id: str) -> None:
        self.path = path
        self.bot_id = bot_id
        self._pending: dict[int, dict[str, Any]] = {}  # update_id -> {"update": raw, "attempts": n}
        self._handled: list[int] = []
        self._load()

    def record(self, update: Update) -> bool:
        """Write down an update about to be handled; False when it is pending or handled already."""
        if update.update_id in self._pending or update.update_id in self._handled:
            return False
        self._pending[update.update_id] = {"update": update.to_dict(), "attempts": 1}
        self._save()
        return True

    def done(self, update_id: int) -> None:
        """Strike off an update whose handlers have run."""
        if self._pending.pop(update_id, None) is None:
            return
        self._handled = [*self._handled, update_id][-REMEMBERED_IDS:]
        self._save()

    def take_pending(self) -> list[dict[str, Any]]:
        """Return the raw updates a previous run left unhandled, oldest first, counting this new
        attempt; those already tried MAX_ATTEMPTS times are dropped (and logged)."""
        pending = []
        for update_id in sorted(self._pending):
            entry = self._pending[update_id]
            if entry["attempts"] >= MAX_ATTEMPTS:
                log.warning("dropping update %d: handling it was cut short %d times", update_id, entry["attempts"])
                del self._pending[update_id]
                self._handled = [*self._handled, update_id][-REMEMBERED_IDS:]
                continue
            entry["attempts"] += 1
            pending.append(entry["update"])
        self._save()
        return pending

    def pending_ids(self) -> list[int]:
        """Return the ids of the updates not handled yet."""
        return sorted(self._pending)

    def _load(self) -> None:
        if self.path is None or not self.path.exists():
            return
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("bot_id") != self.bot_id:  # another bot's ids mean nothing for this one
                log.warning("ignoring %s: it belongs to another bot", self.path)
                return
            self._pending = {int(k): dict(v) for k, v in data["pending"].items()}
            self._handled = [int(i) for i in data["handled"]][-REMEMBERED_IDS:]
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # A damaged journal costs the unanswered updates of one crash, not the bot.
            log.warning("ignoring unreadable update journal %s: %s", self.path, exc)
            self._pending, self._handled = {}, []

    def _save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps({"bot_id": self.bot_id, "pending": self._pending, "handled": self._handled}, ensure_ascii=False),
            encoding="utf-8",
        )
        os.replace(temporary, self.path)


class JournaledQueue(asyncio.Queue[object]):
    """The Application's update queue: an update is written to the journal before it is queued, and
    one the journal knows already (a second delivery by Telegram) is left out."""

    def __init__(self, journal: UpdateJournal) -> None:
        super().__init__()
        self.journal = journal

    def put_nowait(self, item: object) -> None:
        """Queue ``item`` (``put`` comes here too), journaling it first when it is an Update."""
        if isinstance(item, Update) and not self.journal.record(item):
            log.info("update %d was received before: not handled twice", item.update_id)
            return
        super().put_nowait(item)

    def requeue_pending(self, bot: Bot) -> int:
        """Queue again the updates a previous run left unhandled; return how many."""
        pending = self.journal.take_pending()
        for raw in pending:
            super().put_nowait(Update.de_json(raw, bot))
        return len(pending)


class JournaledProcessor(BaseUpdateProcessor):
    """Handle up to ``max_concurrent_updates`` updates at once; strike each off the journal once its
    handlers have run (errors included: the error handler has told the user). An update whose
    handling is cut short (the process dies, the task is cancelled) stays in the journal."""

    def __init__(self, journal: UpdateJournal, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self.journal = journal

    async def do_process_update(self, update: object, coroutine: Any) -> None:
        """Run the handlers, then strike the update off."""
        await coroutine
        if isinstance(update, Update):
            self.journal.done(update.update_id)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
