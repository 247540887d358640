"""Sentence selection for questions that are not about a measure of the lexicon (who / what / where)."""

import pytest

from retrieval.models import Document, Passage
from retrieval.questions import analyse
from retrieval.selection import Refusal, Selection, candidates_from, select

SCUD = (
    "Vai trò của các tên lửa Scud được trang bị đầu đạn hạt nhân là tiêu diệt các mục tiêu lớn. "
    "Tên lửa Scud là tên lửa đạn đạo chiến thuật do Liên bang xô viết phát triển và từng triển khai "
    "cho những sư đoàn Hồng Quân tại Đông Đức. Iraq đã sử dụng các tên lửa Scud trong chiến tranh. "
    "Ngày nay nhiều quốc gia vẫn giữ loại tên lửa này trong kho vũ khí."
)
OTHER = (
    "Canada là một quốc gia tiên phong trong người máy không gian, chế tạo ra các tay máy robot "
    "cho trạm vũ trụ quốc tế và được nhiều quốc gia ghi nhận."
)


def pick(question, *texts):
    documents = {f"d{i}": Document(id=f"d{i}", title="", text=text) for i, text in enumerate(texts)}
    passages = [Passage(f"d{i}#0", f"d{i}", text, 1.0 / (1 + i)) for i, text in enumerate(texts)]
    return select(
        analyse(question), candidates_from(passages, documents, len(passages)), min_coverage=0.45, fresh_days=30
    )


def pick_apart(question, *texts):
    """Select among the passages of one article, one passage per text: a runner-up sentence of the
    best one's passage cannot then hide which sentence won."""
    document = Document(id="d0", title="", text=" ".join(texts))
    passages = [Passage(f"d0#{i}", "d0", text, 1.0 - i / 10) for i, text in enumerate(texts)]
    return select(
        analyse(question), candidates_from(passages, {"d0": document}, len(passages)), min_coverage=0.45, fresh_days=30
    )


def quoted(selection):
    assert isinstance(selection, Selection), selection
    return " ".join(c.sentence for c in selection.clauses)


def test_an_on_topic_passage_beats_an_off_topic_one_that_shares_more_letters():
    # The Canada sentence holds "quốc gia" and "chế" (of "chế tạo"); the Scud passage is the topic.
    selection = pick("Quốc gia nào đã sáng chế ra tên lửa Scud?", SCUD, OTHER)
    assert isinstance(selection, Selection)
    assert {c.passage.doc_id for c in selection.clauses} == {"d0"}


def test_an_unrelated_question_is_still_refused():
    assert isinstance(pick("Ai là tác giả của bài thơ Tây Tiến?", SCUD, OTHER), Refusal)


def test_a_second_sentence_is_quoted_only_from_the_same_passage_and_in_the_article_order():
    for question in (
        "Tên lửa Scud do ai phát triển và Iraq dùng chúng trong cuộc chiến nào?",
        "Quốc gia nào đã sáng chế ra tên lửa Scud?",
    ):
        selection = pick(question, SCUD, OTHER)
        assert isinstance(selection, Selection)
        sentences = [c.sentence for c in selection.clauses]
        assert 1 <= len(sentences) <= 2
        assert len({c.passage.chunk_id for c in selection.clauses}) == 1
        assert sentences == sorted(sentences, key=SCUD.find)


TANG_HOA = (
    "Trong khi đó, HTX dịch vụ nông nghiệp Tăng Hoà (huyện Gò Công Đông, Tiền Giang) có 53 thành viên. "
    "Tuy nhiên, ông Nguyễn Văn Nhẫn - giám đốc HTX dịch vụ nông nghiệp Tăng Hoà - cho biết phải lựa chọn "
    "kỹ càng mới cho tham gia."
)


def test_a_sentence_naming_the_body_asked_answers_for_the_place_its_article_names():
    question = "Giám đốc HTX dịch vụ nông nghiệp Tăng Hoà (Gò Công Đông) là ai?"
    assert "Nguyễn Văn Nhẫn" in quoted(pick(question, TANG_HOA))
    # The same body in an article that never names Gò Công Đông: nothing answers for that place.
    elsewhere = TANG_HOA.replace("huyện Gò Công Đông, Tiền Giang", "huyện Chợ Mới, Bắc Kạn")
    assert isinstance(pick(question, elsewhere), Refusal)
    # A sentence that does not name the body is no answer for the place either.
    unnamed = TANG_HOA.replace("giám đốc HTX dịch vụ nông nghiệp Tăng Hoà", "giám đốc một HTX ở Chợ Mới")
    assert "Nguyễn Văn Nhẫn" not in " ".join(c.sentence for c in getattr(pick(question, unnamed), "clauses", ()))


def test_a_counted_noun_of_the_entity_asked_beats_the_same_noun_of_another():
    question = "TP HCM có bao nhiêu phương tiện thuộc các HTX vận tải?"
    buses = "Hiện nay, TP. HCM có 2.457 phương tiện tham gia hoạt động vận tải hành khách công cộng bằng xe buýt."
    coops = "Theo thống kê mới nhất, TP. HCM có 173 hợp tác xã (HTX) vận tải với 23.683 phương tiện."
    assert "23.683" in quoted(pick(question, buses, coops))


def pick_dated(question, *articles):
    """``articles``: (text, date or None) pairs, ranked in this order."""
    documents = {f"d{i}": Document(id=f"d{i}", title="", text=t, date=d) for i, (t, d) in enumerate(articles)}
    passages = [Passage(f"d{i}#0", f"d{i}", t, 1.0 / (1 + i)) for i, (t, _) in enumerate(articles)]
    return select(
        analyse(question), candidates_from(passages, documents, len(passages)), min_coverage=0.45, fresh_days=30
    )


def test_a_figure_quoted_by_several_articles_is_cited_from_one_that_dates_it():
    undated = ("Đại diện Liên minh HTX Việt Nam cho biết, hiện cả nước có 22.456 hợp tác xã đang hoạt động.", None)
    dated = ("Theo Liên minh HTX VN, tính đến năm 2018, VN có 22.456 HTX đang hoạt động.", "2018-12-01")
    selection = pick_dated("Cả nước có bao nhiêu HTX đang hoạt động theo Liên minh HTX Việt Nam?", undated, dated)
    assert isinstance(selection, Selection)
    assert selection.clauses[0].document.id == "d1"


def test_a_year_named_by_another_article_does_not_date_the_chosen_figure():
    undated = ("Đại diện Liên minh HTX Việt Nam cho biết, hiện cả nước có 22.456 hợp tác xã đang hoạt động.", None)
    target = ("Mục tiêu đến năm 2025 cả nước phấn đấu có 3 triệu hộ tham gia hợp tác.", "2018-06-01")
    selection = pick_dated("Năm 2025 cả nước có bao nhiêu HTX đang hoạt động?", undated, target)
    assert isinstance(selection, Selection)
    assert "22.456" in selection.clauses[0].sentence and selection.temporal_gap


def test_a_question_that_asks_two_quantities_of_one_measure_quotes_both_sentences():
    text = (
        "Theo Bộ GTVT, hiện cả nước có 783 HTX vận tải, trong đó đến 738 HTX vận tải đường bộ. "
        "Các HTX vận tải gặp nhiều khó khăn về vốn. "
        "So với thời điểm Luật HTX có hiệu lực, toàn quốc tăng 101 HTX vận tải."
    )
    question = (
        "Số HTX vận tải cả nước đã tăng bao nhiêu so với thời điểm Luật HTX có hiệu lực và hiện nay là bao nhiêu?"
    )
    both = quoted(pick(question, text))
    assert "783" in both and "101" in both
    assert both.index("783") < both.index("101")  # in the article's order
    one = quoted(pick("Hiện nay cả nước có bao nhiêu HTX vận tải?", text))
    assert "783" in one and "101" not in one


def test_a_count_of_a_part_does_not_beat_the_plain_total():
    farms = "Đến hết năm 2020, thành phố Hà Nội có 1.200 hợp tác xã nông nghiệp."
    total = "Tính đến hết năm 2020, toàn thành phố Hà Nội có 1.920 hợp tác xã, nhiều HTX làm ăn có lãi."
    assert "1.920" in quoted(pick("Hà Nội có bao nhiêu hợp tác xã?", farms, total))
    assert "1.200" in quoted(pick("Hà Nội có bao nhiêu hợp tác xã nông nghiệp?", total, farms))


# A text written for these tests: two cooperatives of one district, one figure each, and a
# sentence about the place with only dates in it.
TWO_BODIES = (
    "Huyện Đông Sơn hiện có nhiều hợp tác xã trồng rau. "
    "Vào đầu tháng 3, các hợp tác xã trong huyện bắt đầu vụ rau mới. "
    "Năm nay HTX Hoa Mai trồng 14 ha rau an toàn cho các siêu thị. "
    "Trong khi đó, HTX Ngọc Lan chỉ trồng 9 ha rau an toàn vì thiếu nước tưới."
)


def test_each_side_of_a_comparison_of_two_named_bodies_is_quoted():
    for question in (
        "Ở Đông Sơn, HTX Hoa Mai hay HTX Ngọc Lan trồng nhiều rau an toàn hơn?",
        "Diện tích rau an toàn của HTX Ngọc Lan so với HTX Hoa Mai thế nào?",
    ):
        text = quoted(pick(question, TWO_BODIES))
        assert "14 ha" in text and "9 ha" in text, (question, text)


def test_a_change_asked_without_a_quantity_word_quotes_the_before_and_after_figures():
    text = (
        "Tổ hợp tác nuôi vịt xã Yên Bằng ra đời năm 2015. Lúc đầu tổ có 8 thành viên với đàn vịt 4.000 con. "
        "Các thành viên đã học cách ủ men thức ăn từ một trại ở tỉnh bên. "
        "Sau 4 năm, đàn vịt của tổ đã lên tới 11.000 con, mỗi ngày bán ra 6.000 trứng."
    )
    selection = pick("Đàn vịt của tổ hợp tác ở Yên Bằng lúc đầu và sau 4 năm thay đổi thế nào?", text)
    assert "4.000 con" in quoted(selection) and "11.000 con" in quoted(selection)


def test_a_sentence_whose_only_numbers_are_dates_does_not_answer_a_figure():
    selection = pick(
        "Thiệt hại của HTX Hoa Mai do hạn hán so với HTX Ngọc Lan thế nào?",
        (
            "Từ ngày 2/9 đến tháng 10, hạn hán kéo dài khiến HTX Hoa Mai và HTX Ngọc Lan mất mùa. "
            "HTX Hoa Mai thiệt hại khoảng 300 triệu đồng. HTX Ngọc Lan thiệt hại gần 1 tỷ đồng."
        ),
    )
    text = quoted(selection)
    assert "300 triệu" in text and "1 tỷ" in text
    assert "2/9" not in text


def test_a_name_asked_for_a_role_is_the_person_named_in_that_role_of_the_body_asked():
    first = (
        "Theo ông Trần Văn Lộc, Chủ tịch UBND huyện Bạch Thông, HTX Hoa Mai là đơn vị trồng rau an toàn "
        "lớn nhất huyện Bạch Thông."
    )
    second = "Ông Phạm Đức Hòa, Giám đốc HTX Hoa Mai, cho biết vụ này giá rau ổn định."
    for question in (
        "Giám đốc HTX Hoa Mai, đơn vị trồng rau an toàn ở huyện Bạch Thông, tên là gì?",
        "Who is the director of Hoa Mai cooperative, the safe vegetable grower in Bach Thong?",
    ):
        selection = pick_apart(question, first, second)
        assert "Phạm Đức Hòa" in quoted(selection), question


def test_a_clause_is_not_trimmed_before_the_second_figure_a_question_asks():
    from retrieval.composition import trim

    clause = (
        "Theo Sở Giao thông vận tải, HTX Hoa Mai hiện đảm nhận 5 tuyến buýt trợ giá với 96 xe, "
        "vận chuyển khoảng 4 triệu lượt hành khách mỗi năm, chủ yếu là học sinh và công nhân các khu công nghiệp"
    )
    both = trim(clause, analyse("HTX Hoa Mai chạy bao nhiêu xe buýt và chở bao nhiêu lượt khách mỗi năm?"))
    assert "96 xe" in both and "4 triệu lượt" in both
    one = trim(clause, analyse("HTX Hoa Mai chạy bao nhiêu xe buýt?"))
    assert "96 xe" in one and clause.startswith(one)


def test_the_head_of_a_body_is_any_of_its_leading_roles():
    first = "Năm 2022, ông Lưu Văn Bình, Chủ tịch UBND xã, đã trao bằng khen cho HTX Ngọc Lan ở huyện Bạch Thông."
    second = "Ông Đỗ Văn Tâm, Chủ nhiệm HTX Ngọc Lan, cho biết toàn bộ khâu gieo cấy đã được cơ giới hóa."
    selection = pick_apart("Người đứng đầu HTX Ngọc Lan ở huyện Bạch Thông là ai?", first, second)
    assert "Đỗ Văn Tâm" in quoted(selection)


def test_a_figure_of_a_body_no_article_names_is_refused():
    text = "Năm 2022, HTX Ngọc Lan ở huyện Đông Sơn có 45 thành viên và doanh thu 3 tỷ đồng."
    assert isinstance(pick("HTX Hoa Mai Xanh ở Đông Sơn có bao nhiêu thành viên?", text), Refusal)
    assert "45 thành viên" in quoted(pick("HTX Ngọc Lan ở Đông Sơn có bao nhiêu thành viên?", text))


def test_a_change_between_two_years_quotes_the_figure_of_each_year():
    from retrieval.selection import select_series

    text = (
        "Năm 2020, doanh thu của HTX Hoa Mai đạt 9 tỷ đồng. "
        "Năm 2022, doanh thu của HTX Hoa Mai đạt 12 tỷ đồng, gấp 6 lần so với năm 2015. "
        "Khi mới thành lập năm 2015, doanh thu của HTX chỉ khoảng 2 tỷ đồng."
    )
    documents = {"d0": Document(id="d0", title="", text=text)}
    candidates = candidates_from([Passage("d0#0", "d0", text, 1.0)], documents, 1)
    q = analyse("Doanh thu của HTX Hoa Mai năm 2015 so với năm 2022 thay đổi thế nào?")
    quoted_text = " ".join(c.text for c in select_series(q, candidates))
    assert "12 tỷ" in quoted_text and " 2 tỷ" in quoted_text and "9 tỷ" not in quoted_text  # 2020 was not asked


def test_what_is_asked_of_a_named_body_is_the_figure_beside_the_noun_asked():
    text = (
        "HTX Hoa Mai Xanh ở huyện Bạch Thông hiện có 35 thành viên và doanh thu 4 tỷ đồng mỗi năm. "
        "Vườn cam của HTX Hoa Mai Xanh rộng 12 ha, cho thu hoạch từ tháng 10."
    )
    q = analyse("Vườn cam của HTX Hoa Mai Xanh ở Bạch Thông rộng bao nhiêu?")
    assert q.asked == () and q.head == ("vuon", "cam")
    assert "12 ha" in quoted(pick(q.text, text))
    # Nothing beside "vườn cam" in the article: refused, not another of the body's figures.
    assert isinstance(pick(q.text, text.split(" Vườn cam")[0]), Refusal)


def test_who_holds_a_role_in_a_cooperative_body_is_refused_when_no_sentence_names_them():
    text = (
        "Năm 2021, Liên minh HTX tỉnh Bắc Kạn đã tổ chức 12 lớp tập huấn cho cán bộ HTX. "
        "Thực hiện kế hoạch của Ban chỉ đạo kinh tế tập thể tỉnh Bắc Kạn, đoàn kiểm tra đã làm việc tại các huyện."
    )
    assert isinstance(pick("Ai là Chủ tịch Liên minh HTX tỉnh Bắc Kạn?", text), Refusal)
    named = text + " Ông Hoàng Văn Phúc, Chủ tịch Liên minh HTX tỉnh Bắc Kạn, chủ trì hội nghị."
    assert "Hoàng Văn Phúc" in quoted(pick("Ai là Chủ tịch Liên minh HTX tỉnh Bắc Kạn?", named))


def test_a_figure_of_the_whole_country_is_never_a_district_s():
    district = "Huyện Bạch Thông hiện có 31 HTX, thu nhập bình quân của thành viên đạt 48 triệu đồng/năm."
    assert isinstance(pick("Thu nhập bình quân của thành viên HTX cả nước là bao nhiêu?", district), Refusal)
    national = district + " Trong khi đó, thu nhập bình quân của thành viên HTX cả nước đạt 43 triệu đồng/năm."
    assert "43 triệu" in quoted(pick("Thu nhập bình quân của thành viên HTX cả nước là bao nhiêu?", national))


def test_a_sentence_with_no_place_goes_on_with_the_country_the_sentence_before_named():
    text = (
        "Chiều 26/11, tại Hà Nội, Thủ tướng dự lễ tôn vinh các tập thể có thành tích trong thực hiện Nghị quyết. "
        "Đến nay, đã có 42% số xã của Việt Nam đạt tiêu chí nông thôn mới. "
        "Có trên 13.000 hợp tác xã nông nghiệp cùng với trên 35.000 trang trại."
    )
    question = (
        "Phát biểu tại lễ tôn vinh các tập thể, Thủ tướng cho biết cả nước có trên bao nhiêu hợp tác xã nông nghiệp?"
    )
    assert "13.000" in quoted(pick(question, text))
    turned = text.replace("Có trên 13.000", "Riêng ở địa phương có trên 13.000")
    assert isinstance(pick(question, turned), Refusal)  # "Riêng …" turns to one place


# Two figures asked in one question, in two sentences of one article (texts written for the tests).
TWO_FIGURES = [
    (  # before and after: the other figure of the same kind, in a sentence that repeats few words
        "Lúc mới thành lập, HTX Hoa Mai trồng khoảng 2ha rau an toàn. "
        "Các xã viên được tập huấn quy trình VietGAP. Năm 2021 diện tích đã lên được 9ha.",
        "HTX Hoa Mai lúc mới thành lập trồng được bao nhiêu ha rau, năm 2021 đã lên bao nhiêu?",
        ("2ha", "9ha"),
    ),
    (  # a second amount the lexicon names no measure for
        "Năm 2019, HTX Hoa Mai ở huyện Bạch Thông vay vốn ngân hàng 20 tỷ đồng để mua máy sấy. "
        "Các xã viên cũng góp thêm công sức xây nhà xưởng. Đến nay, khoản nợ gốc của HTX còn khoảng 7 tỷ đồng.",
        "HTX Hoa Mai ở Bạch Thông vay bao nhiêu vốn năm 2019 và đến nay dư nợ gốc còn bao nhiêu?",
        ("20 tỷ", "7 tỷ"),
    ),
    (  # the total and the new ones, whatever the qualifier
        "Trong 9 tháng đầu năm 2020, toàn tỉnh đã thành lập mới được 21 hợp tác xã, vượt kế hoạch đề ra. "
        "Các HTX mới chủ yếu hoạt động trong lĩnh vực nông nghiệp. "
        "Đến hết tháng 9/2020, toàn tỉnh có 2 Liên hiệp HTX, 287 HTX và 940 tổ hợp tác.",
        "Sau 9 tháng đầu năm 2020, tổng số HTX của tỉnh là bao nhiêu và đã thêm bao nhiêu HTX mới thành lập?",
        ("21 hợp tác xã", "287 HTX"),
    ),
]


@pytest.mark.parametrize(("text", "question", "asked"), TWO_FIGURES)
def test_both_figures_a_question_asks_are_quoted(text, question, asked):
    text_quoted = quoted(pick(question, text))
    assert all(figure in text_quoted for figure in asked), text_quoted


def test_a_region_reported_only_with_its_neighbour_gets_the_joint_figure_labelled():
    from retrieval.composition import part_of_lead

    text = (
        "Hội nghị sơ kết Luật HTX vùng Tây Nguyên và duyên hải Nam Trung Bộ diễn ra tại Đà Lạt. "
        "Đến hết năm 2016, toàn vùng Tây Nguyên và duyên hải Nam Trung Bộ có 1.300 HTX nông nghiệp."
    )
    q = analyse("Vùng Tây Nguyên có bao nhiêu HTX?")
    selection = pick(q.text, text)
    assert "1.300 HTX" in quoted(selection)
    assert part_of_lead(q, selection.clauses).startswith(
        "Các bài viết không có số liệu riêng cho vùng Tây Nguyên; số liệu dưới đây là của vùng Tây Nguyên và duyên hải"
    )
    own = text + " Riêng vùng Tây Nguyên có 600 HTX."
    assert "600 HTX" in quoted(pick(q.text, own))  # the region's own figure first
    assert isinstance(pick("Vùng Đông Nam Bộ có bao nhiêu HTX?", text), Refusal)  # no other region's


def test_a_clause_that_opens_with_its_figure_is_quoted_with_its_whole_sentence():
    from retrieval.composition import quote_of

    text = (
        "Sau 5 năm, toàn vùng có 3.100 HTX đăng ký lại theo Luật; trên 410 HTX thành lập mới; "
        "120 HTX giải thể và 35 HTX chuyển đổi sang loại hình tổ chức khác."
    )
    q = analyse("Có bao nhiêu HTX chuyển đổi sang loại hình tổ chức khác?")
    selection = pick(q.text, text)
    assert isinstance(selection, Selection)
    assert quote_of(selection.clauses[0], q).startswith("Sau 5 năm, toàn vùng có 3.100 HTX")
    q = analyse("Có bao nhiêu HTX thành lập mới sau 5 năm?")
    selection = pick(q.text, text)
    assert quote_of(selection.clauses[0], q).startswith("Sau 5 năm")  # not "trên 410 HTX thành lập mới"


GROWTH = (
    "HTX Hoa Mai ra đời năm 2015 với 7 thành viên. "
    "Lúc mới thành lập, hợp tác xã trồng khoảng 2ha rau an toàn. "
    "Năm 2021 đã lên được 9ha. "
    "Quỹ đất của các thành viên có hơn 30ha và năm 2023 sẽ mở rộng thêm."
)


def test_a_short_sentence_without_a_subject_is_quoted_with_the_sentence_before_it():
    selection = pick("Năm 2021 HTX rau Hoa Mai trồng được bao nhiêu ha?", GROWTH)
    assert quoted(selection) == "Lúc mới thành lập, hợp tác xã trồng khoảng 2ha rau an toàn. Năm 2021 đã lên được 9ha."


def test_the_second_figure_of_a_change_is_the_one_of_the_year_asked():
    selection = pick("HTX Hoa Mai lúc mới thành lập trồng bao nhiêu ha rau, tới năm 2021 đã lên bao nhiêu?", GROWTH)
    assert "2ha" in quoted(selection) and "9ha" in quoted(selection) and "30ha" not in quoted(selection)


def test_a_before_and_after_told_by_one_article_is_the_whole_trend():
    from retrieval.selection import select_series

    story = (
        "Trước năm 2015, huyện Bạch Thông chỉ có 12 HTX. "
        "Các HTX chủ yếu làm dịch vụ thủy lợi. "
        "Theo thống kê mới nhất, huyện Bạch Thông có 31 HTX."
    )
    other = "Tuyến xe buýt số 146 do HTX Đông Nam ở huyện Bạch Thông đảm nhận."
    q = analyse("Số HTX ở huyện Bạch Thông trước năm 2015 và theo thống kê mới nhất là bao nhiêu?")
    documents = {f"d{i}": Document(id=f"d{i}", title="", text=text) for i, text in enumerate((story, other))}
    passages = [Passage(f"d{i}#0", f"d{i}", text, 1.0 / (1 + i)) for i, text in enumerate((story, other))]
    series = select_series(q, candidates_from(passages, documents, len(passages)))
    assert [c.document.id for c in series] == ["d0", "d0"]


def test_a_change_said_of_the_figure_stays_in_the_quote_of_a_trend():
    from retrieval.composition import trim

    text = (
        "Tổng số vốn hoạt động của các HTX là 15 tỷ đồng, tăng 5 tỷ đồng, thu nhập bình quân của các thành viên "
        "đạt 60 triệu đồng/người/năm"
    )
    trend = analyse("Vốn hoạt động của các HTX tăng hay giảm so với trước?")
    assert trim(text, trend) == "Tổng số vốn hoạt động của các HTX là 15 tỷ đồng, tăng 5 tỷ đồng"
    assert trim(text, analyse("Vốn hoạt động của các HTX là bao nhiêu?")).endswith("15 tỷ đồng")


def pick_placed(question, text, place="Bắc Kạn"):
    """Select within one passage of one article whose metadata names ``place``."""
    document = Document(id="d0", title="", text=text, place=place)
    passages = [Passage("d0#0", "d0", text, 1.0)]
    return select(analyse(question), candidates_from(passages, {"d0": document}, 1), min_coverage=0.45, fresh_days=30)


def test_a_sentence_that_elaborates_the_one_before_is_about_its_place():
    lead = "Năm 2015, huyện Bạch Thông thành lập 3 hợp tác xã với tổng diện tích được giao 1.000 ha."
    listing = "hợp tác xã Hoa Mai được giao 200 ha; hợp tác xã Tân Tiến 300 ha; hợp tác xã Đồng Tâm 500 ha."
    question = "Trong 3 hợp tác xã ở Bạch Thông được giao đất, HTX nào được giao diện tích lớn nhất?"
    assert "Đồng Tâm 500 ha" in quoted(pick_placed(question, lead + " Cụ thể, " + listing))
    # Without the opener the list is the article's (Bắc Kạn), never Bạch Thông's.
    apart = pick_placed(question, lead + " Ngoài ra, " + listing)
    assert not isinstance(apart, Selection) or "Đồng Tâm 500 ha" not in quoted(apart)


def test_quoted_speech_is_about_the_place_of_the_sentence_that_introduced_its_speaker():
    text = (
        "Ông Lò Văn Ba, Giám đốc HTX chè Tân Tiến ở huyện Bạch Thông, cho biết năm nay chè được giá. "
        '" Chúng tôi đã đầu tư nhiều ", ông Ba nói và cho biết diện tích chè của HTX là 45 ha.'
    )
    assert "45 ha" in quoted(pick_placed("HTX chè Tân Tiến ở Bạch Thông có bao nhiêu ha chè?", text))


def test_each_of_two_things_asked_is_quoted_from_the_article():
    from retrieval.answering import ExtractiveAnswerer

    text = (
        "Ở xã Tân Tiến, HTX rau Hoa Mai trồng rau cần trên 10 ha, mỗi năm thu hoạch được 6 lứa. "
        "Giá rau cần ổn định quanh năm nên thành viên có lãi. "
        "Trong khi đó, ruộng lúa ở xã chỉ cấy được 2 vụ mỗi năm."
    )

    class OneArticle:
        document_ = Document(id="d0", title="HTX rau Hoa Mai", text=text)

        def search(self, query, k=None, *, lexical_query=None):
            return [Passage("d0#0", "d0", text, 1.0)]

        def document(self, doc_id):
            return self.document_

        def document_passages(self, doc_id):
            return [Passage("d0#0", "d0", text, 1.0)]

        def stats(self, query=None):
            return []

        def chunk_of(self, doc_id, offset):
            return text

        def covered_places(self, limit=8):
            return []

    answer = ExtractiveAnswerer(OneArticle()).answer(
        "o xa Tan Tien, trong rau can mot nam thu hoach duoc may lua, may vu?"
    )
    assert "6 lứa" in answer.text and "2 vụ" in answer.text
    assert "6 lứa" in answer.citations[0].quote and "2 vụ" in answer.citations[0].quote


def test_a_unit_word_without_a_name_is_the_unit_the_sentences_before_it_name():
    text = (
        "Hiện huyện Bạch Thông có hơn 3.000 ha lúa đông xuân, mưa làm lúa đổ ngã. "
        "Theo Phòng Nông nghiệp huyện, năm nay năng suất lúa chỉ đạt 5,5 tấn/ha, giảm 300 kg/ha so với năm trước."
    )
    assert "5,5 tấn" in quoted(pick_placed("Năng suất lúa ở huyện Bạch Thông năm nay đạt bao nhiêu tấn/ha?", text))
    # Named nowhere before it, "huyện" is no district: the article's place (Bắc Kạn) is not Bạch Thông.
    alone = "Theo Phòng Nông nghiệp huyện, năm nay năng suất lúa chỉ đạt 5,5 tấn/ha."
    assert isinstance(pick_placed("Năng suất lúa ở huyện Bạch Thông năm nay đạt bao nhiêu tấn/ha?", alone), Refusal)


def test_an_amount_that_elaborates_the_sentence_before_is_of_the_measure_that_sentence_names():
    text = (
        "Huyện Ba Bể đẩy mạnh liên kết sản xuất. Nhờ vậy, doanh thu của các HTX ở Ba Bể không ngừng tăng. "
        "Cụ thể, năm 2020 đạt 12 tỷ đồng, cao hơn 3 tỷ đồng so với năm trước."
    )
    selection = pick_placed("Doanh thu của các HTX ở huyện Ba Bể năm 2020 đạt bao nhiêu?", text)
    # Quoted with the sentence that names the measure, in the article's order.
    assert quoted(selection).startswith("Nhờ vậy, doanh thu") and "12 tỷ đồng" in quoted(selection)
    # So does a short sentence that names nothing of its own.
    short = pick_placed(
        "Doanh thu của các HTX ở huyện Ba Bể năm 2020 đạt bao nhiêu?",
        "Doanh thu của các HTX ở Ba Bể không ngừng tăng. Năm 2020 đạt 12 tỷ đồng.",
    )
    assert quoted(short) == "Doanh thu của các HTX ở Ba Bể không ngừng tăng. Năm 2020 đạt 12 tỷ đồng."
    # A sentence with a subject of its own lends its amount to no measure of the one before it.
    lent = pick_placed(
        "Doanh thu của các HTX ở huyện Ba Bể năm 2020 đạt bao nhiêu?",
        "Doanh thu của các HTX ở Ba Bể không ngừng tăng. Ngoài ra, năm 2020 Hội Nông dân huyện Ba Bể "
        "cho các hộ vay 12 tỷ đồng để mua máy móc.",
    )
    assert not isinstance(lent, Selection)


def test_a_province_article_about_one_district_throughout_is_that_districts():
    lead = "Thời gian qua, huyện Mộ Đức đã chuyển đổi cơ cấu cây trồng theo hướng hàng hóa."
    body = (
        " Đến nay Mộ Đức có 26 cánh đồng mẫu. Nhiều cánh đồng ở Mộ Đức cho thu nhập cao. "
        "Nông dân chuyển sang trồng rau màu. Năm 2016, thu nhập bình quân của nông dân trên mỗi ha đất canh tác "
        "đạt 70 triệu đồng/ha/năm."
    )
    question = "Huyện Mộ Đức (Quảng Ngãi) năm 2016 thu nhập đạt bao nhiêu một ha?"
    assert "70 triệu" in quoted(pick_placed(question, lead + body, place="Quảng Ngãi"))
    # A second district of the province named twice: the unnamed figure stays the province's.
    other = lead + body + " Huyện Đức Phổ cũng làm theo. Đức Phổ có 10 cánh đồng."
    assert not isinstance(pick_placed(question, other, place="Quảng Ngãi"), Selection)


def test_the_second_figure_of_a_change_may_be_in_the_next_sentence_that_names_no_place():
    text = (
        "Ông Ba, giám đốc HTX Đức Huệ, xã Mỹ Quý (huyện Tháp Mười), cho biết nhân công là điểm nghẽn. "
        "Cụ thể, khi HTX sản xuất 500ha, cần đến 200 lao động. "
        "Nếu dùng thiết bị bay thì chỉ cần khoảng 6 người."
    )
    question = "Ở HTX Đức Huệ (Tháp Mười), số lao động cho 500ha sẽ giảm từ bao nhiêu xuống còn bao nhiêu người?"
    text_quoted = quoted(pick_placed(question, text, place="Đồng Tháp"))
    assert "200 lao động" in text_quoted and "6 người" in text_quoted


def test_a_regions_figure_measured_against_the_nation_is_not_the_nations():
    region = "Theo Phó Thủ tướng, ở ĐBSCL và Đông Nam bộ đến cuối năm 2016 có 1.642 hợp tác xã, chiếm 15,16% cả nước."
    nation = "Năm 2016 cả nước có khoảng 12.000 hợp tác xã nông nghiệp đang hoạt động."
    question = "Cả nước có bao nhiêu hợp tác xã nông nghiệp?"
    both = quoted(pick(question, region, nation))
    assert "12.000" in both and "1.642" not in both
    assert isinstance(pick(question, region), Refusal)
    speaker = "Đại biểu Mai Sĩ Diến (Thanh Hoá) lưu ý hiện cả nước có hơn 10.000 hợp tác xã nông nghiệp."
    assert "10.000" in quoted(pick(question, speaker))


@pytest.mark.parametrize(
    "sentence, goal",
    [
        ("Năm 2021, toàn tỉnh có 66 HTX thành lập mới, vượt kế hoạch năm đề ra.", False),
        ("Năm 2021, toàn tỉnh thành lập mới 66 HTX, đạt 110% kế hoạch.", False),
        ("Năm 2021, toàn tỉnh thành lập mới 66 HTX, hoàn thành chỉ tiêu được giao.", False),
        ("Năm 2021, toàn tỉnh phấn đấu thành lập mới 66 HTX.", True),
        ("Kế hoạch năm 2021, toàn tỉnh thành lập mới 66 HTX.", True),
        ("Mục tiêu năm 2021 là thành lập mới 66 HTX, đạt kế hoạch tỉnh giao.", True),
        ("Năm 2021, toàn tỉnh đã có 66 HTX thành lập mới, vượt chỉ tiêu kế hoạch đề ra.", False),
        ("Theo Sở Kế hoạch và Đầu tư, năm 2021 toàn tỉnh thành lập mới 66 HTX.", False),  # a body's name
        ("Thứ trưởng Bộ Kế hoạch - Đầu tư cho biết năm 2021 cả nước thành lập mới 66 HTX.", False),
    ],
)
def test_a_plan_reached_or_beaten_is_no_goal(sentence, goal):
    """ "Vượt kế hoạch", "đạt 110% kế hoạch": the figure is achieved; "phấn đấu", "kế hoạch năm":
    it is a goal. Any question of the class, whatever its words."""
    from retrieval.selection import states_target

    q = analyse("Năm 2021 tỉnh thành lập mới bao nhiêu HTX?")
    selection = pick(q.text, sentence)
    assert isinstance(selection, Selection), selection
    assert states_target(q, selection.clauses[0]) is goal


def test_a_sentence_with_the_figure_reached_and_its_plan_is_no_goal():
    from retrieval.selection import states_target

    q = analyse("6 tháng đầu năm 2017 tỉnh thành lập mới bao nhiêu HTX?")
    sentence = (
        "Trong 6 tháng đầu năm 2017, toàn tỉnh đã thành lập mới được 17 HTX, "
        "vượt kế hoạch giao đầu năm (thành lập mới 12 HTX)."
    )
    selection = pick(q.text, sentence)
    assert isinstance(selection, Selection) and not states_target(q, selection.clauses[0])
    goal = pick(q.text, "Năm 2017, toàn tỉnh phấn đấu thành lập mới 12 HTX và 20 THT.")
    assert isinstance(goal, Selection) and states_target(q, goal.clauses[0])


def test_which_sector_has_the_most_is_answered_by_the_part_not_the_total():
    text = (
        "Tính đến nay, cả nước có 19.570 hợp tác xã, thu hút trên 6,3 triệu thành viên. "
        "Trong đó, số lượng hợp tác xã nông nghiệp chiếm chủ yếu với 10.762; có 4.328 hợp tác xã hoạt động "
        "trong lĩnh vực thương mại, dịch vụ."
    )
    assert "10.762" in quoted(pick("Lĩnh vực nào có nhiều hợp tác xã nhất cả nước?", text))
    assert "19.570" in quoted(pick("Cả nước có bao nhiêu hợp tác xã?", text))


def test_a_sum_asked_of_a_named_body_is_its_articles_sum_where_the_article_places_it():
    # The gazetteer has no Lộc Hà (merged in 2025); the article names the body there, and its
    # sentence with the sum names no place.
    text = (
        "Khoảng 21h30 ngày 23/9, ông Dương (công nhân Hợp tác xã Hợp Lực, xã Thạch Bằng, huyện Lộc Hà, "
        "Hà Tĩnh) đang làm việc trên bè nuôi cá thì bị nước dâng cuốn trôi cách bờ khoảng 3 hải lý. "
        '" Bè cá gồm 39 lồng, được đầu tư với chi phí khoảng 1,3 tỷ đồng ", người này nói.'
    )
    question = "What did it cost to invest in the fish raft of the Hop Luc cooperative in Loc Ha district?"
    assert "1,3 tỷ" in quoted(pick(question, text))
    # A sentence that names a whole unit is not the body's.
    province = text.replace('" Bè cá gồm 39 lồng', '" Toàn tỉnh có 39 lồng')
    whole = pick(question, province)
    assert isinstance(whole, Refusal) or "1,3 tỷ" not in quoted(whole)


def test_a_one_syllable_town_asked_is_found_with_its_unit_word():
    text = (
        "Công an đã bắt nghi phạm giết hại nữ Chủ nhiệm HTX ở thị trấn Lim, huyện Tiên Du. "
        "Nạn nhân là bà Nguyễn Thị Huấn, Chủ nhiệm HTX Nông nghiệp thôn Duệ Đông."
    )
    assert "Nguyễn Thị Huấn" in quoted(pick("Nữ chủ nhiệm HTX ở thị trấn Lim (Tiên Du, Bắc Ninh) tên là gì?", text))
    # another town's article does not answer for Lim
    assert isinstance(
        pick("Nữ chủ nhiệm HTX ở thị trấn Lim tên là gì?", text.replace("thị trấn Lim", "thị trấn Chờ")), Refusal
    )


def test_a_quote_never_stops_at_a_subject_before_its_verb():
    from retrieval.composition import trim

    sentence = (
        "Với mức đầu tư khoảng 1,8 tỷ đồng một chiếc, xe buýt 2 tầng, có sức chở 120 người được đưa vào "
        "hoạt động tại TP HCM từ năm 2005."
    )
    quoted = trim(sentence, analyse("What did each double-decker bus cost to buy, and at what price is it sold now?"))
    assert "có sức chở 120 người" in quoted and not quoted.endswith("xe buýt 2 tầng")
    text = (
        "Hiện nay, huyện Chợ Đồn có 42 HTX với 500 thành viên, các HTX của huyện đã chủ động tìm đầu ra cho sản phẩm "
        "và liên kết với doanh nghiệp trong tỉnh"
    )
    assert (
        trim(text, analyse("Huyện Chợ Đồn có bao nhiêu HTX?")) == "Hiện nay, huyện Chợ Đồn có 42 HTX với 500 thành viên"
    )
