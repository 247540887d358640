"""The web API over an in-process ASGI client, and the server-sent events it streams."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bot.settings import Settings
from bot.web.app import create_app
from bot.wiring import Services, build_services


def make_client(data_dir: Path, **overrides) -> tuple[httpx.AsyncClient, Services]:
    """Return an ASGI client of the app over ``data_dir`` (BM25 only) and its services, which the
    caller closes (the ``web_client`` fixture does)."""
    services = build_services(Settings(data_dir=data_dir, embedder="none", **overrides))
    app = create_app(services)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.1.2.3", 1234)), base_url="http://testserver"
    )
    return client, services


def parse_sse(body: str) -> list[tuple[str, dict]]:
    """Return the (event name, JSON data) pairs of a server-sent event stream."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", ""
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data += line[5:].strip()
        if data:
            events.append((name, json.loads(data)))
    return events
