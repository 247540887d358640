"""The widget for everyone, in a real headless Chromium: on a phone (390 x 844) a modal full-screen
panel with a 16 px text box, 44 px controls, room for the notch and the home bar, a page that holds
still behind it and a focus that goes round inside it; a focus ring that stands out; and axe-core
(from npm: `npm ci` installs it into node_modules/, never fetched by the page) finding nothing on the
open widget, on a desktop and a phone, in light and dark mode."""

from __future__ import annotations

import time

import pytest

from tests.e2e.answers import serve_answer
from tests.helpers.data import ARTEFACTS, REPO
from tests.live_server import static_server

pytestmark = pytest.mark.slow

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"  # package-lock.json pins it; scripts/test.sh runs npm ci
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SAFE_AREA = {"top": 47, "bottom": 34, "left": 0, "right": 0}  # an iPhone's notch and home bar, in CSS px

# The contrast of the focused element's ring with what lies behind it (WCAG's formula), in the page.
RING_CONTRAST = """el => {
    const rgba = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let node = el.parentElement || el.getRootNode().host, behind = [255, 255, 255];
    while (node) {
        const c = rgba(getComputedStyle(node).backgroundColor);
        if (c.length === 3 || c[3] > 0) { behind = c; break; }
        node = node.parentElement || (node.getRootNode().host || null);
    }
    const style = getComputedStyle(el);
    const [hi, lo] = [lum(rgba(style.outlineColor)), lum(behind)].sort((a, b) => b - a);
    return {ratio: (hi + 0.05) / (lo + 0.05), style: style.outlineStyle, width: parseFloat(style.outlineWidth),
            what: el.tagName + '.' + el.className + ' ' + (el.getAttribute('aria-label') || el.textContent)};
}"""
ACTIVE = "() => document.querySelector('htx-chat').shadowRoot.activeElement"
SCROLL_300 = "() => window.scrollTo({top: 300, behavior: 'instant'})"  # the page scrolls smoothly otherwise


@pytest.fixture(scope="module")
def pages(tmp_path_factory, seeded_app):
    """A long host page (it can scroll, smoothly, as news sites do) on its own origin that embeds the
    widget of the seeded app; its root keeps a scroll bar with an inline style, which the widget
    must give back."""
    url, _ = seeded_app
    root = tmp_path_factory.mktemp("pages")
    for name, language in [("index.html", "vi"), ("en.html", "en")]:  # en: the English widget on the same page
        (root / name).write_text(
            "<!doctype html><html lang='vi' style='overflow-y: scroll'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1, viewport-fit=cover'>"
            "<title>Tỉnh</title><style>html { scroll-behavior: smooth }</style></head>"
            "<body><main><h1>Cổng thông tin</h1><div style='height:3000px'>Tin tức</div></main>"
            f"<script src='{url}/widget.js' data-api='{url}' data-language='{language}' defer></script></body></html>",
            "utf-8",
        )
    with static_server(root) as base:
        yield base


def open_phone(browser, url: str, scheme: str = "light"):
    """A phone page with a notch and a home bar (Chromium's safe-area emulation), on ``url``."""
    page = browser.new_page(**PHONE, color_scheme=scheme)
    page.context.new_cdp_session(page).send("Emulation.setSafeAreaInsetsOverride", {"insets": SAFE_AREA})
    page.goto(url)
    page.locator("htx-chat button.launcher").wait_for(timeout=10_000)
    return page


def ask(page, question: str):
    box = page.locator("htx-chat .panel > form textarea")
    box.fill(question)
    box.press("Enter")
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=20_000)
    return answer


def size(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["width"], box["height"]


def test_on_a_phone_controls_are_big_the_text_box_does_not_zoom_and_the_notch_is_clear(browser, pages, closing):
    page = closing(open_phone(browser, f"{pages}/index.html"))
    launcher = page.locator("htx-chat button.launcher")
    box = launcher.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert 844 - (box["y"] + box["height"]) == pytest.approx(20 + SAFE_AREA["bottom"], abs=1)  # above the home bar
    launcher.click()

    textarea = page.locator("htx-chat .panel > form textarea")
    assert float(textarea.evaluate("t => getComputedStyle(t).fontSize").removesuffix("px")) >= 16
    title = page.locator("htx-chat header h2").bounding_box()
    assert title["y"] >= SAFE_AREA["top"]  # the header clears the notch …
    send = page.locator("htx-chat .panel > form button[type=submit]").bounding_box()
    assert send["y"] + send["height"] <= 844 - SAFE_AREA["bottom"]  # … and the send button the home bar
    assert page.locator("htx-chat section[role=dialog]").bounding_box()["height"] >= 843  # still full screen

    controls = {
        "close": page.locator("htx-chat header button[aria-label]"),
        "new": page.locator("htx-chat header button.new"),
        "send": page.locator("htx-chat .panel > form button[type=submit]"),
    }
    chips = page.locator("htx-chat .chips.welcome button")
    controls.update({f"chip {i}": chips.nth(i) for i in range(chips.count())})
    small = {name: size(control) for name, control in controls.items() if min(size(control)) < 44}
    answer = ask(page, "Huyện Chợ Đồn có bao nhiêu HTX?")
    controls = {
        "👍": answer.locator("button[data-rating=up]"),
        "👎": answer.locator("button[data-rating=down]"),
        "copy": answer.locator("button.copy"),
        "quote": answer.locator(".sources summary"),
    }
    small.update({name: size(control) for name, control in controls.items() if min(size(control)) < 44})
    assert small == {}, small
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "widget-phone-notch.png"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_panel_is_modal_the_page_holds_still_and_the_focus_goes_round(browser, pages, closing, scheme):
    page = closing(open_phone(browser, f"{pages}/index.html", scheme))
    page.evaluate(SCROLL_300)
    page.locator("htx-chat button.launcher").click()
    panel = page.locator("htx-chat section[role=dialog]")
    assert panel.get_attribute("aria-modal") == "true"
    root_style = (
        "() => [document.documentElement.getAttribute('style'), getComputedStyle(document.documentElement).overflowY]"
    )
    assert page.evaluate(root_style)[1] == "hidden"
    held = page.evaluate("() => window.scrollY")  # (the page's body margin may shift it, unseen behind the panel)
    page.mouse.move(195, 400)
    page.mouse.wheel(0, 600)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.scrollY") == held  # the page behind does not scroll

    ask(page, "Huyện Chợ Đồn có bao nhiêu HTX?")
    page.locator("htx-chat .panel > form textarea").focus()
    seen, rings = [], []
    for _ in range(14):  # more presses than there are controls: the focus must come round
        page.keyboard.press("Tab")
        focused = page.evaluate_handle(ACTIVE)
        assert focused.evaluate("el => !!el && !!el.closest('section[role=dialog]')"), "the focus left the panel"
        seen.append(focused.evaluate("el => el.tagName + '.' + el.className + (el.getAttribute('aria-label') || '')"))
        rings.append(focused.as_element().evaluate(RING_CONTRAST))
    cycle = seen.index(seen[0], 1)  # Tab after the last control goes back to the first
    assert seen[cycle:] == seen[: len(seen) - cycle] and cycle >= 6
    weak = [ring for ring in rings if ring["style"] == "none" or ring["width"] < 2 or ring["ratio"] < 3]
    assert weak == [], weak
    page.keyboard.press("Shift+Tab")  # and backwards
    first = page.evaluate(f"() => ({ACTIVE})().getAttribute('aria-label') || ({ACTIVE})().className")
    for _ in range(cycle):
        page.keyboard.press("Shift+Tab")
    assert page.evaluate(f"() => ({ACTIVE})().getAttribute('aria-label') || ({ACTIVE})().className") == first
    page.screenshot(path=str(ARTEFACTS / f"widget-phone-focus-{scheme}.png"))

    # Escape closes, gives the focus back to the launcher and the page its scroll bar and scrolling.
    page.keyboard.press("Escape")
    assert not panel.is_visible()
    assert page.evaluate(f"() => ({ACTIVE})().className") == "launcher"
    assert page.evaluate(root_style) == ["overflow-y: scroll;", "scroll"]
    assert page.evaluate("() => document.body.getAttribute('style')") in (None, "")
    assert page.evaluate("() => window.scrollY") == 300  # where the reader left it
    page.mouse.wheel(0, 600)
    page.wait_for_function("() => window.scrollY > 300", timeout=5_000)


def touch_drag(page, x: float, y_from: float, y_to: float, steps: int = 10) -> None:
    """Drag one finger from (x, y_from) to (x, y_to) as a touch screen sends it (Chromium's input
    pipeline, so that the touches scroll what they would scroll on a phone), then wait for any fling."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y_from}]})
        for step in range(1, steps + 1):
            y = y_from + (y_to - y_from) * step / steps
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    finally:
        cdp.detach()
    deadline, last = time.monotonic() + 5, None
    while time.monotonic() < deadline:  # until a fling is over: nothing moved for 150 ms
        page.wait_for_timeout(150)
        now = page.evaluate(f"() => [window.scrollY, {LOG}?.scrollTop]")
        if now == last:
            return
        last = now
    raise AssertionError("the page or the log kept moving after the touch ended")


# Where the page's text is on the screen, and the touch moves the page saw (and whether the widget
# cancelled them): listened for on the window, after the widget's own listener on the document.
PAGE_TOP = "() => document.querySelector('main h1').getBoundingClientRect().top"
RECORD_MOVES = """() => { window.moves = [];
    window.addEventListener('touchmove', e => window.moves.push(e.defaultPrevented), {passive: true}); }"""
LOG = "document.querySelector('htx-chat').shadowRoot.querySelector('.log')"


def test_on_a_phone_a_touch_scroll_moves_the_panel_never_the_page_behind(browser, pages, closing):
    """The hold that also works on iOS before 16: the body pinned at its scroll offset, and touch
    moves that would scroll nothing in the panel (or pull the log past its end) cancelled."""
    page = closing(open_phone(browser, f"{pages}/index.html"))
    page.evaluate(RECORD_MOVES)
    page.evaluate(SCROLL_300)
    touch_drag(page, 195, 600, 300)  # with the panel closed, a touch scrolls the page …
    assert page.evaluate("() => window.scrollY") > 300 and page.evaluate("() => window.moves").count(True) == 0
    page.evaluate(SCROLL_300)
    top = page.evaluate(PAGE_TOP)

    page.locator("htx-chat button.launcher").click()
    serve_answer(page)  # a long answer: the log has something to scroll
    ask(page, "Tỉnh nào có nhiều HTX nhất?")
    held = page.evaluate(PAGE_TOP)
    assert abs(held - top) <= 8  # pinned where it was (give or take the body's margin), unseen behind the panel
    assert page.evaluate("() => getComputedStyle(document.body).position") == "fixed"

    page.evaluate("() => { window.moves = []; }")
    touch_drag(page, 195, 70, 400)  # … on the panel's header: nothing scrolls
    assert page.evaluate(PAGE_TOP) == held
    moves = page.evaluate("() => window.moves")
    assert moves and all(moves), moves  # cancelled, as an old iOS needs

    page.evaluate(f"() => {{ {LOG}.scrollTop = 0; window.moves = []; }}")
    touch_drag(page, 195, 600, 300)  # on the log: the log scrolls, the page does not
    assert page.evaluate(f"() => {LOG}.scrollTop") > 100
    assert page.evaluate(PAGE_TOP) == held
    assert page.evaluate("() => window.moves")[0] is False

    page.evaluate(f"() => {{ {LOG}.scrollTop = 0; window.moves = []; }}")
    touch_drag(page, 195, 300, 600)  # pulling the log down past its top: cancelled, the page stays
    assert page.evaluate(f"() => {LOG}.scrollTop") == 0 and page.evaluate(PAGE_TOP) == held
    assert all(page.evaluate("() => window.moves"))

    page.keyboard.press("Escape")  # closed: the page is where the reader left it, and scrolls again
    assert page.evaluate("() => window.scrollY") == 300 and page.evaluate(PAGE_TOP) == top
    assert page.evaluate("() => document.body.getAttribute('style')") in (None, "")
    page.evaluate("() => { window.moves = []; }")
    touch_drag(page, 195, 600, 300)
    assert page.evaluate("() => window.scrollY") > 300 and not any(page.evaluate("() => window.moves"))


def test_on_a_wide_screen_the_panel_neither_traps_nor_holds_the_page(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    page.goto(f"{pages}/index.html")
    page.locator("htx-chat button.launcher").wait_for(timeout=10_000)
    page.keyboard.press("Tab")  # the launcher, on the page's own background, takes a ring that shows
    ring = page.evaluate_handle(ACTIVE).as_element().evaluate(RING_CONTRAST)
    assert ring["what"].startswith("BUTTON.launcher") and ring["style"] == "solid" and ring["ratio"] >= 3, ring
    page.keyboard.press("Enter")
    panel = page.locator("htx-chat section[role=dialog]")
    panel.wait_for()
    assert panel.get_attribute("aria-modal") is None
    assert page.evaluate("() => getComputedStyle(document.documentElement).overflowY") == "scroll"
    # The window narrows to a phone's width while the panel is open: now it covers the page, and is modal.
    page.set_viewport_size({"width": 390, "height": 800})
    page.wait_for_function("() => getComputedStyle(document.documentElement).overflowY === 'hidden'", timeout=5_000)
    assert panel.get_attribute("aria-modal") == "true"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_function("() => getComputedStyle(document.documentElement).overflowY === 'scroll'", timeout=5_000)
    assert panel.get_attribute("aria-modal") is None


# Where the conversation is scrolled for each run of axe (colours are checked on what is in view):
# at its end, as after an answer, then with each chart a third of the way down the log.
SCROLLS = [
    "log.scrollHeight",
    "root.querySelectorAll('figure.chart')[0].offsetTop - log.offsetTop - log.clientHeight / 3",
    "root.querySelectorAll('figure.chart')[1].offsetTop - log.offsetTop - log.clientHeight / 3",
]
RANKING = {"vi": "Tỉnh nào có nhiều HTX nhất theo các bài viết?", "en": "Which province has the most cooperatives?"}
TREND = {
    "kind": "line",
    "measure": "số HTX",
    "unit": "HTX",
    "series": [
        {
            "label": f"năm {year}",
            "value": value,
            "value_text": str(value),
            "unit": "HTX",
            "period": f"năm {year}",
            "citation": 1,
        }
        for year, value in [(2019, 380), (2020, 401), (2021, 422)]
    ],
}


def run_axe(page) -> dict:
    """Run axe-core (every rule but the experimental ones) on the widget, its host element and shadow
    root, at each of SCROLLS; return the violations and the items to review of all runs."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` in {REPO} (scripts/test.sh does) to install axe-core from npm")
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=AXE)
    found: dict = {"violations": [], "incomplete": []}
    for scroll in SCROLLS:
        results = page.evaluate(
            "() => { const root = document.querySelector('htx-chat').shadowRoot, log = root.querySelector('.log');"
            f" log.scrollTop = {scroll};"
            " return axe.run({include: [['htx-chat']]}, {resultTypes: ['violations', 'incomplete']})"
            ".then(r => ({violations: r.violations, incomplete: r.incomplete})); }"
        )
        for kind in found:
            found[kind] += results[kind]
    return found


def _summary(items: list[dict]) -> list[str]:
    return [
        f"{item['id']} ({item['impact']}): {item['help']} — "
        + "; ".join(f"{node['target']} {node.get('failureSummary', '')}" for node in item["nodes"][:4])
        for item in items
    ]


@pytest.mark.parametrize(
    ("device", "scheme", "language"),
    [
        ("desktop", "light", "vi"),
        ("desktop", "dark", "vi"),
        ("phone", "light", "vi"),
        ("phone", "dark", "vi"),
        ("desktop", "light", "en"),
    ],
)
def test_axe_finds_nothing_on_the_open_widget(browser, pages, closing, device, scheme, language):
    page = closing(browser.new_page(**(PHONE if device == "phone" else DESKTOP), color_scheme=scheme))
    page.goto(f"{pages}/{'en' if language == 'en' else 'index'}.html")
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    # The widget's words are marked as its language on a Vietnamese page; the articles' as Vietnamese.
    assert page.locator("htx-chat").evaluate("h => h.shadowRoot.querySelector('.wrap').lang") == language
    # A ranking from the server (a list, a bar chart, two sources, one quote open), then an answer
    # with bold, a table, a trend's line chart and five sources (two folded), a 👎 comment box and a copy.
    first = ask(page, RANKING[language])
    assert first.locator(".sources blockquote[lang=vi]").count() == first.locator(".sources li").count() >= 2
    assert first.locator("figure.chart").count() == 1
    first.locator(".sources summary").first.click()
    serve_answer(page, chart=TREND)
    rich = ask(page, "Còn chi tiết thì sao?")
    assert rich.locator("figure.chart.trend").count() == 1
    rich.locator("button[data-rating=down]").click()
    rich.locator("form.comment textarea").wait_for()
    rich.locator("button.copy").click()

    results = run_axe(page)
    serious = [item for item in results["incomplete"] if item["impact"] in ("serious", "critical")]
    assert results["violations"] == [], "\n".join(_summary(results["violations"]))
    assert serious == [], "\n".join(_summary(serious))
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"widget-axe-{device}-{scheme}{'-en' if language == 'en' else ''}.png"))
