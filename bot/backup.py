"""Backup and restore of a data folder: one .tar.gz with a manifest of every file and its checksum.

A backup holds the data folder's ingest lock, so no ingest changes the index while it is read;
SQLite files (the catalog, the state database of ratings and conversations, Chroma's own) are copied
with SQLite's online backup, so a server writing a rating at the same time still gives a consistent
copy. Nothing is skipped
but what the folder can make again: the lock, SQLite's -wal/-shm side files (their content is in
the copy), damaged catalogs set aside, and the converted embedding model (``models/``).

A restore reads the whole archive into a hidden folder inside the target, checks every file
against the manifest, and only then puts the files in place: a broken archive leaves the target as
it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from filelock import FileLock, Timeout

from retrieval.errors import IndexBusyError, InputError
from retrieval.parts import LOCK_FILE

log = logging.getLogger(__name__)

MANIFEST = "htxbot-backup.json"
FORMAT = 1
CATALOG = "catalog.sqlite3"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's: their content is in the online copy
_SKIPPED_FOLDERS = ("models",)  # the converted embedding model: made again by the first start
_STAGING_PREFIX = ".htxbot-restore-"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class BackupReport:
    """What a backup or a restore copied."""

    archive: Path
    data_dir: Path
    files: int
    bytes: int
    documents: int | None
    generation: str | None

    def summary(self, verb: str) -> str:
        """One line for the CLI: what was copied where."""
        documents = "" if self.documents is None else f", {self.documents} documents"
        return f"{verb} {self.files} files ({self.bytes / 1e6:.1f} MB{documents})"


# --- the lock -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _ingest_lock(data_dir: Path, wait_s: float) -> Iterator[None]:
    """Hold the data folder's ingest lock (the one ``htxbot ingest`` takes), waiting ``wait_s`` for
    a running ingest; a folder that cannot be written cannot be ingested into either, and is read
    without it."""
    lock = FileLock(str(data_dir / LOCK_FILE))
    try:
        _acquire(lock, data_dir, wait_s)
    except OSError as exc:
        log.info("cannot lock %s (%s): read-only, so no ingest can change it either", data_dir, exc.strerror)
    try:
        yield
    finally:
        if lock.is_locked:
            lock.release()


def _acquire(lock: FileLock, data_dir: Path, wait_s: float) -> None:
    try:
        lock.acquire(timeout=0)
        return
    except Timeout:
        log.warning("an ingest is running in %s: waiting up to %g s for it to finish", data_dir, wait_s)
    try:
        lock.acquire(timeout=wait_s)
    except Timeout as exc:
        raise IndexBusyError(
            f"an ingest has held {data_dir} for {wait_s:g} s; try again when it has finished "
            f"(or wait longer with --wait), or delete {data_dir / LOCK_FILE} if no htxbot process is running"
        ) from exc


# --- backup ---------------------------------------------------------------------------------------


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(_SQLITE_MAGIC)) == _SQLITE_MAGIC


def _skipped(relative: PurePosixPath) -> bool:
    name = relative.name
    return (
        name == LOCK_FILE
        or name.endswith(_SIDE_FILES + (".tmp",))  # .tmp: a JSON file being replaced
        or name.startswith("catalog.corrupt-")
        or relative.parts[0] in _SKIPPED_FOLDERS
        or relative.parts[0].startswith(_STAGING_PREFIX)  # a restore in progress
    )


def _files(data_dir: Path) -> list[tuple[Path, PurePosixPath]]:
    """Return the files to back up, as (path, name in the archive), in a stable order."""
    found = []
    for root, folders, names in os.walk(data_dir):
        folders.sort()
        for name in sorted(names):
            path = Path(root) / name
            relative = PurePosixPath(path.relative_to(data_dir).as_posix())
            if path.is_file() and not path.is_symlink() and not _skipped(relative):
                found.append((path, relative))
    return found


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy a SQLite database with SQLite's online backup (consistent while others write to it)."""
    uri = f"{source.resolve().as_uri()}?mode=ro"
    if not os.access(source.parent, os.W_OK):
        uri += "&immutable=1"  # no -shm file can be made; and nothing can change a read-only folder
    try:
        with (
            contextlib.closing(sqlite3.connect(uri, uri=True)) as src,
            contextlib.closing(sqlite3.connect(target)) as dst,
        ):
            src.backup(dst)
    except sqlite3.Error as exc:
        raise InputError(f"cannot copy the database {source} ({exc}); is it damaged?") from exc


def _catalog_facts(catalog: Path) -> tuple[int | None, str | None]:
    """Return the number of documents and the generation of a (copied) catalog."""
    try:
        with contextlib.closing(sqlite3.connect(f"{catalog.resolve().as_uri()}?mode=ro", uri=True)) as db:
            documents = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    except sqlite3.Error:
        return None, None
    return int(documents), (row[0] if row else None)


class _Hashing(io.RawIOBase):
    """A file read through, hashing what is read (tar reads each member exactly once)."""

    def __init__(self, fh: IO[bytes]):
        self._fh = fh
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._fh.read(len(buffer))
        self.sha256.update(data)
        buffer[: len(data)] = data
        return len(data)


def _add(tar: tarfile.TarFile, path: Path, name: str) -> tuple[int, str]:
    """Add one file to the archive; return its size and SHA-256."""
    info = tarfile.TarInfo(name)
    info.size = path.stat().st_size
    info.mtime = int(path.stat().st_mtime)
    info.mode = 0o640
    with path.open("rb") as fh:
        reader = _Hashing(fh)
        tar.addfile(info, io.BufferedReader(reader, _CHUNK))
    return info.size, reader.sha256.hexdigest()


def _write_files(
    tar: tarfile.TarFile, data_dir: Path, wait_s: float
) -> tuple[list[dict[str, Any]], int | None, str | None]:
    """Add the folder's files to ``tar`` under its ingest lock; return the manifest's entries and
    the catalog's number of documents and generation."""
    entries: list[dict[str, Any]] = []
    documents, generation = None, None
    with tempfile.TemporaryDirectory(prefix="htxbot-backup-") as scratch, _ingest_lock(data_dir, wait_s):
        for number, (path, relative) in enumerate(_files(data_dir)):
            if not path.is_file():  # a server's file replaced since the folder was listed
                continue
            source = path
            if _is_sqlite(path):
                source = Path(scratch) / f"{number}.sqlite3"
                _sqlite_copy(path, source)
                if str(relative) == CATALOG:
                    documents, generation = _catalog_facts(source)
            size, digest = _add(tar, source, str(relative))
            entries.append({"path": str(relative), "size": size, "sha256": digest})
            if source != path:
                source.unlink()
    return entries, documents, generation


def _add_manifest(tar: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
    info = tarfile.TarInfo(MANIFEST)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


def backup(data_dir: Path, archive: Path, *, wait_s: float = 600.0, version: str = "") -> BackupReport:
    """Write the data folder ``data_dir`` to the .tar.gz ``archive`` (replaced atomically if it exists)."""
    data_dir = Path(data_dir)
    archive = Path(archive)
    if not data_dir.is_dir():
        raise InputError(f"no such data folder: {data_dir}")
    if not (data_dir / CATALOG).is_file():
        raise InputError(f"{data_dir} is not an htxbot data folder (it has no {CATALOG}); check HTX_DATA_DIR")
    if not archive.parent.is_dir():
        raise InputError(f"cannot write {archive}: there is no folder {archive.parent}")
    if archive.resolve().is_relative_to(data_dir.resolve()):
        raise InputError(f"write the backup outside the data folder {data_dir}, not to {archive}")
    partial = archive.with_name(f".{archive.name}.partial-{os.getpid()}")
    try:
        with partial.open("wb") as out, tarfile.open(fileobj=out, mode="w:gz", compresslevel=6) as tar:
            entries, documents, generation = _write_files(tar, data_dir, wait_s)
            _add_manifest(
                tar,
                {
                    "format": FORMAT,
                    "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "htxbot": version,
                    "documents": documents,
                    "generation": generation,
                    "files": entries,
                },
            )
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, archive)
    except OSError as exc:
        raise InputError(f"cannot write {exc.filename or archive}: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)
    total = sum(int(entry["size"]) for entry in entries)
    return BackupReport(archive, data_dir, len(entries), total, documents, generation)


# --- restore --------------------------------------------------------------------------------------


def _member_path(member: tarfile.TarInfo, archive: Path) -> PurePosixPath:
    """Return a member's name after checking that it is a plain file inside the folder."""
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts or not name.parts:
        raise InputError(f"{archive} is not an htxbot backup: it holds {member.name!r}, which a backup never has")
    return name


def _unpack(archive: Path, staging: Path) -> dict[str, Any]:
    """Extract ``archive`` into ``staging``, checking every file against the manifest; return it."""
    digests: dict[str, tuple[int, str]] = {}
    manifest: dict[str, Any] | None = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = _member_path(member, archive)
                source = tar.extractfile(member)
                if source is None:  # pragma: no cover - _member_path admits regular files only
                    continue
                if str(name) == MANIFEST:
                    manifest = json.loads(source.read().decode("utf-8"))
                    continue
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
                digests[str(name)] = (member.size, digest.hexdigest())
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        if isinstance(exc, OSError) and exc.filename is not None and Path(exc.filename) != archive:
            raise InputError(f"cannot write {exc.filename}: {exc.strerror}") from exc
        raise InputError(f"{archive} is not a readable htxbot backup (truncated or damaged?): {exc}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{archive}: its manifest {MANIFEST} is not JSON: {exc}") from exc
    if manifest is None or not isinstance(manifest.get("files"), list):
        raise InputError(f"{archive} is not an htxbot backup: it has no {MANIFEST}")
    if manifest.get("format") != FORMAT:
        raise InputError(
            f"{archive} is a backup of format {manifest.get('format')!r}; this htxbot reads format {FORMAT} "
            "(restore it with the htxbot version that made it)"
        )
    expected = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
    for name, facts in expected.items():
        if name not in digests:
            raise InputError(f"{archive} is damaged: {name} is listed in its manifest but missing")
        if digests[name] != facts:
            raise InputError(f"{archive} is damaged: {name} does not match its checksum")
    extra = sorted(set(digests) - set(expected))
    if extra:
        raise InputError(f"{archive} is damaged: {extra[0]} is not in its manifest")
    return manifest


def restore(archive: Path, data_dir: Path, *, force: bool = False, wait_s: float = 600.0) -> BackupReport:
    """Restore the backup ``archive`` into ``data_dir``, which must be empty or missing unless
    ``force`` (its contents are then replaced, once the whole archive has been read and checked)."""
    archive = Path(archive)
    data_dir = Path(data_dir)
    if not archive.is_file():
        raise InputError(f"no such backup file: {archive}")
    if data_dir.exists() and not data_dir.is_dir():
        raise InputError(f"cannot restore into {data_dir}: it is a file, not a folder")
    if archive.resolve().is_relative_to(data_dir.resolve()):
        raise InputError(f"move the backup {archive} out of {data_dir} first: restoring replaces that folder")
    present = [p for p in data_dir.iterdir() if p.name != LOCK_FILE] if data_dir.is_dir() else []
    if present and not force:
        raise InputError(
            f"{data_dir} is not empty (it holds {present[0].name}…): restore into an empty or new folder, "
            "or add --force to replace its contents (stop the services using it first)"
        )
    created = not data_dir.exists()
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=data_dir))
    except OSError as exc:
        raise InputError(f"cannot write the data folder {data_dir}: {exc.strerror}") from exc
    try:
        with _ingest_lock(data_dir, wait_s):
            manifest = _unpack(archive, staging)
            for old in data_dir.iterdir():
                if old.name in (LOCK_FILE, staging.name, *_SKIPPED_FOLDERS):
                    continue  # what a backup never holds stays
                if old.is_dir() and not old.is_symlink():
                    shutil.rmtree(old)
                else:
                    old.unlink()
            for new in staging.iterdir():
                new.rename(data_dir / new.name)
    except BaseException:
        if created:  # a failed restore leaves no half-made folder behind
            shutil.rmtree(data_dir, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = manifest["files"]
    return BackupReport(
        archive,
        data_dir,
        len(files),
        sum(int(entry["size"]) for entry in files),
        manifest.get("documents"),
        manifest.get("generation"),
    )
