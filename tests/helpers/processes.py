"""The project's commands as a user runs them: a real process in an empty working folder (so that no
developer's .env is read) and with no HTX_* variable from the shell that started the tests."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HTXBOT = [sys.executable, "-m", "bot.cli"]


def clean_env(**settings: str) -> dict[str, str]:
    """Return this process's environment without any HTX_* variable, plus ``settings``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("HTX_")}
    env.update(settings)
    return env


def run_module(
    module: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m module args`` in ``cwd`` (default: a new empty folder) and capture its text output."""
    with tempfile.TemporaryDirectory(prefix="htx-cwd-") as empty:
        return subprocess.run(
            [sys.executable, "-m", module, *args],
            capture_output=True,
            text=True,
            env=clean_env() if env is None else env,
            cwd=cwd or empty,
            timeout=timeout,
        )


def htxbot(
    *args: str, data_dir: Path, embedder: str | None = "none", timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``htxbot args`` on ``data_dir``; ``embedder=None`` keeps the default embedder."""
    settings = {"HTX_DATA_DIR": str(data_dir)}
    if embedder:
        settings["HTX_EMBEDDER"] = embedder
    return run_module("bot.cli", *args, env=clean_env(**settings), timeout=timeout)


def stop(process: subprocess.Popen, grace: float = 10) -> None:
    """Stop a process the test started: ask it to end, and kill it when it has not within ``grace`` seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(grace)
