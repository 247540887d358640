"""The same figure told by other articles is cited beside the quote (other wordings than the question sets)."""

from tests.unit.test_answering_rules import _answers


def test_another_article_with_the_same_figure_of_the_same_place_is_cited_too(tmp_path):
    first = (
        "Ra mắt gạo sạch của HTX Phú An\n\n"
        "Sáng nay, HTX Phú An (huyện Cai Lậy, Tiền Giang) chính thức đưa gạo hữu cơ Phú An vào bán tại "
        "12 siêu thị của Saigon Co.op.\n"
    )
    second = (
        "Gạo hữu cơ Cai Lậy lên kệ siêu thị\n\n"
        "Gạo hữu cơ của HTX Phú An ở Cai Lậy (Tiền Giang) đã có mặt ở 12 siêu thị, giá 35.000 đồng/kg.\n"
    )
    other_place = (
        "Gạo sạch Long An vào siêu thị\n\n"
        "HTX Tân Thạnh ở huyện Tân Thạnh (Long An) cũng bán gạo hữu cơ tại 12 siêu thị từ tháng 5.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"a.txt": first, "b.txt": second, "c.txt": other_place},
        ["Gạo hữu cơ của HTX Phú An (Cai Lậy, Tiền Giang) được bán ở bao nhiêu siêu thị?"],
    )
    assert "12 siêu thị" in answer.text and "Cùng số liệu: [2]" in answer.text
    sources = [c.source for c in answer.citations]
    assert len(sources) == 2 and not any(s.endswith("c.txt") or s == "c" for s in sources)
    # every cited article holds the quoted figure
    assert all("12 siêu thị" in c.quote for c in answer.citations)


def test_the_same_sum_spelt_ti_or_ty_is_the_same_figure(tmp_path):
    first = (
        "HTX Hòa Phát bị phạt\n\n"
        "Thanh tra tỉnh Nghệ An đã buộc HTX Hòa Phát (huyện Đô Lương) nộp lại 2,7 tỷ đồng tiền hỗ trợ sai quy định.\n"
    )
    second = (
        "Thu hồi tiền hỗ trợ ở Đô Lương\n\n"
        "HTX Hòa Phát ở Đô Lương (Nghệ An) phải nộp lại 2,7 tỉ đồng tiền hỗ trợ sai quy định, theo thanh tra.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"a.txt": first, "b.txt": second},
        ["HTX Hòa Phát ở Đô Lương (Nghệ An) phải nộp lại bao nhiêu tiền hỗ trợ sai quy định?"],
    )
    assert answer.found and "2,7 t" in answer.text
    assert len(answer.citations) == 2 and "Cùng số liệu" in answer.text
