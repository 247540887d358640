"""The catalog: documents, chunks and cached embeddings in one SQLite file, the source of truth."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from retrieval.errors import IndexBusyError, IndexCorruptError, InputError
from retrieval.models import Chunk, Document
from retrieval.stats import COLUMNS as STAT_COLUMNS
from retrieval.stats import VERSION as STATS_VERSION
from retrieval.stats import StatRow

SCHEMA_VERSION = "2"  # 2: documents.source (ids became relative paths)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, text TEXT NOT NULL, date TEXT, date_source TEXT,
    place TEXT, paper TEXT, url TEXT, path TEXT, hash TEXT NOT NULL, source TEXT
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL, text TEXT NOT NULL, context TEXT NOT NULL, hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE INDEX IF NOT EXISTS documents_place ON documents(place);
CREATE TABLE IF NOT EXISTS stats (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
    place TEXT NOT NULL, place_key TEXT NOT NULL, place_from TEXT NOT NULL, place_kind TEXT NOT NULL,
    level TEXT NOT NULL, parent TEXT NOT NULL, current TEXT NOT NULL, measure TEXT NOT NULL, measure_raw TEXT NOT NULL,
    value_text TEXT NOT NULL, value REAL NOT NULL, unit TEXT NOT NULL, period TEXT NOT NULL,
    period_key TEXT NOT NULL, year INTEGER, status TEXT NOT NULL, qualifiers TEXT NOT NULL,
    scope TEXT NOT NULL, sentence TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,
    date TEXT NOT NULL, PRIMARY KEY (doc_id, seq)
);
CREATE INDEX IF NOT EXISTS stats_measure ON stats(measure, year);
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model, hash)
);
"""

_DOC_FIELDS = ("id", "title", "text", "date", "date_source", "place", "paper", "url", "path", "source")
_DOC_COLUMNS = ("id", "title", "text", "date", "date_source", "place", "paper", "url", "path", "hash", "source")


class Catalog:
    """Documents and chunks as last ingested, plus an embedding cache keyed by content hash."""

    BUSY_TIMEOUT_S = 60.0  # how long a write waits for another process's transaction

    def __init__(self, path: Path):
        self.path = path
        self.read_only = False
        try:
            self.db = self._connect(path)
            version = self.get_meta("schema_version")
            if version is None and not self.read_only:
                self.set_meta("schema_version", SCHEMA_VERSION)
                self.db.commit()
            elif version == "1" and not self.read_only:
                self._migrate_from_1()
            elif version not in (None, SCHEMA_VERSION):
                raise IndexCorruptError(
                    f"the index at {path.parent} was built by an incompatible version (schema {version}, "
                    f"expected {SCHEMA_VERSION}); rebuild it with 'htxbot ingest --rebuild PATH'"
                )
            if not self.read_only and self.get_meta("stats_version") not in (None, STATS_VERSION):
                # Rows of another extractor, maybe with other columns: the table is made again and
                # filled by the next ingest or the first query of the table.
                # The version mark goes with the rows: another version opening this index later
                # must not take the emptied table for its own current one.
                with self.db:
                    self.db.execute("DROP TABLE IF EXISTS stats")
                    self.db.execute("DELETE FROM meta WHERE key = 'stats_version'")
                self.db.executescript(_SCHEMA)
        except sqlite3.OperationalError as exc:
            raise _operational_error(exc, path) from exc
        except sqlite3.DatabaseError as exc:
            raise IndexCorruptError(
                f"the catalog {path} is unreadable ({exc}); rebuild it with "
                "'htxbot ingest --rebuild PATH' (the damaged file is set aside)"
            ) from exc

    def _connect(self, path: Path) -> sqlite3.Connection:
        """Open the catalog for writing, or read-only where the folder or file cannot be written
        (a read-only mount still answers questions)."""
        if path.exists() and not _writable(path):
            self.read_only = True
            try:
                db = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=self.BUSY_TIMEOUT_S
                )
                db.execute("SELECT COUNT(*) FROM documents").fetchone()
            except sqlite3.OperationalError:
                # A WAL database in a folder where SQLite cannot create its shared-memory file:
                # read it as immutable (nothing can change it while the folder is read-only).
                db = sqlite3.connect(
                    f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
                )
                db.execute("SELECT COUNT(*) FROM documents").fetchone()
            return db
        db = sqlite3.connect(path, check_same_thread=False, timeout=self.BUSY_TIMEOUT_S)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.executescript(_SCHEMA)
        return db

    def _migrate_from_1(self) -> None:
        """Schema 1 named a file's document by its stem; 2 keeps that name in ``source`` for
        citations. Old ids stay until their file is ingested again, which replaces them."""
        with self.db:
            self.db.execute("ALTER TABLE documents ADD COLUMN source TEXT")
            self.db.execute("UPDATE documents SET source = id")
            self.set_meta("schema_version", SCHEMA_VERSION)

    def writable(self) -> None:
        """Raise InputError unless this catalog can be written."""
        if self.read_only:
            raise InputError(
                f"the data folder {self.path.parent} is read-only: make it writable, or point "
                "HTX_DATA_DIR (or --data-dir) at a writable folder"
            )

    def close(self) -> None:
        """Close the database."""
        self.db.close()

    # meta
    def get_meta(self, key: str) -> str | None:
        """Return a stored setting, or None."""
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a setting (committed with the next transaction)."""
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # documents and chunks
    def document_hashes(self) -> dict[str, tuple[str, str | None]]:
        """Return {doc_id: (hash, path)} for every document."""
        return {row[0]: (row[1], row[2]) for row in self.db.execute("SELECT id, hash, path FROM documents")}

    def chunk_hashes(self, doc_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Return {chunk_id: hash}, for some documents or all."""
        if doc_ids is None:
            return dict(self.db.execute("SELECT id, hash FROM chunks"))
        out: dict[str, str] = {}
        ids = list(doc_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update(self.db.execute(f"SELECT id, hash FROM chunks WHERE doc_id IN ({marks})", part))
        return out

    def replace_documents(
        self,
        documents: Sequence[tuple[Document, str, list[Chunk]]],
        removed: Iterable[str],
        generation: str,
        stats: dict[str, list[StatRow]] | None = None,
        *,
        stats_complete: bool = False,
    ) -> None:
        """Write changed documents with their chunks (and their statistics rows, when given) and
        delete removed ones, in one transaction that also records ``generation`` as the catalog's
        (the other parts catch up to it). ``stats_complete`` says every document now has current rows."""
        with self.db:
            self.set_meta("catalog_generation", generation)
            if stats_complete:
                self.set_meta("stats_version", STATS_VERSION)
            for doc_id in removed:
                self.db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
            for document, doc_hash, chunks in documents:
                self.db.execute("DELETE FROM chunks WHERE doc_id = ?", (document.id,))
                self.db.execute(
                    f"INSERT OR REPLACE INTO documents ({', '.join(_DOC_COLUMNS)}) VALUES "
                    f"({', '.join('?' * len(_DOC_COLUMNS))})",
                    tuple(doc_hash if f == "hash" else getattr(document, f) for f in _DOC_COLUMNS),
                )
                self.db.executemany(
                    "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?)",
                    [(c.id, c.doc_id, c.index, c.text, c.context, c.hash) for c in chunks],
                )
                if stats is not None:
                    self._write_stats(document.id, stats.get(document.id, []))

    # the statistics table
    def _write_stats(self, doc_id: str, rows: Sequence[StatRow]) -> None:
        self.db.execute("DELETE FROM stats WHERE doc_id = ?", (doc_id,))
        self.db.executemany(
            f"INSERT INTO stats VALUES ({', '.join('?' * len(STAT_COLUMNS))})",
            [tuple(getattr(r, c) for c in STAT_COLUMNS) for r in rows],
        )

    def stats_current(self) -> bool:
        """Tell whether the statistics rows were extracted by this version's extractor."""
        return self.get_meta("stats_version") == STATS_VERSION

    def replace_stats(self, stats: dict[str, list[StatRow]], *, complete: bool) -> None:
        """Write the statistics rows of these documents; ``complete`` says every document's rows
        are now current (the version mark is set)."""
        with self.db:
            for doc_id, rows in stats.items():
                self._write_stats(doc_id, rows)
            if complete:
                self.set_meta("stats_version", STATS_VERSION)

    def stat_rows(self, *, measure: str | None = None, year: int | None = None) -> list[StatRow]:
        """Return statistics rows in article and figure order, filtered by measure or year."""
        where: list[str] = []
        args: list[object] = []
        if measure is not None:
            where.append("measure = ?")
            args.append(measure)
        if year is not None:
            where.append("year = ?")
            args.append(year)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        columns = ", ".join(f'"{c}"' for c in STAT_COLUMNS)
        rows = self.db.execute(f"SELECT {columns} FROM stats{clause} ORDER BY doc_id, seq", args)
        return [StatRow(*row) for row in rows]

    def clear(self) -> None:
        """Delete every document and chunk (the embedding cache stays)."""
        with self.db:
            self.db.execute("DELETE FROM stats")
            self.db.execute("DELETE FROM chunks")
            self.db.execute("DELETE FROM documents")

    def documents(self) -> list[tuple[Document, int]]:
        """Return every document with its chunk count, ordered by id."""
        rows = self.db.execute(
            f"SELECT {', '.join('d.' + f for f in _DOC_FIELDS)}, COUNT(c.id) FROM documents d "
            "LEFT JOIN chunks c ON c.doc_id = d.id GROUP BY d.id ORDER BY d.id"
        )
        return [(Document(*row[:-1]), row[-1]) for row in rows]

    def place_counts(self, limit: int) -> list[tuple[str, int]]:
        """Return the places documents are about, most documents first (an index scan, not a table scan)."""
        return self.db.execute(
            "SELECT place, COUNT(*) AS n FROM documents WHERE place IS NOT NULL AND place != '' "
            "GROUP BY place ORDER BY n DESC, place LIMIT ?",
            (limit,),
        ).fetchall()

    def document(self, doc_id: str) -> Document | None:
        """Return one document, or None."""
        row = self.db.execute(f"SELECT {', '.join(_DOC_FIELDS)} FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return Document(*row) if row else None

    def cited_names(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """Return {doc_id: the name citations give it} for these documents."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(doc_ids))
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            out.update(self.db.execute(f"SELECT id, COALESCE(source, id) FROM documents WHERE id IN ({marks})", part))
        return out

    def count_documents(self) -> int:
        """Return how many documents are indexed."""
        count: int = self.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        return count

    def count_chunks(self) -> int:
        """Return how many chunks are indexed."""
        count: int = self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        return count

    def chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        """Return the chunks with these ids."""
        out: dict[str, Chunk] = {}
        for i in range(0, len(ids), 500):
            part = list(ids[i : i + 500])
            marks = ",".join("?" * len(part))
            for row in self.db.execute(
                f"SELECT id, doc_id, idx, text, context, hash FROM chunks WHERE id IN ({marks})", part
            ):
                out[row[0]] = Chunk(*row)
        return out

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """Return a document's chunks in order."""
        rows = self.db.execute(
            "SELECT id, doc_id, idx, text, context, hash FROM chunks WHERE doc_id = ? ORDER BY idx", (doc_id,)
        )
        return [Chunk(*row) for row in rows]

    def iter_chunks(self, batch: int = 2000) -> Iterator[Chunk]:
        """Yield every chunk, in a stable order."""
        cursor = self.db.execute("SELECT id, doc_id, idx, text, context, hash FROM chunks ORDER BY doc_id, idx")
        while rows := cursor.fetchmany(batch):
            for row in rows:
                yield Chunk(*row)

    # embedding cache
    def cached_embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        """Return the cached vectors of these content hashes for ``model``."""
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(hashes), 500):
            part = list(hashes[i : i + 500])
            marks = ",".join("?" * len(part))
            for h, blob in self.db.execute(
                f"SELECT hash, vector FROM embeddings WHERE model = ? AND hash IN ({marks})", [model, *part]
            ):
                out[h] = np.frombuffer(blob, dtype=np.float32)
        return out

    def cached_hashes(self, model: str, hashes: Sequence[str]) -> set[str]:
        """Return which of these content hashes have a cached vector for ``model`` (vectors not read)."""
        out: set[str] = set()
        for i in range(0, len(hashes), 500):
            part = list(hashes[i : i + 500])
            marks = ",".join("?" * len(part))
            rows = self.db.execute(f"SELECT hash FROM embeddings WHERE model = ? AND hash IN ({marks})", [model, *part])
            out.update(h for (h,) in rows)
        return out

    def cache_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors by content hash; committed at once so an interrupted ingest keeps them."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model, h, np.asarray(v, np.float32).tobytes()) for h, v in vectors.items()],
            )


def document_hash(document: Document, chunks: Sequence[Chunk]) -> str:
    """Return a hash of everything stored for a document, to tell unchanged ones apart."""
    from retrieval.chunking import content_hash

    payload = json.dumps([document.to_dict() | {"path": None}, [c.hash for c in chunks]], ensure_ascii=False)
    return content_hash(payload)


def _writable(path: Path) -> bool:
    """Tell whether the catalog file and its folder (for the WAL files) can be written."""
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return False
    try:  # root passes os.access on a read-only mount
        probe = path.parent / f".write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError:
        return False
    return True


def _operational_error(exc: sqlite3.OperationalError, path: Path) -> Exception:
    """Name what an SQLite operational error means for the user: a lock held too long, a folder
    that cannot be written, or damage."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return IndexBusyError(
            f"the catalog {path} is busy: another process (an ingest?) has been writing it "
            "for over a minute; wait for it to finish and try again"
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return InputError(
            f"cannot write the data folder {path.parent} ({exc}): make it writable, or point "
            "HTX_DATA_DIR (or --data-dir) at a writable folder"
        )
    return IndexCorruptError(
        f"the catalog {path} is unreadable ({exc}); rebuild it with 'htxbot ingest --rebuild PATH'"
    )
