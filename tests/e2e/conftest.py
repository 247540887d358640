"""What the browser tests share: a real headless Chromium for each module."""

from __future__ import annotations

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium (the system's), closed at the end of the module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def seeded_app(tmp_path_factory):
    """The real app over the seed articles (no embedding model) under uvicorn on 127.0.0.1, for the
    module; yields (base URL, services)."""
    from bot.settings import Settings
    from bot.web.app import create_app
    from bot.wiring import build_services
    from tests.helpers.data import SEEDS
    from tests.live_server import live_server

    services = build_services(
        Settings(data_dir=tmp_path_factory.mktemp("app"), embedder="none", rate_limit="1000/minute")
    )
    try:
        services.index.ingest([SEEDS])
        with live_server(create_app(services)) as url:
            yield url, services
    finally:
        services.close()
