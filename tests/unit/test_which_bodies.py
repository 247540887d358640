"""A "which company" question answered with the company's name, even when it names a measure
("góp vốn"), and the polite openings that are no topic words (invented articles)."""

from retrieval.questions import analyse
from tests.unit.test_answering_rules import _answers

ARTICLE = (
    "Liên hiệp HTX Long An tự xuất khẩu thanh long\n\n"
    "Cuối tháng 5-2019, Liên hiệp HTX thanh long tỉnh Long An đã xuất khẩu lô hàng thanh long đầu tiên "
    "sang Hàn Quốc bằng chính thực lực của mình. "
    "Đầu tháng 3-2019, Liên hiệp HTX thanh long tỉnh Long An góp vốn với hai đối tác lập Công ty Dragon Viet "
    "để lo khâu đóng gói và xuất khẩu. "
    "Liên hiệp hiện có 12 HTX thành viên với 900 hộ trồng thanh long.\n"
)


def test_a_which_company_question_naming_a_measure_is_answered_with_the_name(tmp_path):
    (answer,) = _answers(
        tmp_path,
        {"article.txt": ARTICLE},
        ["Liên hiệp HTX thanh long tỉnh Long An đã góp vốn lập công ty nào để tự xuất khẩu?"],
    )
    assert answer.found and "Dragon Viet" in answer.text


def test_polite_openings_and_a_change_of_subject_are_no_topic_words():
    terms = analyse("Cho mình hỏi chuyện khác: Liên hiệp HTX tỉnh Long An góp vốn lập công ty nào?").terms
    assert not {"hoi", "chuyen", "khac"} & set(terms)
    assert "hoi" in analyse("Xin hỏi Hội Nông dân xã có bao nhiêu hội viên?").terms  # "Hội" is a word
