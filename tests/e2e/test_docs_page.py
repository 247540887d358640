"""The app's own pages offline: /docs (Swagger UI), the demo page and /stats load every file from the
app itself, in a real headless Chromium that may reach nothing but 127.0.0.1; each has an icon."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.helpers.data import ARTEFACTS

pytestmark = pytest.mark.slow


def _load_offline(browser, url: str, ready: str):
    """Open ``url`` with every request to another host refused; return (page, refused URLs, failed
    responses) once ``ready`` (a selector) is on the page."""
    page = browser.new_page()
    refused: list[str] = []
    failed: list[str] = []

    def only_local(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1" or route.request.url.startswith("data:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.goto(url)
    page.locator(ready).first.wait_for(timeout=15_000)
    page.wait_for_load_state("networkidle")
    return page, refused, failed


def test_docs_load_swagger_ui_from_the_app_itself(browser, seeded_app, closing):
    url, _ = seeded_app
    html = httpx.get(f"{url}/docs", timeout=10).text
    refs = re.findall(r"""(?:src|href)=["']([^"']+)["']""", html)
    assert refs and all(ref.startswith("/") and not ref.startswith("//") for ref in refs), refs
    for ref in refs:
        reply = httpx.get(urljoin(url, ref), timeout=10)
        assert reply.status_code == 200, ref
        assert len(reply.content) > 200, ref
    assert "cdn" not in html.lower()

    page, refused, failed = _load_offline(browser, f"{url}/docs", ".swagger-ui .opblock")
    closing(page)
    assert refused == [] and failed == []
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    assert any("/api/ask" in path for path in paths)  # Swagger UI ran and read /openapi.json
    assert page.title() == "htxbot — API"
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "docs-offline.png"))


@pytest.mark.parametrize(
    ("path", "ready"), [("/", "htx-chat button.launcher"), ("/stats", "table"), ("/docs", ".swagger-ui .opblock")]
)
def test_the_apps_pages_have_an_icon_and_need_nothing_from_outside(browser, seeded_app, closing, path, ready):
    url, _ = seeded_app
    page, refused, failed = _load_offline(browser, url + path, ready)
    closing(page)
    assert refused == [] and failed == []
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)")
    assert icons and all(urlsplit(icon).hostname == "127.0.0.1" for icon in icons)
    for icon in icons:
        reply = page.request.get(icon)
        assert reply.status == 200 and reply.headers["content-type"].startswith("image/"), icon
    # Browsers also ask for /favicon.ico by themselves: a real ICO file.
    ico = httpx.get(f"{url}/favicon.ico", timeout=10)
    assert ico.status_code == 200 and ico.headers["content-type"] == "image/x-icon"
    assert ico.content[:4] == b"\x00\x00\x01\x00"
