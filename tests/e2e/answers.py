"""Answers in the API's own stream format, for browser tests that need an answer the seed articles
cannot give (more than three sources, a table, a trend): a page's /api/ask/stream is answered with it."""

from __future__ import annotations

import json

# Bold, a list, a table, a paragraph of two lines, markup that must stay text and a marker ([9]) with
# no source; five sources, the first with a link, one without a date, one without a place.
RICH_TEXT = "\n".join(
    [
        "**Tóm tắt:** Hòa Bình có nhiều HTX nhất [1].",
        "- Tỉnh Hòa Bình: **422** HTX [1]",
        "- Tỉnh Lạng Sơn: 153 HTX [2]",
        "",
        "| Nơi | Số HTX | Nguồn |",
        "|---|---:|---|",
        "| Tỉnh Hòa Bình | 422 | [1] |",
        "| Tỉnh Lạng Sơn | 153 | [2] |",
        "Dòng một [3]",
        "Dòng hai [5] <img src=x onerror=alert(1)> **<b>đậm</b>** [9]",
    ]
)
SOURCES = [
    {"title": "Hòa Bình: 422 HTX", "date": "2021-01-18", "place": "Tỉnh Hòa Bình", "paper": "Báo Hòa Bình"},
    {"title": "Lạng Sơn: 153 HTX", "date": "2017-07-02", "place": "Tỉnh Lạng Sơn", "paper": None},
    {"title": "Chợ Đồn: 42 HTX", "date": None, "place": "Huyện Chợ Đồn", "paper": None},
    {"title": "Bắc Kạn: 44 HTX", "date": "2021-11-18", "place": None, "paper": None},
    {"title": "Nguồn thứ năm", "date": "2020-05-01", "place": "Tỉnh Hòa Bình", "paper": None},
]
CITATIONS = [
    dict(s, source=f"s{n}", quote=f"Câu trích {n}.", url=f"https://example.org/{n}" if n == 1 else None)
    for n, s in enumerate(SOURCES, start=1)
]


def served(text: str, citations: list[dict], chart: dict | None = None) -> str:
    """The body of an /api/ask/stream reply in the API's own format."""
    return "".join(
        f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        for name, data in [
            ("delta", {"text": text}),
            ("citations", {"found": True, "citations": citations, "period": None, "chart": chart}),
            ("done", {"latency_ms": 1.0}),
        ]
    )


def serve_answer(page, text: str = RICH_TEXT, citations: list[dict] = CITATIONS, chart: dict | None = None) -> None:
    """Answer every question of ``page`` with ``text``, ``citations`` and ``chart``."""
    body = served(text, citations, chart)
    page.route(
        "**/api/ask/stream",
        lambda route: route.fulfill(
            status=200, headers={"Content-Type": "text/event-stream", "Access-Control-Allow-Origin": "*"}, body=body
        ),
    )
