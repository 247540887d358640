"""Answers over a small lexical-only index of news-like articles (a real catalog, BM25 and answerer)."""

from datetime import date, timedelta

import pytest

from retrieval.answering import AnswerConfig, ExtractiveAnswerer
from retrieval.index import Index
from retrieval.models import Document

RICE_2017 = Document(
    id="lua-2017",
    title="Nông dân miền Tây khốn đốn vì mưa trái vụ",
    date="2017-02-06",
    text="Nông dân xã Trường Thành, H.Thới Lai, TP.Cần Thơ lo lắng cho ruộng lúa. "
    "Hiện giá lúa thường ở mức 4.300 đồng/kg, nhưng ở các ruộng lúa bị ngã đổ thương lái trả giá rất thấp.",
)
HTX_HANOI = Document(
    id="htx-hn",
    title="Kinh tế tập thể Hà Nội",
    date="2021-03-01",
    place="Hà Nội",
    text="Đến hết năm 2020, thành phố Hà Nội có 1.869 hợp tác xã đang hoạt động.",
)
HTX_HANOI_2 = Document(
    id="htx-hn-2",
    title="Hợp tác xã nông nghiệp Hà Nội",
    date="2021-04-01",
    place="Hà Nội",
    text="Các hợp tác xã nông nghiệp của Hà Nội mở rộng liên kết tiêu thụ nông sản.",
)
HTX_DANANG = Document(
    id="htx-dn",
    title="Hợp tác xã Đà Nẵng",
    date="2021-05-01",
    place="Đà Nẵng",
    text="Thành phố Đà Nẵng có 176 hợp tác xã.",
)


@pytest.fixture
def answerer_over(tmp_path, closing):
    """Return ``answerer_over(documents) -> (index, answerer)`` over a BM25 index, closed at the end."""

    def make(documents):
        index = closing(Index(tmp_path / "data", None))
        index.ingest_documents(documents)
        return index, ExtractiveAnswerer(index)

    return make


def test_a_price_of_today_is_not_answered_with_an_old_article(answerer_over):
    _, answerer = answerer_over([RICE_2017, HTX_HANOI])
    # Asked without "today", the article's price is the answer, with its date.
    dated = answerer.answer("Giá lúa ở Cần Thơ là bao nhiêu?")
    assert dated.found and "4.300" in dated.text and "06/02/2017" in dated.text
    # Asked "today", a price from 2017 is refused, with no number, in either language and spelling.
    for question in (
        "Giá lúa hôm nay ở Cần Thơ là bao nhiêu?",
        "gia lua hom nay o can tho bao nhieu",
        "What is the rice price in Can Tho today?",
    ):
        answer = answerer.answer(question)
        assert not answer.found and not answer.citations and "4.300" not in answer.text, (question, answer.text)
    assert "hôm nay" in answerer.answer("Giá lúa hôm nay ở Cần Thơ là bao nhiêu?").text


def test_a_price_of_today_is_answered_from_an_article_of_this_week(answerer_over):
    fresh = Document(
        id="lua-moi",
        title="Giá lúa tại Cần Thơ",
        date=(date.today() - timedelta(days=1)).isoformat(),
        text="Tại TP.Cần Thơ, giá lúa tươi hôm nay ở mức 7.200 đồng/kg.",
    )
    _, answerer = answerer_over([RICE_2017, fresh])
    answer = answerer.answer("Giá lúa hôm nay ở Cần Thơ là bao nhiêu?")
    assert answer.found and "7.200" in answer.text and answer.citations[0].source == "lua-moi"


def test_a_refusal_names_the_places_the_archive_covers_most(answerer_over):
    index, answerer = answerer_over([HTX_HANOI, HTX_HANOI_2, HTX_DANANG, RICE_2017])
    assert index.covered_places() == ["Hà Nội", "Đà Nẵng"]
    answer = answerer.answer("Huyện Ba Bể có bao nhiêu hợp tác xã?")
    assert not answer.found and "Ba Bể" in answer.text and answer.text.endswith("\n• Hà Nội\n• Đà Nẵng")
    assert answer.suggestions == ("Hà Nội có bao nhiêu HTX?", "Đà Nẵng có bao nhiêu HTX?")  # both answered


def test_the_first_articles_are_read_whole_not_only_their_matching_chunk(answerer_over):
    filler = " ".join(f"Đoạn {i} nói về thời tiết, giao thông và lễ hội của địa phương trong năm." for i in range(40))
    article = Document(
        id="vung-dbscl",
        title="Liên kết hình thành hợp tác xã ở ĐBSCL và Đông Nam Bộ",
        date="2017-06-01",
        text="Số hợp tác xã của ĐBSCL và Đông Nam Bộ chiếm phần trăm lớn của cả nước, liên kết hợp tác xã "
        "là vấn đề sống còn của vùng ĐBSCL và Đông Nam Bộ.\n"
        + filler
        + "\nCụ thể, đến cuối năm 2016 toàn vùng có 1.642 HTX, chiếm 15,16% cả nước.",
    )
    index, _ = answerer_over([article, HTX_HANOI])
    assert len(index.document_passages("vung-dbscl")) >= 3
    question = "ĐBSCL và Đông Nam Bộ chiếm bao nhiêu phần trăm số hợp tác xã cả nước?"
    one_chunk = ExtractiveAnswerer(index, AnswerConfig(passages=1, read=1, whole_articles=0, deeper=0)).answer(question)
    assert "15,16" not in one_chunk.text
    whole = ExtractiveAnswerer(index, AnswerConfig(passages=1, read=1, whole_articles=1, deeper=0)).answer(question)
    assert whole.found and "15,16%" in whole.text
    assert [c.source for c in whole.citations] == [index.document("vung-dbscl").cited_as]
