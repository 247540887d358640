"""Dates that are no quantities, sums paid out, English communes and sizes, the first side of a
comparison of places, restatements kept in the quote (other wordings than the question sets)."""

from retrieval.measures import asks_money
from retrieval.places import place_mentions
from retrieval.questions import analyse, first_side, unknown_places
from tests.unit.test_answering_rules import _answers


def test_a_sum_paid_out_is_money_asked():
    assert asks_money("Tòa buộc công ty bồi thường bao nhiêu?")
    assert asks_money("Mỗi hộ được đền bù bao nhiêu tiền?")
    assert asks_money("Nhóm lừa đảo đã chiếm đoạt bao nhiêu của HTX?")
    # a count of those paid is no sum
    assert not asks_money("HTX đã bồi thường cho bao nhiêu hộ dân?")


def test_a_day_said_with_a_time_of_day_is_no_figure(tmp_path):
    article = (
        "Tòa xử vụ HTX vận tải Hòa Bình kiện công ty taxi\n\n"
        "Sáng 14-3, TAND huyện Đông Anh đã tuyên án vụ tranh chấp bồi thường thiệt hại giữa HTX vận tải Hòa Bình "
        "và Công ty taxi Sao Mai. "
        "Theo đó, HĐXX chỉ chấp nhận một phần yêu cầu của HTX, buộc công ty bồi thường số tiền 2,3 tỉ đồng. "
        "Các bên còn được quyền kháng cáo theo quy định.\n"
    )
    (answer,) = _answers(tmp_path, {"toa.txt": article}, ["Tòa buộc công ty taxi Sao Mai bồi thường bao nhiêu?"])
    assert answer.found and "2,3 tỉ đồng" in answer.text


def test_a_commune_named_in_english_is_a_place_the_gazetteer_may_not_know():
    assert "Quang Hung" in unknown_places("How many households in Quang Hung commune have a permit?", ())
    assert "Tan Lap" in unknown_places("What does Tan Lap ward pay per tonne?", ())


def test_a_size_asked_in_english_is_a_quantity():
    assert analyse("How large may a temporary house be in the farming area?").quantity
    assert analyse("What area does the cooperative farm in Ha Tinh?").quantity
    assert not analyse("Who heads the cooperative in Ha Tinh?").quantity


def test_the_first_side_of_two_places_compared_is_asked_without_the_second_side_s_words():
    text = (
        "Thu nhập mỗi tháng của người trồng chè ở Thái Nguyên so với công nhân các khu công nghiệp của "
        "Samsung ở Bắc Ninh thì chênh nhau bao nhiêu?"
    )
    written, mentions = place_mentions(text)
    key, side = first_side(written, mentions)  # type: ignore[misc]
    assert key == "thai nguyen"
    assert "Thu nhập mỗi tháng" in side and "Samsung" not in side and "chênh nhau" in side
    # no connector between the two places: nothing to cut
    written, mentions = place_mentions("Thái Nguyên, Bắc Ninh: thu nhập mỗi tháng bao nhiêu?")
    assert first_side(written, mentions) is None


def test_each_side_of_two_places_is_found_when_the_second_side_has_words_of_its_own(tmp_path):
    tea = (
        "Người trồng chè Thái Nguyên vẫn nghèo\n\n"
        "Theo khảo sát, thu nhập bình quân của người trồng chè ở Thái Nguyên chỉ đạt 24 triệu đồng/năm, "
        "tức 2 triệu đồng/người/tháng, thấp hơn nhiều ngành nghề khác. Nhiều hộ đã bỏ chè đi làm thuê.\n"
    )
    factory = (
        "Công nhân khu công nghiệp Bắc Ninh\n\n"
        "Công nhân làm việc trong các khu công nghiệp của Samsung ở Bắc Ninh có mức thu nhập từ 8 - 9 triệu "
        "đồng/tháng, theo báo cáo của Ban quản lý các khu công nghiệp.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"che.txt": tea, "kcn.txt": factory},
        [
            "Thu nhập mỗi tháng của người trồng chè ở Thái Nguyên so với công nhân các khu công nghiệp của "
            "Samsung ở Bắc Ninh thì chênh nhau thế nào?"
        ],
    )
    assert answer.found
    # the per-month figure that restates the yearly one stays in the quote
    assert "2 triệu đồng/người/tháng" in answer.text and "8 - 9 triệu" in answer.text
