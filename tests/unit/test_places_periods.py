from retrieval.periods import find_period, period_for, years
from retrieval.places import find_places


def keys(text):
    return [(p.key, p.kind) for p in find_places(text)]


def test_places_with_and_without_diacritics():
    assert keys("Huyện Chợ Đồn có bao nhiêu HTX?") == [("cho don", "district")]
    assert keys("cho don co bao nhieu hop tac xa") == [("cho don", None)]
    assert keys("How many cooperatives are there in Cho Don district?") == [("cho don", "district")]
    assert keys("So sánh thành phố Bắc Kạn và huyện Chợ Đồn") == [("bac kan", "city"), ("cho don", "district")]
    assert keys("Giá lúa ở Cần Thơ") == [("can tho", None)]


def test_legacy_districts_are_known():
    # Ba Bể is a district of the pre-2025 map; the gazetteer must know it to refuse about it.
    assert keys("Huyện Ba Bể có bao nhiêu hợp tác xã?") == [("ba be", "district")]


def test_ordinary_words_are_not_places():
    assert keys("Nguồn lực ngân sách dành cho hỗ trợ phát triển") == []
    assert keys("HTX Tân Thành cũng chủ động ký kết") == []


def test_periods():
    assert find_period("Đến hết tháng 6/2017, toàn tỉnh có 153 HTX") == "Đến hết tháng 6/2017"
    assert find_period("Trong 6 tháng đầu năm 2017, toàn tỉnh") == "Trong 6 tháng đầu năm 2017"
    assert find_period("Kết quả, đến 31/12/2021, toàn tỉnh có 458 HTX") == "đến 31/12/2021"
    assert find_period("Hiện nay, huyện Chợ Đồn có 42 HTX") == "Hiện nay"
    # the year of a month is a year; a decree's number is not
    assert years("Năm 2020 và 6/2017, mã 12345, Nghị định 02/2017/NĐ-CP") == [2020, 2017]


def test_period_without_year_takes_the_articles_context():
    assert (
        period_for("Trong năm, toàn tỉnh có 66 HTX thành lập mới", "", "Năm 2020, do ảnh hưởng", "2021-01-18")
        == "Trong năm (năm 2020)"
    )
    assert period_for("Hiện nay, huyện có 42 HTX", "", "Luật HTX năm 2012", None) == "Hiện nay (bài viết không rõ ngày)"
    assert (
        period_for("tính đến thời điểm hiện tại, có 44 HTX", "", "", "2021-11-18")
        == "tính đến thời điểm hiện tại (theo bài viết ngày 18/11/2021)"
    )
