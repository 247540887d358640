"""The widget in a real headless Chromium: a host page on one port embeds it from the API on another."""

from __future__ import annotations

import json
import time

import pytest

from tests.helpers.data import ARTEFACTS
from tests.live_server import static_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_server(seeded_app):
    """The real app over the seeds under uvicorn on 127.0.0.1 (conftest's), as this module names it."""
    return seeded_app


@pytest.fixture(scope="module")
def host_page(tmp_path_factory, api_server):
    """A province's page on another port that embeds the widget with one line."""
    api, _ = api_server
    root = tmp_path_factory.mktemp("host")
    (root / "index.html").write_text(
        "<!doctype html><html lang='vi'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'><title>UBND tỉnh</title>"  # noqa: E501 - a page's head as it is written
        "<style>* { color: red !important; font-size: 40px !important; } button { display: none !important; }</style>"
        "</head><body><h1>Cổng thông tin tỉnh</h1><p>Trang thử nghiệm nhúng trợ lý.</p>"
        f"<script src='{api}/widget.js' data-api='{api}' data-title='Hỏi đáp HTX' defer></script>"
        "</body></html>",
        encoding="utf-8",
    )
    with static_server(root) as url:
        yield f"{url}/index.html"


def test_widget_end_to_end(browser, host_page, api_server, closing):
    _, services = api_server
    ARTEFACTS.mkdir(exist_ok=True)
    page = closing(browser.new_page(viewport={"width": 1280, "height": 800}))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(host_page)

    launcher = page.locator("htx-chat").locator("button.launcher")
    launcher.click(timeout=10_000)
    panel = page.locator("htx-chat").locator("section[role=dialog]")
    assert panel.is_visible()
    # Suggested questions on first open; the host page's CSS does not reach the shadow root.
    assert page.locator("htx-chat .chips button").count() == 3
    assert page.locator("htx-chat .chips button").first.is_visible()

    textarea = page.locator("htx-chat textarea")
    textarea.fill("Chợ Đồn có bao nhiêu HTX?")
    textarea.press("Enter")
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=20_000)
    assert "42" in answer.locator(".text").inner_text()
    assert "không rõ ngày" in answer.locator(".sources .meta").first.inner_text()
    answer.locator("summary").first.click()
    assert "42 HTX" in answer.locator("blockquote").first.inner_text()
    page.screenshot(path=str(ARTEFACTS / "widget-desktop.png"))

    answer.locator("button[data-rating=up]").click()
    page.locator("htx-chat .rate [role=status]").last.wait_for(timeout=5_000)
    deadline = time.monotonic() + 10
    while not any(f.rating == "up" and "42" in f.answer for f in services.feedback.all()):
        assert time.monotonic() < deadline, "feedback was not stored"
        time.sleep(0.1)

    textarea.fill("Còn thành phố Bắc Kạn thì sao?")
    page.locator("htx-chat form button[type=submit]").click()
    follow = page.locator("htx-chat .msg.bot").nth(2)
    follow.locator(".sources").wait_for(timeout=20_000)
    assert "44" in follow.locator(".text").inner_text()

    attack = "<img src=x onerror=alert(1)>"
    textarea.fill(attack)
    textarea.press("Enter")
    page.locator("htx-chat .msg.bot").nth(3).wait_for(timeout=20_000)
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.locator("htx-chat .msg.user").last.inner_text() == attack
    assert page.locator("htx-chat img").count() == 0

    # Esc closes the panel and gives the focus back to the launcher.
    textarea.press("Escape")
    assert not panel.is_visible()


def test_widget_on_a_phone_and_when_the_server_is_down(browser, host_page, api_server, closing):
    page = closing(browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True))
    page.goto(host_page)
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    panel = page.locator("htx-chat section[role=dialog]")
    box = panel.bounding_box()
    assert box["width"] >= 389 and box["height"] >= 843  # full screen on small screens
    textarea = page.locator("htx-chat textarea")
    textarea.fill("Đến hết tháng 6/2017 Lạng Sơn có bao nhiêu tổ hợp tác?")
    textarea.press("Enter")
    page.locator("htx-chat .msg.bot .sources").last.wait_for(timeout=20_000)
    page.screenshot(path=str(ARTEFACTS / "widget-phone.png"))

    # The network fails: a friendly message, and the question stays in the box.
    page.route("**/api/ask/stream", lambda route: route.abort())
    textarea.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    textarea.press("Enter")
    page.locator("htx-chat .msg.error").wait_for(timeout=10_000)
    assert "Không kết nối được máy chủ" in page.locator("htx-chat .msg.error").inner_text()
    assert textarea.input_value() == "Huyện Chợ Đồn có bao nhiêu HTX?"
    page.screenshot(path=str(ARTEFACTS / "widget-phone-offline.png"))


def _bars(answer):
    """Return (label, name) of each bar the widget drew."""
    items = answer.locator("figure.chart .bars [role=button]")
    return [
        (items.nth(i).locator(".label").text_content(), items.nth(i).get_attribute("aria-label"))
        for i in range(items.count())
    ]


def ask_widget(page, host_page: str, question: str):
    """Open the host page, open the widget, send ``question`` and return the locator of its answer."""
    page.goto(host_page)
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    textarea = page.locator("htx-chat textarea")
    textarea.fill(question)
    textarea.press("Enter")
    return page.locator("htx-chat .msg.bot").last


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_widget_draws_a_ranking_chart_that_opens_its_quotes(browser, host_page, scheme, closing):
    page = closing(browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme))
    answer = ask_widget(page, host_page, "Tỉnh nào có nhiều HTX nhất theo các bài viết?")
    answer.locator(".sources").wait_for(timeout=20_000)

    chart = answer.locator("figure.chart")
    assert chart.locator("figcaption").inner_text() == "số HTX (HTX)"
    bars = _bars(answer)
    assert [label for label, _ in bars] == ["Tỉnh Hòa Bình", "Tỉnh Lạng Sơn"]
    assert "422" in bars[0][1] and "153" in bars[1][1]
    widths = [chart.locator(".bar").nth(i).bounding_box()["width"] for i in range(2)]
    assert widths[0] > widths[1] > 0  # drawn from zero, in proportion
    assert widths[1] / widths[0] == pytest.approx(153 / 422, rel=0.01)
    # The chart sits above the sources; the screen-reader table holds the same figures.
    assert answer.locator("figure.chart + .sources").count() == 1
    cells = chart.locator("table td").all_inner_texts()
    assert "Tỉnh Hòa Bình" in cells and "422" in cells and "153" in cells

    # Clicking a bar opens the quote of its citation.
    quotes = answer.locator(".sources details")
    assert not any(quotes.nth(i).evaluate("d => d.open") for i in range(quotes.count()))
    chart.locator("[role=button]").nth(1).click()
    second = quotes.nth(int(chart.locator("[role=button]").nth(1).get_attribute("data-citation")) - 1)
    assert second.evaluate("d => d.open")
    assert "153 HTX" in second.locator("blockquote").inner_text()
    # And from the keyboard.
    chart.locator("[role=button]").nth(0).focus()
    page.keyboard.press("Enter")
    first = quotes.nth(int(chart.locator("[role=button]").nth(0).get_attribute("data-citation")) - 1)
    assert first.evaluate("d => d.open")
    ARTEFACTS.mkdir(exist_ok=True)
    chart.screenshot(path=str(ARTEFACTS / f"widget-chart-{scheme}.png"))

    # A plain lookup draws no chart.
    textarea = page.locator("htx-chat textarea")
    textarea.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    textarea.press("Enter")
    page.locator("htx-chat .msg.bot").nth(2).locator(".sources").wait_for(timeout=20_000)
    assert page.locator("htx-chat .msg.bot").nth(2).locator("figure.chart").count() == 0


def test_widget_draws_a_trend_as_a_line_on_a_phone(browser, host_page, closing):
    """A trend answer's chart (the seeds hold no place with figures of two years, so the stream is
    served here in the API's own format): one point per period, in order, each labelled."""
    chart = {
        "kind": "line",
        "measure": "số HTX",
        "unit": "HTX",
        "series": [
            {
                "label": "năm 2019",
                "value": 380,
                "value_text": "380",
                "unit": "HTX",
                "period": "năm 2019",
                "citation": 1,
            },
            {
                "label": "năm 2020",
                "value": 401,
                "value_text": "401",
                "unit": "HTX",
                "period": "năm 2020",
                "citation": 1,
            },
            {
                "label": "năm 2021",
                "value": 422,
                "value_text": "422",
                "unit": "HTX",
                "period": "năm 2021",
                "citation": 2,
            },
        ],
    }
    citation = {"source": "a", "title": "T", "date": "2021-01-18", "place": "Tỉnh Hòa Bình", "url": None, "paper": None}
    citations = [dict(citation, quote="Năm 2019 có 380 HTX, năm 2020 có 401 HTX."), dict(citation, quote="Có 422 HTX.")]
    body = "".join(
        f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        for name, data in [
            ("delta", {"text": "Diễn biến theo các bài viết: …"}),
            ("citations", {"found": True, "citations": citations, "period": None, "chart": chart}),
            ("done", {"latency_ms": 1.0}),
        ]
    )
    page = closing(browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True))
    page.route(
        "**/api/ask/stream",
        lambda route: route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body),
    )
    answer = ask_widget(page, host_page, "Số HTX của tỉnh Hòa Bình thay đổi thế nào qua các năm?")
    answer.locator("figure.chart").wait_for(timeout=10_000)
    assert answer.locator("figure.chart polyline").count() == 1
    points = answer.locator("figure.chart g[role=button]")
    assert points.count() == 3
    xs = [float(points.nth(i).locator("circle").get_attribute("cx")) for i in range(3)]
    ys = [float(points.nth(i).locator("circle").get_attribute("cy")) for i in range(3)]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)  # left to right in time, higher is up
    assert answer.locator("figure.chart .values span").all_inner_texts() == ["380", "401", "422"]
    assert answer.locator("figure.chart .periods span").all_inner_texts() == ["năm 2019", "năm 2020", "năm 2021"]
    # Each value stands over its point, left to right.
    marks = [answer.locator("figure.chart .values span").nth(i).bounding_box() for i in range(3)]
    dots = [points.nth(i).locator("circle").bounding_box() for i in range(3)]
    assert all(
        m["x"] <= d["x"] + d["width"] and d["x"] <= m["x"] + m["width"] for m, d in zip(marks, dots, strict=True)
    )
    box = answer.locator("figure.chart svg").bounding_box()
    assert box["width"] <= 390  # fits a phone
    points.nth(2).tap()
    assert answer.locator(".sources details").nth(1).evaluate("d => d.open")
    answer.locator("figure.chart").screenshot(path=str(ARTEFACTS / "widget-chart-line-phone.png"))
