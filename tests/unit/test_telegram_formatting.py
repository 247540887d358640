"""Telegram HTML: escaping of source text, sources block, splitting within 4,096 characters."""

from __future__ import annotations

import pytest

from bot.telegram.formatting import (
    MAX_MESSAGE_CHARS,
    format_answer_html,
    format_documents_html,
    format_sources_html,
    split_message,
)
from retrieval.models import Answer, Citation, Document
from tests.helpers.telegram_html import check_telegram_html


def citation(**changes) -> Citation:
    values = dict(
        source="doc1",
        title='HTX <Chợ Đồn> & "kinh tế"',
        date=None,
        place="Huyện Chợ Đồn, tỉnh Bắc Kạn",
        url=None,
        quote="có 42 HTX <b>thật</b>",
        chunk_id="doc1#0",
    )
    values.update(changes)
    return Citation(**values)


def answer(text: str = "Hiện nay, huyện Chợ Đồn có 42 HTX [1].", citations=None, language: str = "vi") -> Answer:
    return Answer(
        question="q",
        text=text,
        found=True,
        citations=tuple(citations if citations is not None else [citation()]),
        language=language,
    )


def test_answer_is_escaped_and_cites_with_unknown_date():
    [message] = format_answer_html(answer("Số HTX <tăng> & giảm [1]."))
    check_telegram_html(message)
    assert message.startswith("Số HTX &lt;tăng&gt; &amp; giảm [1].")
    assert "<b>Nguồn:</b>" in message
    title = "<b>HTX &lt;Chợ Đồn&gt; &amp; &quot;kinh tế&quot;</b>"
    assert f"[1] {title} — không rõ ngày — Huyện Chợ Đồn, tỉnh Bắc Kạn" in message
    assert "&lt;b&gt;thật&lt;/b&gt;" in message


def test_source_has_date_paper_and_link():
    text = format_sources_html(
        answer(citations=[citation(date="2021-11-18", paper="Báo Bắc Kạn", url='https://example.vn/a?x=1&y="2"')])
    )
    check_telegram_html(text)
    assert "18/11/2021" in text and "Báo Bắc Kạn" in text
    assert '<a href="https://example.vn/a?x=1&amp;y=&quot;2&quot;">' in text


def test_english_answer_has_english_heading_and_no_sources_without_citations():
    assert "<b>Sources:</b>" in format_sources_html(answer(language="en"))
    assert format_answer_html(answer("Xin lỗi, không có số liệu.", citations=[])) == ["Xin lỗi, không có số liệu."]


def test_missing_place_is_named():
    assert "không rõ địa phương" in format_sources_html(answer(citations=[citation(place=None)]))


def test_short_message_is_one_part():
    assert split_message(["a", "b"], "sources") == ["a\n\nb\n\nsources"]


def test_long_answer_splits_on_paragraphs_with_sources_whole_in_last_part():
    paragraphs = "\n\n".join(f"Đoạn {n}: " + "HTX & THT phát triển. " * 40 for n in range(12))
    sources = [citation(title=f"Bài {n}", quote="câu trích " * 20) for n in range(1, 4)]
    parts = format_answer_html(answer(paragraphs, citations=sources))
    assert len(parts) > 1
    assert all(len(p) <= MAX_MESSAGE_CHARS for p in parts)
    for part in parts:
        check_telegram_html(part)
    assert all("Nguồn:" not in p for p in parts[:-1])
    sources_block = format_sources_html(answer(citations=sources))
    assert parts[-1].endswith(sources_block)
    # paragraphs are never cut: each part begins with a paragraph
    assert all(p.startswith("Đoạn ") for p in parts)
    assert "\n\n".join(parts).replace("\n\n" + sources_block, "").count("Đoạn ") == 12


def test_sources_go_to_their_own_message_when_the_last_part_is_full():
    parts = split_message(["x" * 90], "S" * 20, limit=100)
    assert parts == ["x" * 90, "S" * 20]


def test_overlong_paragraph_is_cut_on_lines_then_words_then_characters():
    parts = split_message(["line one\nline two is longer", "word " * 30, "y" * 45], limit=20)
    assert all(len(p) <= 20 for p in parts)
    assert parts[:2] == ["line one", "line two is longer"]
    assert "".join(parts).replace(" ", "").count("y") == 45


@pytest.mark.parametrize("word", ["a&amp;" * 10, "&lt;" * 12])
def test_hard_cut_never_breaks_an_entity(word):
    for part in split_message([word], limit=13):
        assert len(part) <= 13
        check_telegram_html(part)


def test_documents_list_titles_dates_and_places():
    documents = [
        (Document(id="a", title="Chợ Đồn <HTX>", text="", date=None, place="Huyện Chợ Đồn"), 3),
        (Document(id="b", title="Lạng Sơn", text="", date="2017-07-27", place=None, url="https://example.vn/b"), 2),
    ]
    [message] = format_documents_html(documents)
    check_telegram_html(message)
    assert "(2)" in message
    assert "1. <b>Chợ Đồn &lt;HTX&gt;</b>\nkhông rõ ngày — Huyện Chợ Đồn" in message
    assert "2. <b>Lạng Sơn</b>\n27/07/2017 — không rõ địa phương" in message
    assert 'href="https://example.vn/b"' in message


def test_documents_list_is_capped_and_split():
    documents = [(Document(id=str(n), title="Bài viết về hợp tác xã " * 5, text=""), 1) for n in range(120)]
    parts = format_documents_html(documents, listed=100)
    assert len(parts) > 1 and all(len(p) <= MAX_MESSAGE_CHARS for p in parts)
    assert parts[-1].endswith("… và 20 bài viết khác.")
    assert format_documents_html([]) == ["Chưa có bài viết nào trong dữ liệu."]
