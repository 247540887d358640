"""The tables of the shared state (feedback, Telegram conversation memory) and their migrations.

Each migration is a function of a connection, applied once, in order, inside the transaction that
records its number in ``htxbot_schema``. A migration describes its own tables (``schema_v1`` is
the layout as version 1 created it), so that a later one can change the tables the bot uses without
changing what an earlier one does on an empty database.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import BigInteger, Column, Connection, Double, Index, Integer, MetaData, String, Table, Text

SCHEMA_TABLE = "htxbot_schema"
SQLITE_FILE = "state.sqlite3"  # the default database: a SQLite file of this name in the data folder


def schema_v1(metadata: MetaData) -> dict[str, Table]:
    """Describe the tables of schema version 1 in ``metadata``."""
    return {
        "feedback": Table(
            "feedback",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("channel", String(32), nullable=False),
            Column("session_id", Text, nullable=False),
            Column("question", Text, nullable=False),
            Column("answer", Text, nullable=False),
            Column("rating", String(8), nullable=False),
            Column("comment", Text),
            Column("created", Double, nullable=False),
            # set on rows read from an older store (a hash of their content), so that a row is never imported twice
            Column("import_key", String(64), unique=True),
        ),
        "turns": Table(
            "telegram_turns",
            metadata,
            Column("id", Integer, primary_key=True, autoincrement=True),
            Column("chat_id", BigInteger, nullable=False),
            Column("question", Text, nullable=False),
            Column("answer", Text, nullable=False),
            Column("at", Double, nullable=False),
            Column("import_key", String(64), unique=True),
            Index("telegram_turns_by_chat", "chat_id", "at"),
            Index("telegram_turns_by_time", "at"),
        ),
        "answers": Table(  # the answers sent and not yet rated, for the 👍/👎 buttons under them
            "telegram_answers",
            metadata,
            Column("chat_id", BigInteger, primary_key=True, autoincrement=False),
            Column("message_id", BigInteger, primary_key=True, autoincrement=False),
            Column("question", Text, nullable=False),
            Column("answer", Text, nullable=False),
            Column("at", Double, nullable=False),
            Index("telegram_answers_by_time", "at"),
        ),
        "imports": Table(  # the older files read into this database: each content once
            "htxbot_imports",
            metadata,
            Column("fingerprint", String(64), primary_key=True),
            Column("source", Text, nullable=False),
            Column("rows", Integer, nullable=False),
            Column("imported_at", Double, nullable=False),
        ),
    }


def _create_v1(connection: Connection) -> None:
    metadata = MetaData()
    schema_v1(metadata)
    metadata.create_all(connection)


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_create_v1,)
LATEST = len(MIGRATIONS)

metadata = MetaData()
versions = Table(
    SCHEMA_TABLE,
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied", Double, nullable=False),
)
_tables = schema_v1(metadata)  # what the bot reads and writes: the layout of the LATEST version
feedback = _tables["feedback"]
turns = _tables["turns"]
answers = _tables["answers"]
imports = _tables["imports"]
