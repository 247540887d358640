"""Rankings inside one sentence: the listed figures of one kind and the item holding the extreme."""

from retrieval.listing import extreme_item, listed_group, wants_lowest
from retrieval.questions import analyse
from retrieval.selection import Selection
from tests.unit.test_selection import pick_apart

BOATS = "Hiện HTX có 40 xuồng ba lá, 12 thuyền máy và 3 tàu lớn phục vụ khách tham quan."
AREAS = (
    "Cụ thể, HTX Hòa Bình được giao 320 ha; HTX Tân Phú được giao 512,5 ha; "
    "HTX Đông Hải 298 ha và HTX Minh Châu 87,25 ha."
)


def test_the_item_with_the_largest_or_smallest_listed_figure_is_named_as_written():
    assert extreme_item(AREAS) == "HTX Tân Phú được giao 512,5 ha"
    assert extreme_item(AREAS, lowest=True) == "HTX Minh Châu 87,25 ha"
    assert extreme_item(BOATS) == "Hiện HTX có 40 xuồng ba lá"
    for item in (extreme_item(AREAS), extreme_item(AREAS, lowest=True)):
        assert item is not None and item in AREAS  # verbatim


def test_a_sentence_without_a_list_or_with_a_tie_names_no_item():
    assert listed_group("Huyện Chợ Đồn có 42 HTX.") == []
    assert extreme_item("Huyện Chợ Đồn có 42 HTX.") is None
    assert extreme_item("HTX A có 30 thành viên, HTX B có 30 thành viên.") is None


def test_lowest_is_read_from_the_question():
    assert wants_lowest("htx nao duoc giao it dien tich nhat")
    assert not wants_lowest("htx nao duoc giao nhieu dien tich nhat")


def test_a_ranking_question_prefers_the_sentence_that_lists_the_figures():
    intro = "Năm 2019, huyện Đầm Dơi giao bãi bồi cho 4 HTX nuôi nghêu với tổng diện tích hơn 1.200 ha."
    q = analyse("Trong 4 HTX nuôi nghêu ở Đầm Dơi, HTX nào được giao diện tích lớn nhất?")
    assert q.intent == "rank" and q.quantity
    # Two passages of one article about Đầm Dơi: the intro repeats more of the question's words.
    selection = pick_apart(q.text, intro, AREAS)
    assert isinstance(selection, Selection)
    assert "512,5 ha" in selection.clauses[0].sentence


def test_a_ranking_answer_quotes_the_list_and_names_its_largest_item(tmp_path):
    from retrieval.answering import ExtractiveAnswerer
    from retrieval.index import Index

    article = tmp_path / "dam-doi.txt"
    article.write_text(
        "Giao bãi bồi cho HTX nuôi nghêu ở Đầm Dơi\n\n"
        "Năm 2019, huyện Đầm Dơi (Cà Mau) giao bãi bồi cho 4 HTX nuôi nghêu với tổng diện tích hơn 1.200 ha. "
        + AREAS
        + " Các HTX đều cam kết bảo vệ rừng phòng hộ ven biển.\n",
        encoding="utf-8",
    )
    index = Index(tmp_path / "data", None)
    try:
        index.ingest([article])
        answer = ExtractiveAnswerer(index).answer("HTX nào ở Đầm Dơi được giao ít diện tích nhất?")
    finally:
        index.close()
    assert answer.found and "«HTX Minh Châu 87,25 ha»" in answer.text, answer.text
    assert AREAS.split(";")[0] in answer.text  # the whole list is quoted, not one clause of it


def test_an_average_or_a_rate_is_no_item_of_a_list():
    sentence = "Đến hết năm 2016, toàn vùng có 1.272 HTX, bình quân 1 tỉnh có 98 HTX, thấp hơn cả nước (170HTX/tỉnh)."
    assert extreme_item(sentence) is None
