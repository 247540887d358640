"""The widget as people use it, in a real headless Chromium: drafts typed while an answer is pending,
stopping an answer, a new conversation meanwhile, scrolling and reload, errors in the widget's
language, a cross-origin 429 that counts down, and host pages that fight it (a transformed body,
unselectable text, a cookie banner above everything, an rgb() accent, data-open)."""

from __future__ import annotations

import json
import time
from contextlib import suppress

import pytest

from bot.settings import Settings
from bot.web.app import create_app
from bot.wiring import build_services
from tests.helpers.data import ARTEFACTS, SEEDS
from tests.live_server import live_server, static_server

pytestmark = pytest.mark.slow

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
HEAD = "<!doctype html><html lang='vi'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'><title>Tỉnh</title>"  # noqa: E501 - a page's head as it is written


def _api(tmp_path_factory, rate_limit: str):
    data = tmp_path_factory.mktemp("api")
    services = build_services(Settings(data_dir=data, embedder="none", rate_limit=rate_limit))
    services.index.ingest([SEEDS])
    return services


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    services = _api(tmp_path_factory, "1000/minute")
    try:
        with live_server(create_app(services)) as url:
            yield url, services
    finally:
        services.close()


@pytest.fixture(scope="module")
def limited_api(tmp_path_factory):
    """An API that takes one question per client every five seconds."""
    services = _api(tmp_path_factory, "1/5 seconds")
    try:
        with live_server(create_app(services)) as url:
            yield url
    finally:
        services.close()


@pytest.fixture(scope="module")
def pages(tmp_path_factory, api, limited_api):
    """Host pages on their own origin: a plain one, one against the limited API, a hostile one."""
    url, _ = api
    root = tmp_path_factory.mktemp("pages")
    embed = f"<script src='{url}/widget.js' data-api='{url}' defer></script>"
    (root / "index.html").write_text(f"{HEAD}</head><body><h1>Cổng thông tin</h1>{embed}</body></html>", "utf-8")
    limited = f"<script src='{limited_api}/widget.js' data-api='{limited_api}' defer></script>"
    (root / "limited.html").write_text(f"{HEAD}</head><body>{limited}</body></html>", "utf-8")
    hostile = (
        f"{HEAD}<style>body{{transform:translateZ(0);-webkit-user-select:none;user-select:none;height:3000px;margin:0}}"
        ".cookie{position:fixed;left:0;right:0;bottom:0;height:70px;background:#222;color:#fff;z-index:2147483647}"
        "</style></head><body><h1>Tin tức</h1><div class='cookie'>Trang dùng cookie.</div>"
        f"<script src='{url}/widget.js' data-api='{url}' data-offset='80' data-accent='rgb(255, 214, 0)' "
        "data-open='true' defer></script></body></html>"
    )
    (root / "hostile.html").write_text(hostile, "utf-8")
    english = f"<script src='{url}/widget.js' data-api='{url}' data-language='en' defer></script>"
    (root / "en.html").write_text(
        f"{HEAD}</head><body>{english}</body></html>".replace("lang='vi'", "lang='en'"), "utf-8"
    )
    with static_server(root) as base:
        yield base


def pump_until(page, condition, seconds: float = 10.0) -> None:
    """Let the browser run (route handlers fire only inside Playwright calls) until ``condition()``."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the browser never got there"
        page.wait_for_timeout(50)


def open_widget(page, url: str):
    page.goto(url)
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    return page.locator("htx-chat textarea")


def test_a_draft_typed_while_an_answer_is_pending_is_kept_and_an_answer_can_be_stopped(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    held: list = []  # the stream requests, answered when the test says
    page.route("**/api/ask/stream", lambda route: held.append(route))
    box = open_widget(page, f"{pages}/index.html")
    send = page.locator("htx-chat .panel > form button[type=submit]")
    log = page.locator("htx-chat .log")

    box.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    box.press("Enter")
    pump_until(page, lambda: len(held) == 1)
    assert box.input_value() == ""  # the question is in its bubble; the box is free
    assert page.locator("htx-chat .msg.bot.pending").count() == 1
    assert send.inner_text() == "Dừng" and log.get_attribute("aria-busy") == "true"
    box.fill("Còn thành phố Bắc Kạn")
    box.press("Enter")  # Enter while an answer is pending sends nothing and keeps the draft
    page.wait_for_timeout(300)
    assert len(held) == 1 and box.input_value() == "Còn thành phố Bắc Kạn"
    held[0].continue_()
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=20_000)
    assert "42" in answer.locator(".text").inner_text()
    assert box.input_value() == "Còn thành phố Bắc Kạn"  # the answer did not overwrite the draft
    assert send.inner_text() == "Gửi" and log.get_attribute("aria-busy") == "false"

    # Stop: the question's bubble stays, marked, with a retry; the empty box gets the question back.
    box.fill("Đến hết tháng 6/2017 Lạng Sơn có bao nhiêu tổ hợp tác?")
    send.click()
    pump_until(page, lambda: len(held) == 2)
    send.click()
    error = page.locator("htx-chat .msg.error")
    error.wait_for(timeout=10_000)
    assert "Đã dừng" in error.inner_text()
    failed = page.locator("htx-chat .msg.user.failed")
    assert failed.inner_text() == "Đến hết tháng 6/2017 Lạng Sơn có bao nhiêu tổ hợp tác?"
    assert box.input_value() == failed.inner_text()
    with suppress(Exception):  # the browser dropped the request already
        held[1].abort()
    page.locator("htx-chat .msg.error button.retry").click()
    pump_until(page, lambda: len(held) == 3)
    held[2].continue_()
    page.locator("htx-chat .msg.bot").nth(2).locator(".sources").wait_for(timeout=20_000)
    assert error.count() == 0 and failed.count() == 0 and box.input_value() == ""
    assert page.locator("htx-chat .msg.user").count() == 2

    # A new conversation while an answer is pending: the answer belongs to no conversation.
    box.fill("Thành phố Bắc Kạn có bao nhiêu HTX?")
    box.press("Enter")
    pump_until(page, lambda: len(held) == 4)
    page.locator("htx-chat button.new").click()
    with suppress(Exception):
        held[3].continue_()
    page.wait_for_timeout(1000)
    assert page.locator("htx-chat .msg.user").count() == 0
    assert page.locator("htx-chat .msg.bot").count() == 1  # the greeting
    page.reload()
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    assert page.locator("htx-chat .msg.user").count() == 0 and page.locator("htx-chat .msg.bot").count() == 1
    assert page.locator("htx-chat .chips.welcome button").count() == 3


def _served(text: str, citations: list[dict]) -> str:
    return "".join(
        f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        for name, data in [
            ("delta", {"text": text}),
            ("citations", {"found": True, "citations": citations, "period": None}),
            ("done", {"latency_ms": 1.0}),
        ]
    )


def _answer_top_in_view(page) -> bool:
    """Whether the last answer's first line is inside the log's visible area."""
    return page.evaluate(
        """() => {
            const root = document.querySelector('htx-chat').shadowRoot;
            const log = root.querySelector('.log'), last = [...root.querySelectorAll('.msg.bot')].pop();
            const top = last.getBoundingClientRect().top - log.getBoundingClientRect().top;
            return top >= 0 && top < log.clientHeight / 2;
        }"""
    )


def test_a_long_answer_opens_at_its_start_and_a_reload_keeps_greeting_rating_and_place(browser, pages, api, closing):
    _, services = api
    long_text = "\n".join(f"Dòng {n}: huyện Chợ Đồn có 42 HTX [1]." for n in range(60))
    citation = {"source": "a", "title": "T", "date": "2021-01-18", "place": "Bắc Kạn", "url": None, "paper": None}
    body = _served(long_text, [dict(citation, quote="Chợ Đồn có 42 HTX.")])
    page = closing(browser.new_page(**PHONE))
    page.route(
        "**/api/ask/stream",
        lambda route: route.fulfill(
            status=200, headers={"Content-Type": "text/event-stream", "Access-Control-Allow-Origin": "*"}, body=body
        ),
    )
    box = open_widget(page, f"{pages}/index.html")
    box.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    box.press("Enter")
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=10_000)
    assert _answer_top_in_view(page)  # not scrolled past its start to the bottom
    at_bottom = page.evaluate(
        "() => { const l = document.querySelector('htx-chat').shadowRoot.querySelector('.log');"
        " return l.scrollTop + l.clientHeight >= l.scrollHeight - 2; }"
    )
    assert not at_bottom

    # 👎 asks what was wrong; the comment reaches the feedback store.
    answer.locator("button[data-rating=down]").click()
    comment = answer.locator("form.comment textarea")
    comment.fill("Thiếu số liệu năm 2020")
    answer.locator("form.comment button").click()
    answer.locator(".rate [role=status]").wait_for(timeout=5_000)
    deadline = time.monotonic() + 10
    while not any(f.comment == "Thiếu số liệu năm 2020" and f.rating == "down" for f in services.feedback.all()):
        assert time.monotonic() < deadline, "the comment was not stored"
        time.sleep(0.1)

    page.reload()
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    assert page.locator("htx-chat .msg.greeting").count() == 1  # the greeting stays above the conversation
    assert page.locator("htx-chat .msg.user").inner_text() == "Huyện Chợ Đồn có bao nhiêu HTX?"
    restored = page.locator("htx-chat .msg.bot").last
    assert "Đã đánh giá 👎" in restored.locator(".rate").inner_text()  # the rating is remembered
    assert restored.locator("time.stamp").count() == 1
    assert _answer_top_in_view(page)  # the log opens at the last answer, not at the top
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "widget-phone-reloaded.png"))


def test_errors_are_in_the_widgets_language_and_do_not_pile_up(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    replies = iter(
        [(422, {"detail": "question: the question has no words"}), (503, {"detail": "The article index is busy"})]
    )

    def fail(route):
        status, payload = next(replies)
        route.fulfill(
            status=status,
            headers={"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
            body=json.dumps(payload),
        )

    page.route("**/api/ask/stream", fail)
    box = open_widget(page, f"{pages}/index.html")
    box.fill("???? ...")
    box.press("Enter")
    error = page.locator("htx-chat .msg.error")
    error.wait_for(timeout=10_000)
    assert "câu hỏi cần có chữ" in error.inner_text() and "no words" not in error.inner_text()
    assert page.locator("htx-chat .msg.user.failed").inner_text() == "???? ..."
    box.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('htx-chat').shadowRoot.querySelector('.msg.error')?.textContent"
        ".includes('thử lại sau')"
    )
    assert error.count() == 1  # the new error replaced the old one
    assert "busy" not in error.inner_text()
    page.unroute("**/api/ask/stream")
    box.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    box.press("Enter")
    page.locator("htx-chat .msg.bot").last.locator(".sources").wait_for(timeout=20_000)
    assert error.count() == 0


def test_a_cross_origin_429_counts_down_the_wait_the_server_asks(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    box = open_widget(page, f"{pages}/limited.html")
    box.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    box.press("Enter")
    page.locator("htx-chat .msg.bot").last.locator(".sources").wait_for(timeout=20_000)
    box.fill("Còn thành phố Bắc Kạn thì sao?")
    box.press("Enter")
    error = page.locator("htx-chat .msg.error")
    error.wait_for(timeout=10_000)
    seconds = int("".join(ch for ch in error.inner_text() if ch.isdigit()))
    assert 1 <= seconds <= 5  # the server's Retry-After, readable across origins (not a guessed 60)
    retry = error.locator("button.retry")
    assert retry.is_disabled()
    retry.wait_for(state="visible")
    page.wait_for_function(
        "() => !document.querySelector('htx-chat').shadowRoot.querySelector('.msg.error button').disabled",
        timeout=(seconds + 3) * 1000,
    )
    assert error.inner_text().startswith("Bạn có thể hỏi lại ngay.")
    retry.click()
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=20_000)
    assert "44" in answer.locator(".text").inner_text()


def test_a_hostile_host_page_neither_moves_hides_nor_locks_the_widget(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    page.goto(f"{pages}/hostile.html")
    panel = page.locator("htx-chat section[role=dialog]")
    panel.wait_for(timeout=10_000)  # data-open: open on a wide screen …
    assert page.evaluate("() => window.scrollY") == 0  # … without scrolling the page to it
    assert page.evaluate("() => document.activeElement?.tagName") != "HTX-CHAT"  # nor taking the focus
    # The transformed body would carry a fixed child along when the page scrolls: it lives beside it.
    assert page.evaluate("() => document.querySelector('htx-chat').parentElement.tagName") == "HTML"
    launcher = page.locator("htx-chat button.launcher")
    before = launcher.bounding_box()
    page.evaluate("() => window.scrollTo(0, 1500)")
    page.wait_for_timeout(100)
    assert launcher.bounding_box() == before
    # data-offset lifts it above the cookie banner (z-index 2147483647): the launcher is clickable.
    assert before["y"] + before["height"] <= 800 - 70
    centre = (before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    assert page.evaluate("([x, y]) => document.elementFromPoint(x, y).tagName", list(centre)) == "HTX-CHAT"
    # rgb() accent; a light one gets dark text on it.
    colours = launcher.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert colours == ["rgb(255, 214, 0)", "rgb(29, 29, 31)"]
    # The answer can be selected although the page makes its own text unselectable.
    box = page.locator("htx-chat textarea")
    box.fill("Huyện Chợ Đồn có bao nhiêu HTX?")
    box.press("Enter")
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=20_000)
    answer.locator(".text").dblclick()
    assert page.evaluate("() => document.getSelection().toString().trim()") != ""
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "widget-hostile-page.png"))

    phone = closing(browser.new_page(**PHONE))
    phone.goto(f"{pages}/hostile.html")
    phone.locator("htx-chat button.launcher").wait_for(timeout=10_000)
    assert not phone.locator("htx-chat section[role=dialog]").is_visible()  # it would cover the whole screen


def test_english_widget_suggests_in_english_and_a_refusal_offers_questions_that_ask(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    box = open_widget(page, f"{pages}/en.html")
    chips = page.locator("htx-chat .chips.welcome button").all_inner_texts()
    assert len(chips) == 3 and all(chip.isascii() for chip in chips)  # one language, no Vietnamese mixed in
    page.locator("htx-chat .chips.welcome button").first.click()
    first = page.locator("htx-chat .msg.bot").last
    first.locator(".sources").wait_for(timeout=20_000)
    assert first.locator(".text").inner_text().startswith("According to the source [1]")
    assert first.locator(".sources strong").inner_text() == "Sources"

    box.fill("How many cooperatives does Ba Be district have?")
    box.press("Enter")
    refusal = page.locator("htx-chat .msg.bot").nth(2)
    offered = refusal.locator(".chips.suggested button")
    offered.first.wait_for(timeout=20_000)
    places = refusal.locator(".text ul li").all_inner_texts()
    assert "Huyện Chợ Đồn, tỉnh Bắc Kạn" in places  # the covered places, as a list
    assert 1 <= offered.count() <= 3 and all(q.startswith("How many") for q in offered.all_inner_texts())
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "widget-english-refusal.png"))
    offered.first.click()
    answered = page.locator("htx-chat .msg.bot").nth(3)
    answered.locator(".sources").wait_for(timeout=20_000)
    assert answered.locator(".chips.suggested").count() == 0
