"""Shared fixtures: clean settings per test, closing what a test opens, the seeded indexes.

Helpers shared by several test modules live in tests/helpers/, imported from there.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.data import SEEDS


def _clean(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    for name in list(os.environ):
        if name.startswith("HTX_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")
    monkeypatch.chdir(folder)


@pytest.fixture(scope="session", autouse=True)
def clean_session_environment(tmp_path_factory) -> Iterator[None]:
    """Keep HTX_* settings and the .env file of the developer's shell and checkout out of the shared
    fixtures (seeded indexes, module-wide services), which are built before any test's own clean-up."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _clean(monkeypatch, tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """Keep HTX_* settings and .env files of the developer's shell out of every test (its own folder)."""
    _clean(monkeypatch, tmp_path)


@pytest.fixture
def closing() -> Iterator[Callable]:
    """Return ``closing(resource) -> resource``: each resource passed (an index, services, a store) is
    closed when the test ends, passed or failed, the last opened first."""
    with contextlib.ExitStack() as stack:
        yield lambda resource: stack.enter_context(contextlib.closing(resource))


@pytest.fixture
def web_client(closing) -> Callable:
    """Return ``web_client(data_dir, **settings) -> (ASGI client, services)``, BM25 only; the
    services are closed when the test ends."""
    from tests.helpers.web import make_client

    def make(data_dir: Path, **overrides):
        client, services = make_client(data_dir, **overrides)
        closing(services)
        return client, services

    return make


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    """A writable copy of the seed folder."""
    target = tmp_path / "articles"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory) -> Path:
    """A data folder with the seeds indexed by the real default embedder (built once per run)."""
    from bot.settings import Settings
    from bot.wiring import build_services

    data_dir = tmp_path_factory.mktemp("seeded")
    with contextlib.closing(build_services(Settings(data_dir=data_dir))) as services:
        services.ensure_seeded()
    return data_dir


@pytest.fixture(scope="session")
def lexical_seeded_dir(tmp_path_factory) -> Path:
    """A data folder with the seeds indexed for BM25 only (no model: fast)."""
    from bot.settings import Settings
    from bot.wiring import build_services

    data_dir = tmp_path_factory.mktemp("lexical-seeded")
    with contextlib.closing(build_services(Settings(data_dir=data_dir, embedder="none"))) as services:
        services.index.ingest([SEEDS])
    return data_dir


@pytest.fixture
def private_lexical_dir(lexical_seeded_dir, tmp_path) -> Path:
    """A private copy of the BM25-only index, for a server or bot process whose writes (feedback,
    the Telegram journal) must stay with the test."""
    target = tmp_path / "data"
    shutil.copytree(lexical_seeded_dir, target)
    return target


@pytest.fixture(scope="module")
def lexical_services(tmp_path_factory):
    """Services over the seed articles with BM25 only (fast; answers the seed questions as the hybrid does)."""
    from bot.settings import Settings
    from bot.wiring import build_services

    services = build_services(Settings(data_dir=tmp_path_factory.mktemp("lexical-services"), embedder="none"))
    services.ensure_seeded()
    yield services
    services.close()


@pytest.fixture(scope="session")
def seeded_services(seeded_data_dir):
    """Services over the seeded index, real embedder."""
    from bot.settings import Settings
    from bot.wiring import build_services

    services = build_services(Settings(data_dir=seeded_data_dir))
    yield services
    services.close()


@pytest.fixture
def api():
    """A fake Telegram Bot API on 127.0.0.1, stopped after the test."""
    from tests.fake_telegram import FakeBotApi

    server = FakeBotApi().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL on 127.0.0.1 for the session (tests.helpers.postgres), stopped at the end;
    skipped with the reason where PostgreSQL is not installed, and failed then in CI (which installs it)."""
    from tests.helpers.postgres import PostgresMissing, running_postgres

    try:
        with running_postgres() as server:
            yield server
    except PostgresMissing as exc:  # raised before the yield: no server was started
        if os.environ.get("CI"):
            pytest.fail(f"{exc}; CI runs scripts/test.sh, which installs it")
        pytest.skip(str(exc))
