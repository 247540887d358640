"""How a figure moved, asked in words the trend cue list lacked (other wordings than the question sets)."""

from retrieval.questions import analyse
from tests.unit.test_answering_rules import _answers

ARTICLE = (
    "Kinh tế tập thể Lục Nam khởi sắc\n\n"
    "Những năm qua, kinh tế tập thể trên địa bàn huyện Lục Nam có bước phát triển khá. Năm 2017, huyện Lục Nam "
    "có 28 HTX với 950 thành viên. Đến cuối năm 2023, toàn huyện đã có 61 HTX, thu hút 2.400 thành viên.\n"
)


def test_how_a_figure_moved_is_a_trend():
    for text in (
        "Số HTX ở Lục Nam tăng thế nào?",
        "so htx o luc nam tang ra sao",
        "Thành viên HTX huyện Lục Nam tăng bao nhiêu so với năm 2017?",
        "Số HTX của Lục Nam năm 2023 so với năm 2017?",
        "Số HTX ở Lục Nam đã tăng gấp mấy lần?",
        "By how much did the number of cooperatives in Luc Nam district increase?",
    ):
        assert analyse(text).intent == "trend", text
    # one place at one time, or two places: no trend
    assert analyse("Lục Nam có bao nhiêu HTX?").intent == "lookup"
    assert analyse("Số HTX của huyện Lục Nam so với huyện Lục Ngạn?").intent == "compare"


def test_a_trend_asked_without_diacritics_quotes_both_dated_figures(tmp_path):
    (answer,) = _answers(tmp_path, {"lucnam.txt": ARTICLE}, ["so htx o luc nam tang the nao"])
    assert answer.found and "28 HTX" in answer.text and "61 HTX" in answer.text


def test_the_year_a_figure_is_compared_with_is_not_its_period():
    from retrieval.periods import find_period

    assert find_period("Lãi bình quân một HTX đạt 280 triệu đồng, cao hơn năm 2020 là 60 triệu đồng") is None
    assert find_period("doanh thu tăng 15% so với cùng kỳ năm 2022") is None
    assert find_period("Năm 2023 doanh thu đạt 3.200 tỷ đồng, tăng 15% so với năm 2022") == "Năm 2023"
