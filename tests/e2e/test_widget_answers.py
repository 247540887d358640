"""Answers as the widget shows them, in a real headless Chromium: a safe part of Markdown (bold, lists,
tables, line breaks) built as nodes, [n] markers that jump to their source, more than three sources
folded behind a button, and a copy button whose clipboard text carries the sources and their dates."""

from __future__ import annotations

import pytest

from tests.e2e.answers import serve_answer
from tests.helpers.data import ARTEFACTS
from tests.live_server import static_server

pytestmark = pytest.mark.slow

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
HEAD = "<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width, initial-scale=1'><title>Tỉnh</title></head>"  # noqa: E501 - a page's head as it is written

# What the copy button puts on the clipboard as plain text: no Markdown marks (bold gone, list items
# as "• ", a table's rows as cells joined by " | " without the |---| row, set apart by blank lines),
# the markers kept, then each source with its date.
COPIED = "\n".join(
    [
        "Tóm tắt: Hòa Bình có nhiều HTX nhất [1].",
        "• Tỉnh Hòa Bình: 422 HTX [1]",
        "• Tỉnh Lạng Sơn: 153 HTX [2]",
        "",
        "Nơi | Số HTX | Nguồn",
        "Tỉnh Hòa Bình | 422 | [1]",
        "Tỉnh Lạng Sơn | 153 | [2]",
        "",
        "Dòng một [3]",
        "Dòng hai [5] <img src=x onerror=alert(1)> <b>đậm</b> [9]",
        "",
        "Nguồn:",
        "[1] Hòa Bình: 422 HTX — 18/01/2021 · Tỉnh Hòa Bình · Báo Hòa Bình — https://example.org/1",
        "[2] Lạng Sơn: 153 HTX — 02/07/2017 · Tỉnh Lạng Sơn",
        "[3] Chợ Đồn: 42 HTX — không rõ ngày · Huyện Chợ Đồn",
        "[4] Bắc Kạn: 44 HTX — 18/11/2021 · không rõ địa phương",
        "[5] Nguồn thứ năm — 01/05/2020 · Tỉnh Hòa Bình",
    ]
)
# The clipboard's HTML, parsed back in the page: what a mail or a document pastes.
PASTED_HTML = """async () => {
    const [item] = await navigator.clipboard.read();
    const html = await (await item.getType('text/html')).text();
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const texts = sel => [...doc.querySelectorAll(sel)].map(n => n.textContent);
    return {types: item.types, strong: texts('strong'), items: texts('ul > li'), cells: texts('table td'),
            heads: texts('table th'), sources: texts('ol > li'), links: [...doc.querySelectorAll('a')].map(a => a.href),
            elements: [...new Set([...doc.body.querySelectorAll('*')].map(n => n.tagName.toLowerCase()))].sort(),
            attributes: [...new Set([...doc.body.querySelectorAll('*')].flatMap(n => n.getAttributeNames()))].sort()};
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory, seeded_app):
    """Host pages on their own origin that embed the widget of the seeded app: Vietnamese and English."""
    url, _ = seeded_app
    root = tmp_path_factory.mktemp("pages")
    for name, lang in [("index.html", "vi"), ("en.html", "en")]:
        embed = f"<script src='{url}/widget.js' data-api='{url}' data-language='{lang}' defer></script>"
        (root / name).write_text(
            HEAD.format(lang=lang) + f"<body><h1>Cổng thông tin</h1>{embed}</body></html>", "utf-8"
        )
    with static_server(root) as base:
        yield base


def ask(page, url: str, question: str):
    """Open the widget on ``url``, ask ``question`` and return its answer once the sources are in."""
    page.goto(url)
    page.locator("htx-chat button.launcher").click(timeout=10_000)
    box = page.locator("htx-chat textarea")
    box.fill(question)
    box.press("Enter")
    answer = page.locator("htx-chat .msg.bot").last
    answer.locator(".sources").wait_for(timeout=20_000)
    return answer


def active(page) -> str:
    """Describe the element that has the focus inside the widget."""
    return page.evaluate(
        "() => { const a = document.querySelector('htx-chat').shadowRoot.activeElement;"
        " return a ? a.tagName + '|' + a.className + '|' + (a.textContent || '').slice(0, 40) : ''; }"
    )


def test_a_comparison_from_the_server_is_a_list_whose_markers_show_their_sources(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    answer = ask(page, f"{pages}/index.html", "So sánh số HTX của Hòa Bình và Lạng Sơn")
    items = answer.locator(".text ul > li")
    assert items.count() == 2
    assert items.nth(0).inner_text().startswith("Hòa Bình:") and items.nth(1).inner_text().startswith("Lạng Sơn:")
    assert "- " not in answer.locator(".text").inner_text()  # the dashes became list items
    markers = answer.locator(".text button.cite")
    assert markers.all_inner_texts() == ["[1]", "[2]"]
    assert markers.nth(1).get_attribute("aria-label").startswith("[2] Nguồn: ")

    markers.nth(1).click()
    second = answer.locator(".sources li").nth(1)
    assert "flash" in second.get_attribute("class")  # lit up …
    assert second.evaluate("li => li.getRootNode().activeElement === li")  # … with the focus on it
    page.wait_for_function(
        "() => !document.querySelector('htx-chat').shadowRoot.querySelectorAll('.sources li')[1]"
        ".classList.contains('flash')",
        timeout=5_000,
    )  # … for a moment only


def test_markdown_is_built_as_nodes_and_sources_past_three_are_folded(browser, pages, closing):
    page = closing(browser.new_page(**DESKTOP))
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    serve_answer(page)
    answer = ask(page, f"{pages}/index.html", "Tỉnh nào có nhiều HTX nhất?")
    text = answer.locator(".text")

    assert text.locator("strong").first.inner_text() == "Tóm tắt:"
    assert text.locator("ul > li").all_inner_texts() == ["Tỉnh Hòa Bình: 422 HTX [1]", "Tỉnh Lạng Sơn: 153 HTX [2]"]
    assert text.locator("ul > li strong").inner_text() == "422"
    assert text.locator("table th").all_inner_texts() == ["Nơi", "Số HTX", "Nguồn"]
    assert text.locator("table tbody tr").count() == 2
    assert text.locator("table tbody tr").nth(1).locator("td").all_inner_texts() == ["Tỉnh Lạng Sơn", "153", "[2]"]
    assert text.locator("table td button.cite").count() == 2
    # Two lines of one paragraph, with a line break between them.
    last = text.locator("p").last
    assert last.locator("br").count() == 1
    assert last.inner_text().splitlines()[0] == "Dòng một [3]"
    # Markup in the text stays text; a marker without its source stays text too.
    assert "<img src=x onerror=alert(1)>" in last.inner_text() and "<b>đậm</b>" in last.inner_text()
    assert page.locator("htx-chat img").count() == 0 and page.locator("htx-chat .text b").count() == 0
    assert last.locator("strong").inner_text() == "<b>đậm</b>"
    assert "[9]" in last.inner_text() and last.locator("button.cite").all_inner_texts() == ["[3]", "[5]"]
    assert dialogs == []

    # Five sources: three shown, two behind "Xem thêm 2 nguồn".
    sources = answer.locator(".sources li")
    more = answer.locator(".sources button.more")
    assert sources.count() == 5
    assert [sources.nth(i).is_visible() for i in range(5)] == [True, True, True, False, False]
    assert more.inner_text() == "Xem thêm 2 nguồn" and more.get_attribute("aria-expanded") == "false"
    more.click()
    assert all(sources.nth(i).is_visible() for i in range(5))
    assert more.inner_text() == "Thu gọn danh sách nguồn" and more.get_attribute("aria-expanded") == "true"
    more.click()
    assert not sources.nth(4).is_visible()

    ARTEFACTS.mkdir(exist_ok=True)
    answer.evaluate("a => { a.parentElement.scrollTop = a.offsetTop - a.parentElement.offsetTop - 8; }")
    page.screenshot(path=str(ARTEFACTS / "widget-rich-desktop.png"))

    # [5] unfolds the list, brings source 5 into view and lights it up.
    last.locator("button.cite", has_text="[5]").click()
    page.screenshot(path=str(ARTEFACTS / "widget-rich-desktop-source.png"))
    assert sources.nth(4).is_visible() and "flash" in sources.nth(4).get_attribute("class")
    assert more.get_attribute("aria-expanded") == "true"
    assert active(page).startswith("LI|")
    in_view = page.evaluate(
        """() => { const root = document.querySelector('htx-chat').shadowRoot;
            const log = root.querySelector('.log').getBoundingClientRect();
            const li = root.querySelectorAll('.sources li')[4].getBoundingClientRect();
            return li.top >= log.top - 1 && li.bottom <= log.bottom + 1; }"""
    )
    assert in_view


def test_the_copy_button_copies_the_answer_with_its_dated_sources(browser, pages, closing):
    context = closing(browser.new_context(**DESKTOP))
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    serve_answer(page)
    answer = ask(page, f"{pages}/index.html", "Tỉnh nào có nhiều HTX nhất?")
    copy = answer.locator("button.copy")
    assert copy.get_attribute("aria-label") == "Chép câu trả lời và nguồn"
    copy.click()
    status = answer.locator(".actions [role=status]")
    page.wait_for_function(
        "() => document.querySelector('htx-chat').shadowRoot.querySelector('.actions [role=status]').textContent"
    )
    assert status.text_content() == "Đã chép câu trả lời và nguồn"
    assert page.evaluate("() => navigator.clipboard.readText()") == COPIED
    pasted = page.evaluate(PASTED_HTML)
    assert sorted(pasted["types"]) == ["text/html", "text/plain"]
    assert pasted["strong"] == ["Tóm tắt:", "422", "<b>đậm</b>"]  # the answer's markup stays text
    assert pasted["items"] == ["Tỉnh Hòa Bình: 422 HTX [1]", "Tỉnh Lạng Sơn: 153 HTX [2]"]
    assert pasted["heads"] == ["Nơi", "Số HTX", "Nguồn"] and pasted["cells"][:3] == ["Tỉnh Hòa Bình", "422", "[1]"]
    first, third = "Hòa Bình: 422 HTX — 18/01/2021 · Tỉnh Hòa Bình · Báo Hòa Bình", "Chợ Đồn: 42 HTX — không rõ ngày"
    assert pasted["sources"][0] == first + " — https://example.org/1" and pasted["links"] == ["https://example.org/1"]
    assert pasted["sources"][2] == third + " · Huyện Chợ Đồn" and len(pasted["sources"]) == 5
    assert " ".join(pasted["elements"]) == "a br div li ol p strong table tbody td th thead tr ul"
    assert pasted["attributes"] == ["class", "href", "scope"]  # no event handler, no style, no image


def test_without_the_clipboard_api_the_copy_button_falls_back_to_a_hidden_text_box(browser, pages, closing):
    """A page or browser that refuses navigator.clipboard.write and writeText: the widget copies
    through a hidden text box and execCommand; the same plain text lands on the clipboard."""
    context = closing(browser.new_context(**DESKTOP))
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.add_init_script(
        "navigator.clipboard.write = navigator.clipboard.writeText ="
        " () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    page = context.new_page()
    serve_answer(page)
    answer = ask(page, f"{pages}/en.html", "Which province has the most cooperatives?")
    answer.locator("button.copy").click()
    page.wait_for_function(
        "() => document.querySelector('htx-chat').shadowRoot.querySelector('.actions [role=status]').textContent"
    )
    assert answer.locator(".actions [role=status]").text_content() == "Answer and sources copied"
    expected = COPIED.replace("Nguồn:\n", "Sources:\n").replace("không rõ ngày", "date unknown")
    expected = expected.replace("không rõ địa phương", "place unknown")
    assert page.evaluate("() => navigator.clipboard.readText()") == expected
    assert page.locator("htx-chat textarea.clipboard").count() == 0  # the hidden box is gone
    assert active(page).startswith("BUTTON|copy")  # the focus is back on the button
    assert answer.locator(".sources button.more").inner_text() == "Show 2 more sources"
    ARTEFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / "widget-english-rich.png"))
