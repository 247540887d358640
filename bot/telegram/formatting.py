"""Telegram HTML for answers and source lists: every piece of source text escaped, long texts split."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.formatting import UNKNOWN_PLACE, format_date
from retrieval.models import Answer, Citation, Document

MAX_MESSAGE_CHARS = 4096
SOURCES_HEADING = {"vi": "Nguồn:", "en": "Sources:"}
MAX_LISTED_DOCUMENTS = 50
MAX_CAPTION_CHARS = 1024  # a photo's caption, after entities are parsed
MAX_SOURCE_TITLE_CHARS = 60


def _place(place: str | None, language: str) -> str:
    return place or UNKNOWN_PLACE.get(language, UNKNOWN_PLACE["vi"])


def format_source_html(number: int, citation: Citation, language: str = "vi") -> str:
    """Return one source entry: number, title, date, place, paper, link and the quoted sentence."""
    parts = [
        f"<b>{escape(citation.title)}</b>",
        escape(format_date(citation.date, language)),
        escape(_place(citation.place, language)),
    ]
    if citation.paper:
        parts.append(escape(citation.paper))
    lines = [f"[{number}] " + " — ".join(parts)]
    if citation.url:
        lines.append(f'<a href="{escape(citation.url, quote=True)}">{escape(citation.url)}</a>')
    if citation.quote:
        lines.append(f"<i>“{escape(citation.quote)}”</i>")
    return "\n".join(lines)


def format_sources_html(answer: Answer) -> str:
    """Return the sources block of an answer, empty when it cites nothing."""
    if not answer.citations:
        return ""
    heading = SOURCES_HEADING.get(answer.language, SOURCES_HEADING["vi"])
    entries = [format_source_html(n, c, answer.language) for n, c in enumerate(answer.citations, 1)]
    return f"<b>{heading}</b>\n" + "\n".join(entries)


def format_answer_html(answer: Answer, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Return the answer as Telegram HTML messages, each within ``limit``, the sources whole in the last."""
    paragraphs = [escape(p.strip()) for p in answer.text.split("\n\n") if p.strip()]
    return split_message(paragraphs, format_sources_html(answer), limit)


def format_chart_caption(answer: Answer, limit: int = MAX_CAPTION_CHARS) -> str:
    """Return the plain-text caption of an answer's chart: the answer's first line, then the short
    names (paper or title, and date) of the sources its points come from, within ``limit``."""
    first_line = next((line.strip() for line in answer.text.splitlines() if line.strip()), "")
    numbers = sorted({p.citation for p in answer.chart.points} if answer.chart else set())
    cited = [(n, answer.citations[n - 1]) for n in numbers if 1 <= n <= len(answer.citations)]
    sources = "; ".join(
        f"[{n}] {_short_name(c.paper or c.title)}, {format_date(c.date, answer.language)}" for n, c in cited
    )
    heading = SOURCES_HEADING.get(answer.language, SOURCES_HEADING["vi"])
    tail = f"\n{heading} {sources}" if sources else ""
    if len(tail) > limit // 2:  # many long names: the answer's line matters more
        tail = _cut(tail, limit // 2)
    return (_cut(first_line, limit - len(tail)) + tail).lstrip("\n")


def _short_name(name: str) -> str:
    """Return a paper's name or an article's title on one line, cut to a caption's length."""
    return _cut(" ".join(name.split()), MAX_SOURCE_TITLE_CHARS)


def _cut(text: str, limit: int) -> str:
    """Return ``text`` within ``limit`` characters, ending with "…" when it was cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def format_documents_html(
    documents: Sequence[tuple[Document, int]], limit: int = MAX_MESSAGE_CHARS, listed: int = MAX_LISTED_DOCUMENTS
) -> list[str]:
    """Return the /nguon list: each article with its title, date (or "không rõ ngày") and place."""
    if not documents:
        return ["Chưa có bài viết nào trong dữ liệu."]
    entries = []
    for number, (document, _chunks) in enumerate(documents[:listed], 1):
        entry = (
            f"{number}. <b>{escape(document.title)}</b>\n"
            f"{escape(format_date(document.date))} — {escape(_place(document.place, 'vi'))}"
        )
        if document.url:
            entry += f'\n<a href="{escape(document.url, quote=True)}">{escape(document.url)}</a>'
        entries.append(entry)
    head = f"<b>Các bài viết hiện có ({len(documents)}):</b>"
    tail = f"… và {len(documents) - listed} bài viết khác." if len(documents) > listed else ""
    return split_message([head, *entries], tail, limit)


def split_message(paragraphs: Sequence[str], last: str = "", limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Pack paragraphs (HTML, no tag spanning two) into messages within ``limit``; ``last`` ends the last one.

    ``last`` (the sources block) stays whole unless it alone is longer than ``limit``.
    Lengths are counted on the HTML, which is never shorter than the text Telegram counts.
    """
    parts = _pack([piece for p in paragraphs if p for piece in _pieces(p, limit)], "\n\n", limit)
    if not last:
        return parts
    if parts and len(parts[-1]) + 2 + len(last) <= limit:
        return [*parts[:-1], f"{parts[-1]}\n\n{last}"]
    return [*parts, *_pieces(last, limit)]


def _pack(units: Sequence[str], separator: str, limit: int) -> list[str]:
    """Join units with ``separator`` greedily into strings within ``limit`` (each unit already fits)."""
    packed: list[str] = []
    current: str | None = None
    for unit in units:
        if current is not None and len(current) + len(separator) + len(unit) <= limit:
            current = f"{current}{separator}{unit}"
        else:
            if current is not None:
                packed.append(current)
            current = unit
    return [*packed, current] if current is not None else packed


def _pieces(text: str, limit: int) -> list[str]:
    """Cut a text longer than ``limit`` on lines, then on spaces, then anywhere outside an entity or tag."""
    if len(text) <= limit:
        return [text]
    for separator in ("\n", " "):
        if separator in text:
            return _pack([piece for unit in text.split(separator) for piece in _pieces(unit, limit)], separator, limit)
    return _hard_cut(text, limit)


def _hard_cut(word: str, limit: int) -> list[str]:
    """Cut a word longer than ``limit`` without breaking an HTML entity or tag."""
    pieces = []
    while len(word) > limit:
        cut = limit
        opening = max(word.rfind("&", 0, cut), word.rfind("<", 0, cut))
        closing = max(word.rfind(";", 0, cut), word.rfind(">", 0, cut))
        if opening > closing and opening > 0:
            cut = opening
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word] if word else pieces
