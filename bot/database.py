"""The SQL database of the state that replicas share: feedback and the Telegram conversation memory.

One URL (``HTX_DATABASE_URL``) names it: a SQLite file in the data folder by default, PostgreSQL
when several processes on several machines serve the same bot. The first use opens it, creates or
migrates its tables (``bot.schema``) and reads in the files older versions kept (``bot.legacy_state``);
processes that start together take turns (a PostgreSQL advisory lock, SQLite's write lock).

A database that cannot be reached never stops the answers: each use raises ``DatabaseUnavailable``
with a message naming the URL (password hidden) and what to do, the outage is logged once, and for
``RETRY_AFTER_S`` after a failure further uses fail at once instead of waiting on the network again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, func, insert, make_url, select, text
from sqlalchemy import exc as sa_exc

from bot import schema
from bot.legacy_state import import_legacy_state
from retrieval.errors import ConfigError, HtxError

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger(__name__)

RETRY_AFTER_S = 2.0  # after a failure, uses within this time fail at once (an unreachable host costs one timeout)
CONNECT_TIMEOUT_S = 5  # PostgreSQL: seconds to wait for a connection
SQLITE_BUSY_TIMEOUT_S = 15.0  # SQLite: seconds to wait for another process's write to finish
MIGRATION_LOCK = 0x68747862_73746174  # PostgreSQL advisory lock held while the schema is migrated
BACKENDS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg", "postgres": "postgresql+psycopg"}
DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql", "postgres", "postgresql+psycopg"}  # what a URL may name
# What a database that is down, unreachable, full or read-only raises (the rest are bugs of ours).
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError, OSError)


class DatabaseUnavailable(HtxError):
    """The database of the feedback and the conversation memory cannot be reached, opened or written."""


def database_url(settings: Settings) -> str:
    """Return the settings' database URL: HTX_DATABASE_URL, or the SQLite file in the data folder."""
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{(Path(settings.data_dir) / schema.SQLITE_FILE).absolute()}"


def open_database(settings: Settings) -> Database:
    """Return the database the settings name; nothing is connected before its first use."""
    return Database(database_url(settings), data_dir=Path(settings.data_dir))


class Database:
    """An engine over one URL, whose schema is brought up to date on first use; safe to share
    between threads."""

    def __init__(self, url: str, *, data_dir: Path | None = None, retry_after_s: float = RETRY_AFTER_S) -> None:
        try:
            parsed = make_url(url)
        except sa_exc.ArgumentError:
            raise ConfigError(
                "HTX_DATABASE_URL is not a database URL: expected sqlite:///PATH or "
                "postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME"
            ) from None
        backend = parsed.get_backend_name()
        if backend not in BACKENDS or parsed.drivername not in DRIVERS:
            raise ConfigError(
                f"HTX_DATABASE_URL names {parsed.drivername!r}: expected sqlite:///PATH or "
                "postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME (postgresql:// means the same)"
            )
        self.url = parsed.set(drivername=BACKENDS[backend])
        self.shown = self.url.render_as_string(hide_password=True)  # what messages and logs say
        self.backend = "sqlite" if backend == "sqlite" else "postgresql"
        self.data_dir = data_dir
        self.retry_after_s = retry_after_s
        self.engine = self._create_engine()
        self._prepare_lock = threading.Lock()
        self._prepared = False
        self._failed_at: float | None = None
        self._failure = ""

    @property
    def sqlite_file(self) -> Path | None:
        """Return the SQLite file of the database, None for a server (or an in-memory SQLite)."""
        name = self.url.database
        return Path(name) if self.backend == "sqlite" and name and name != ":memory:" else None

    def prepare(self) -> None:
        """Create or migrate the tables and read in older files, once; raise DatabaseUnavailable."""
        if self._prepared:
            return
        with self._prepare_lock:
            if self._prepared:
                return
            self._fail_fast()
            try:
                if self.sqlite_file is not None:
                    self.sqlite_file.parent.mkdir(parents=True, exist_ok=True)
                with self.engine.begin() as connection:
                    version = self._migrate(connection)
                    if self.data_dir is not None:
                        import_legacy_state(connection, self.data_dir, own_file=self.sqlite_file)
            except UNAVAILABLE as exc:
                raise self._failed(exc) from exc
            self._prepared = True
            self._recovered()
            log.info("database %s ready (schema version %d)", self.shown, version)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """Yield a connection in a transaction, committed at the end; raise DatabaseUnavailable when
        the database cannot be reached or written."""
        self.prepare()
        self._fail_fast()
        try:
            with self.engine.begin() as connection:
                yield connection
        except UNAVAILABLE as exc:
            raise self._failed(exc) from exc
        self._recovered()

    def ping(self) -> None:
        """Check that the database answers (for readiness checks); raise DatabaseUnavailable."""
        with self.transaction() as connection:
            connection.execute(text("SELECT 1"))

    def schema_version(self) -> int:
        """Return the schema version the database is at."""
        with self.transaction() as connection:
            return int(connection.scalar(select(func.max(schema.versions.c.version))) or 0)

    def close(self) -> None:
        """Close the pooled connections."""
        self.engine.dispose()

    def _create_engine(self) -> Engine:
        if self.backend == "postgresql":
            return create_engine(
                self.url,
                pool_pre_ping=True,  # a server restarted since: its dead connections are replaced, not reported
                pool_size=5,
                max_overflow=5,
                pool_timeout=CONNECT_TIMEOUT_S,
                connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
            )
        engine = create_engine(self.url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})

        # Python's sqlite3 begins transactions late (not before a SELECT or a CREATE TABLE), so two
        # processes could both see the schema missing and both create it: SQLAlchemy's recipe
        # (sqlite dialect docs, "Transactions with SQLite") begins every transaction itself, and
        # IMMEDIATE takes the write lock at once, so that a read-then-write cannot interleave.
        @event.listens_for(engine, "connect")
        def _own_transactions(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(connection: Connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine

    def _migrate(self, connection: Connection) -> int:
        if self.backend == "postgresql":  # released at the end of the transaction
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        schema.versions.create(connection, checkfirst=True)
        version = int(connection.scalar(select(func.max(schema.versions.c.version))) or 0)
        if version > schema.LATEST:
            newer = DatabaseUnavailable(
                f"the database {self.shown} is at schema version {version}, made by a newer htxbot "
                f"(this one knows versions up to {schema.LATEST}): upgrade htxbot here as well"
            )
            log.error("%s", newer)
            raise newer
        for number in range(version + 1, schema.LATEST + 1):
            schema.MIGRATIONS[number - 1](connection)
            connection.execute(insert(schema.versions).values(version=number, applied=time.time()))
            log.info("database %s migrated to schema version %d", self.shown, number)
        return schema.LATEST

    def _fail_fast(self) -> None:
        failed_at = self._failed_at
        if failed_at is not None and time.monotonic() - failed_at < self.retry_after_s:
            raise DatabaseUnavailable(self._failure)

    def _failed(self, exc: BaseException) -> DatabaseUnavailable:
        error = DatabaseUnavailable(self._describe(exc))
        first = self._failed_at is None
        self._failed_at, self._failure = time.monotonic(), str(error)
        if first:
            log.error(
                "%s. Questions are still answered; feedback cannot be stored and Telegram conversations "
                "are not remembered until the database is back.",
                error,
            )
        return error

    def _recovered(self) -> None:
        if self._failed_at is not None:
            self._failed_at = None
            log.warning("the database %s can be used again", self.shown)

    def _describe(self, exc: BaseException) -> str:
        original = getattr(exc, "orig", None) or exc
        lines = str(original).strip().splitlines()
        reason = lines[0].strip() if lines else type(original).__name__
        if self.url.password:
            reason = reason.replace(str(self.url.password), "***")
        if self.backend == "sqlite":
            hint = (
                "make the data folder writable (HTX_DATA_DIR or --data-dir), "
                "or point HTX_DATABASE_URL at a database that is"
            )
        else:
            hint = (
                "start the database server or make it reachable from here, and check the user, password, "
                "host, port and database name in HTX_DATABASE_URL"
            )
        return f"cannot use the database {self.shown} ({reason}): {hint}"
