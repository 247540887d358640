"""`htxbot serve` as a real process on 127.0.0.1, its output kept in a file, stopped at the end."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.helpers.processes import clean_env, stop
from tests.live_server import free_port

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Served:
    """A running `htxbot serve`: its base URL, port, process and the file of its output."""

    url: str
    port: int
    process: subprocess.Popen
    log: Path


def wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> bool:
    """Wait until ``url``/healthz answers 200 while ``process`` runs; False when it exits or the
    time is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.1)
    return False


@contextmanager
def htxbot_serve(data_dir: Path, log: Path, *, start_timeout: float = 60, **settings: str) -> Iterator[Served]:
    """Run `htxbot serve` on ``data_dir`` (BM25 only unless ``embedder=`` says otherwise) with
    HTX_* ``settings``, stdout and stderr into the file ``log``; wait until /healthz answers."""
    port = free_port()
    env = clean_env(
        HTX_DATA_DIR=str(data_dir),
        HTX_EMBEDDER="none",
        HTX_HOST="127.0.0.1",
        HTX_PORT=str(port),
        ANONYMIZED_TELEMETRY="False",
        PYTHONPATH=str(REPO),
    )
    env.update({f"HTX_{name.upper()}": value for name, value in settings.items()})
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        if not wait_healthy(url, process, start_timeout):
            raise AssertionError(f"htxbot serve did not start: {log.read_text(errors='replace')[-2000:]}")
        yield Served(url, port, process, log)
    finally:
        stop(process)
