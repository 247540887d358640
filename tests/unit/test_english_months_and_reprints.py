"""English months read as the articles write them, and each part of a two-part question keeping
its own clause when another article reprints the same sentence, and a figure of a body asked by
name in a sentence that names no place; "new-model" cooperatives, of any age."""

from retrieval.answering import parts_quoted
from retrieval.questions import analyse
from tests.unit.test_two_asks_and_fillers import _one


def test_an_english_month_is_searched_as_the_articles_write_it():
    assert "tháng 9" in analyse("How many cooperatives did Dien Bien have at the end of September 2019?").search_text
    assert "7/9" in analyse("What was launched on 7 September by the steering committee?").search_text
    assert "9/10" in analyse("How many buses stopped on October 9th?").search_text
    # "may" is a month only with a day or a year after it
    assert "tháng 5" not in analyse("How many members may join the cooperative?").search_text
    assert "tháng 5" in analyse("How many members had joined by May 2018?").search_text


def test_each_part_keeps_its_own_clause_when_another_part_quotes_the_same_text():
    class Doc:
        def __init__(self, doc_id, text):
            self.id, self.text = doc_id, text

    class Clause:
        def __init__(self, text, document):
            self.text, self.document = text, document

    original = Doc("original", "A. B.")
    reprint = Doc("reprint", "B.")
    mine, twin, other = Clause("B.", original), Clause("B.", reprint), Clause("A.", original)
    quoted = parts_quoted([other, mine], [twin], ())
    assert [c.document.id for c in quoted] == ["original", "original"]


def test_a_figure_of_the_body_asked_is_its_own_where_its_article_places_it(tmp_path):
    article = (
        "Làng nghề Hà Nội giữ nghề mây tre\n\n"
        "Hà Nội có hàng trăm làng nghề mây tre đan. "
        "Ở xã Phú Nghĩa (huyện Chương Mỹ), nghề mây tre đan có từ lâu đời. "
        "Nhiều hộ đã bỏ nghề vì thu nhập thấp. "
        "Bây giờ riêng HTX mây tre Phú Vinh mỗi năm bán ra 5.000 sản phẩm, thu lãi khoảng 400 triệu đồng.\n"
    )
    answer = _one(tmp_path, article, "HTX mây tre Phú Vinh ở huyện Chương Mỹ (Hà Nội) lãi mỗi năm khoảng bao nhiêu?")
    assert answer.found and "400 triệu" in answer.text


def test_new_model_cooperatives_are_no_count_of_new_ones():
    asked = analyse("How many effective new-model cooperatives did the Deputy Prime Minister want by 2020?")
    assert "new" not in asked.qualifiers and "target" in asked.qualifiers
    assert "kiểu mới" in asked.search_text
    assert "new" in analyse("How many new cooperatives were set up in 2020?").qualifiers
