"""A real Chroma server for tests: the `chroma run` of the chromadb package in .venv, on a free
127.0.0.1 port with its data in a folder of the test, stopped at the end (and restartable on the
same port and folder, as after an outage)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.helpers.processes import clean_env, stop
from tests.live_server import free_port

CHROMA = Path(sys.executable).parent / "chroma"
START_TIMEOUT_S = 30


class ChromaServer:
    """One `chroma run` process: ``start``, ``stop``, and ``start`` again on the same port."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder.with_name(folder.name + ".log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> ChromaServer:
        """Start the server and wait until its heartbeat answers; return self."""
        command = [str(CHROMA), "run", "--path", str(self.folder), "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, env=clean_env(ANONYMIZED_TELEMETRY="False")
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if httpx.get(self.url + "/api/v2/heartbeat", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"chroma run did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        """Stop the server (its data stays in the folder)."""
        if self.process is not None:
            stop(self.process)
            self.process = None


@contextmanager
def running_chroma(folder: Path) -> Iterator[ChromaServer]:
    """Yield a started Chroma server keeping its data in ``folder``; stopped at the end."""
    server = ChromaServer(folder)
    try:
        yield server.start()
    finally:
        server.stop()
