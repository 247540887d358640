"""The /stats page in a real headless Chromium, over the real app serving the seeds (and two
articles with links and markup in their titles)."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.wiring import build_services
from tests.helpers.data import ARTEFACTS, SEEDS
from tests.live_server import live_server

HOSTILE_TITLE = "<img src=x onerror=alert(1)> Ba Bể phát triển hợp tác xã"
EXTRA = [
    {
        "id": "ba_be_2020",
        "title": HOSTILE_TITLE,
        "date": "2020-01-10",
        "url": "https://example.org/ba-be",
        "text": "Đến hết năm 2019, huyện Ba Bể có 30 HTX với 600 thành viên.",
    },
    {
        "id": "pac_nam_2022",
        "title": "Pác Nặm <b>đổi mới</b>",
        "date": "2022-01-12",
        "url": "javascript:alert(1)",
        "text": "Đến hết năm 2021, huyện Pác Nặm có 12 HTX đang hoạt động.",
    },
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app under uvicorn on 127.0.0.1, over the seeds and the two extra articles."""
    data = tmp_path_factory.mktemp("stats-page")
    extra = tmp_path_factory.mktemp("stats-extra")
    (extra / "extra.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in EXTRA), encoding="utf-8")
    services = build_services(Settings(data_dir=data, embedder="none"))
    try:
        services.index.ingest([SEEDS, extra])
        with live_server(create_app(services)) as url:
            yield url, services
    finally:
        services.close()


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def watched_page(browser, closing):
    """Return a desktop page and the list its dialogs, page errors and console errors go to."""
    page = closing(browser.new_page(viewport={"width": 1280, "height": 900}))
    problems: list[str] = []
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    return page, problems


def _values(page) -> list[float]:
    return [float(v) for v in page.locator("#rows td.value").evaluate_all("cells => cells.map(c => c.dataset.value)")]


def test_the_table_filters_sorts_pages_and_quotes(browser, server, closing):
    from playwright.sync_api import expect

    url, services = server
    rows = services.index.stats()
    total = len(rows)
    cho_don = sum(r.place == "Chợ Đồn" for r in rows)
    assert total > 50 and 1 < cho_don < 50  # two pages in all, one page of Chợ Đồn
    ARTEFACTS.mkdir(exist_ok=True)
    page, problems = watched_page(browser, closing)
    page.goto(f"{url}/stats")

    # The first page of the seeds' figures, 50 rows.
    expect(page.locator("#range")).to_have_text(f"Dòng 1–50 trong {total}")
    assert page.locator("#rows tr").count() == 50
    assert page.locator("#prev").is_disabled() and page.locator("#next").is_enabled()
    page.locator("#next").click()
    expect(page.locator("#range")).to_have_text(f"Dòng 51–{total} trong {total}")
    assert _query(page.url)["offset"] == ["50"] and page.locator("#next").is_disabled()

    # The place filter: only Chợ Đồn's rows, back on the first page, and in the address bar.
    page.locator("#place").fill("Chợ Đồn")
    page.locator("#place").press("Enter")
    expect(page.locator("#range")).to_have_text(f"Dòng 1–{cho_don} trong {cho_don}")
    places = page.locator("#rows tr").evaluate_all("rows => rows.map(r => r.dataset.place)")
    assert places == ["Chợ Đồn"] * cho_don
    assert all("Chợ Đồn" in text for text in page.locator("#rows td.place").all_inner_texts())
    assert _query(page.url) == {"place": ["Chợ Đồn"]}
    csv_query = _query(page.locator("#csv").get_attribute("href"))
    assert csv_query == {"place": ["Chợ Đồn"], "format": ["csv"], "limit": ["5000"]}

    # A header sorts the whole result: ascending, then descending; aria-sort says which.
    header = page.locator("th[data-sort=value]")
    assert header.get_attribute("aria-sort") is None and _values(page) != sorted(_values(page))
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page.locator("#table")).to_have_attribute("aria-busy", "false")
    assert _values(page) == sorted(_values(page))
    header.locator("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#table")).to_have_attribute("aria-busy", "false")
    assert _values(page) == sorted(_values(page), reverse=True)
    assert _query(page.url) == {"place": ["Chợ Đồn"], "sort": ["-value"]}
    assert _query(page.locator("#csv").get_attribute("href"))["sort"] == ["-value"]

    # A row's quote opens with its value marked: "42" in Chợ Đồn's count of HTX.
    row = page.locator("#rows tr").filter(has=page.get_by_role("cell", name="42 HTX", exact=True))
    assert not row.locator("blockquote").is_visible()
    row.locator("summary").click()
    expect(row.locator("blockquote")).to_be_visible()
    assert row.locator("blockquote mark").inner_text() == "42"
    assert "huyện Chợ Đồn có 42 HTX" in row.locator("blockquote").inner_text()
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "stats-desktop.png"))

    # The view survives a reload from its address.
    page.reload()
    expect(page.locator("#range")).to_have_text(f"Dòng 1–{cho_don} trong {cho_don}")
    assert page.locator("#place").input_value() == "Chợ Đồn"
    assert page.locator("th[data-sort=value]").get_attribute("aria-sort") == "descending"

    # A year with no figures, then an invalid one: an empty table, then the API's message.
    page.locator("#year").fill("1999")
    page.locator("#year").press("Enter")
    expect(page.locator("#rows td.empty")).to_have_text("Không có số liệu nào khớp bộ lọc.")
    assert problems == []
    page.locator("#year").fill("1800")
    page.locator("#year").press("Enter")
    expect(page.locator("#error")).to_contain_text("year")
    assert len(problems) == 1 and "422" in problems[0]  # the refused request, logged by the browser


def test_links_are_only_web_addresses_and_titles_are_text(browser, server, closing):
    from playwright.sync_api import expect

    url, _ = server
    page, problems = watched_page(browser, closing)
    page.goto(f"{url}/stats?place=Ba%20B%E1%BB%83")
    expect(page.locator("#range")).to_contain_text("Dòng 1–")
    link = page.locator("#rows td.source a").first
    assert link.get_attribute("href") == "https://example.org/ba-be" and link.inner_text() == HOSTILE_TITLE
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert page.locator("#rows img").count() == 0

    page.goto(f"{url}/stats?place=P%C3%A1c%20N%E1%BA%B7m")
    expect(page.locator("#range")).to_contain_text("Dòng 1–")
    source = page.locator("#rows td.source").first
    assert source.locator("a").count() == 0 and "Pác Nặm <b>đổi mới</b>" in source.inner_text()
    assert page.locator("#rows b").count() == 0
    page.wait_for_timeout(300)
    assert problems == []


def test_the_page_on_a_phone_and_in_dark_mode(browser, server, closing):
    from playwright.sync_api import expect

    url, _ = server
    page = closing(browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True))
    page.goto(f"{url}/stats?measure=htx_count&offset=500")  # past the end: back to the last page, here the first
    expect(page.locator("#range")).to_contain_text("Dòng 1–")
    assert page.locator("#measure").input_value() == "htx_count" and _query(page.url) == {"measure": ["htx_count"]}
    assert {text.split("\n")[0] for text in page.locator("#rows td.measure").all_inner_texts()} == {"Số HTX"}
    # The page fits the phone; the table scrolls inside its own box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".scroll").evaluate("el => el.scrollWidth > el.clientWidth")
    page.screenshot(path=str(ARTEFACTS / "stats-phone.png"), full_page=True)

    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(31, 33, 36)"
    page.screenshot(path=str(ARTEFACTS / "stats-phone-dark.png"), full_page=True)
