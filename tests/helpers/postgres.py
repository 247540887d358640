"""A real PostgreSQL server for tests: Debian's ``postgresql`` package, ``initdb`` into a temporary
folder, started on a free 127.0.0.1 port (no Unix socket outside that folder), stopped and removed
at the end.

PostgreSQL refuses to run as root. As root, its programs run as the ``postgres`` user (which
Debian's package creates), or ``nobody``, through ``runuser``, in a folder that user owns; as
anyone else they run as that user.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

USER = "htx"
PASSWORD = "pg-test-s3cret"  # scram-sha-256 over TCP: the URL's password is really checked
START_TIMEOUT_S = 60
PORT_TRIES = 3  # a free port can be taken by someone else between the probe and the start


class PostgresMissing(RuntimeError):
    """PostgreSQL's programs are not installed (or cannot be run here)."""


def postgres_bin() -> Path:
    """Return the folder of pg_ctl, initdb and postgres; raise PostgresMissing."""
    on_path = shutil.which("pg_ctl")  # /usr/local/bin/pg_ctl may be a link into Debian's folder
    candidates = [Path(on_path).resolve().parent] if on_path else []
    candidates += [Path(p).parent for p in sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)]
    for folder in candidates:
        if all((folder / name).is_file() for name in ("pg_ctl", "initdb", "postgres")):
            return folder
    raise PostgresMissing(
        "PostgreSQL is not installed (no pg_ctl on PATH or under /usr/lib/postgresql/*/bin): "
        "apt-get install postgresql (scripts/test.sh installs it)"
    )


def _run_as() -> pwd.struct_passwd | None:
    """Return the user PostgreSQL runs as when we are root, None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresMissing("running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder; ``start``, ``new_database``, ``stop``."""

    def __init__(self) -> None:
        self.bin = postgres_bin()
        self.user = _run_as()
        self.root = Path(tempfile.mkdtemp(prefix="htxbot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = 0
        self._databases = 0

    def init(self) -> PostgresServer:
        """Create the cluster (initdb) with a password for the user ``htx``; return self."""
        password_file = self.root / "password"
        password_file.write_text(PASSWORD + "\n")
        if self.user is not None:
            for path in (self.root, password_file):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        return self

    def start(self, port: int | None = None) -> PostgresServer:
        """Start the server on ``port`` (again, after ``stop``), or on a free port; return self."""
        for _ in range(1 if port else PORT_TRIES):
            self.port = port or _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            pg_ctl = ("-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", str(START_TIMEOUT_S))
            started = self._run("pg_ctl", *pg_ctl, "start", check=False)
            if started.returncode == 0:
                return self
            if "could not bind" not in self.log.read_text(errors="replace"):
                break
        raise RuntimeError(f"PostgreSQL did not start: {started.stdout}{started.stderr}\n{self.log.read_text()}")

    def stop(self) -> None:
        """Stop the server (fast: open connections are closed)."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", str(START_TIMEOUT_S), "stop")

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres", *, driver: str = "postgresql+psycopg") -> str:
        """Return the SQLAlchemy URL of ``database`` on this server."""
        return f"{driver}://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database and return its URL."""
        self._databases += 1
        name = f"htx_test_{self._databases}"
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, password=PASSWORD, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {name}")  # a name of ours: no quoting needed
        return self.url(name)

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user.pw_name, "--", *command]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=START_TIMEOUT_S + 30, check=False
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} failed ({done.returncode}): {done.stdout}{done.stderr}")
        return done


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Yield a started server; stop and remove it at the end. Raises PostgresMissing where
    PostgreSQL is not installed."""
    server = PostgresServer()
    try:
        yield server.init().start()
    finally:
        server.remove()
