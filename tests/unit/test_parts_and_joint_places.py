"""Two-part questions, places listed together and figures of one body (other wordings than the question sets)."""

from retrieval.questions import analyse, question_parts
from tests.unit.test_answering_rules import _answers


def test_a_figure_of_two_places_together_is_not_either_one(tmp_path):
    article = (
        "Rét đậm rét hại ở miền núi phía Bắc\n\n"
        "Đợt rét kéo dài khiến gần 500 con trâu bò ở Lào Cai và Yên Bái bị chết. "
        "Các hợp tác xã chăn nuôi đã che chắn chuồng trại. "
        "Riêng tại Yên Bái có 180 con trâu bò bị chết rét.\n"
    )
    yen_bai, lao_cai = _answers(
        tmp_path,
        {"ret.txt": article},
        ["Yên Bái có bao nhiêu con trâu bò bị chết rét?", "Ở Lào Cai có bao nhiêu con trâu bò bị chết rét?"],
    )
    assert "180" in yen_bai.text and "500" not in yen_bai.text
    assert "500" not in lao_cai.text or "Lào Cai và Yên Bái" in lao_cai.text.split("500")[0][-200:]


def test_a_figure_of_one_body_in_the_place_gives_way_to_the_place_s_own(tmp_path):
    article = (
        "Lũ quét gây thiệt hại nặng cho người nuôi cá lồng ở Sơn La\n\n"
        "Theo Phòng Nông nghiệp, đến chiều 12/8 huyện Mường La thiệt hại hơn 45 tấn, huyện Quỳnh Nhai 16 tấn "
        "cá lồng nuôi trên sông Đà. 18 tấn cá chết của một hợp tác xã thuộc huyện Mường La.\n"
    )
    (answer,) = _answers(
        tmp_path, {"lu.txt": article}, ["Lũ quét làm cá lồng chết, huyện Mường La mất bao nhiêu tấn cá?"]
    )
    assert "45 tấn" in answer.text and "18 tấn" not in answer.text


def test_a_second_ask_that_says_where_is_asked_of_the_whole_subject(tmp_path):
    article = (
        "Kinh tế tập thể ở Đức Thọ khởi sắc\n\n"
        "Hiện nay, Đức Thọ có 61 HTX hoạt động trong các lĩnh vực nông nghiệp, thương mại, dịch vụ. "
        "Hàng ngàn thành viên của 61 HTX trên địa bàn 16 xã đã góp phần thay đổi bộ mặt nông thôn.\n"
    )
    q = analyse("Đức Thọ có bao nhiêu HTX trên địa bàn bao nhiêu xã?")
    assert [p.text for p in question_parts(q)] == [
        "Đức Thọ có bao nhiêu HTX",
        "Đức Thọ có HTX trên địa bàn bao nhiêu xã?",
    ]
    (answer,) = _answers(tmp_path, {"ductho.txt": article}, [q.text])
    assert "61 HTX" in answer.text and "16 xã" in answer.text


def test_a_which_year_part_asks_no_measure_and_both_parts_are_answered(tmp_path):
    article = (
        "Giữ giống chè quý ở Tân Cương\n\n"
        "Anh Tuấn hiện là một trong 9 xã viên sáng lập ra Hợp tác xã chè Tân Cương Xanh vào năm 2012. "
        "Mỗi năm hợp tác xã bán ra hàng chục tấn chè búp khô.\n"
    )
    question = "In which year was the Tan Cuong Xanh tea cooperative set up, and how many founding members did it have?"
    first, second = question_parts(analyse(question))
    assert first.asked == () and [m.name for m in second.asked] == ["members"]
    (answer,) = _answers(tmp_path, {"che.txt": article}, [question])
    assert answer.found and "2012" in answer.text and "9 xã viên" in answer.text


def test_two_asks_of_one_vehicle_are_no_comparison_of_the_places_named_before_them():
    q = analyse(
        "Chiếc xe tải của HTX vận tải Hòa Bình (Móng Cái) bị công an Thanh Hóa kiểm tra chở bao nhiêu tấn hàng "
        "và bị phạt bao nhiêu tiền?"
    )
    assert q.intent != "compare"
    assert analyse("Chợ Đồn có bao nhiêu HTX và Chợ Mới có bao nhiêu HTX?").intent == "compare"


def test_a_question_is_cut_at_and_before_a_bare_remaining():
    parts = question_parts(
        analyse("Diện tích chè của tỉnh Phú Thọ năm 2015 là bao nhiêu ha và đến cuối năm 2019 còn lại bao nhiêu?")
    )
    assert [p.text for p in parts] == [
        "Diện tích chè của tỉnh Phú Thọ năm 2015 là bao nhiêu ha",
        "đến cuối năm 2019 còn lại bao nhiêu?",
    ]


def test_two_parts_answered_by_one_sentence_quote_it_once(tmp_path):
    articles = {
        "a.txt": (
            "Nghêu chết hàng loạt ở Tiền Giang\n\n"
            "Đầu tháng 4, ông Sáu, Chủ nhiệm hợp tác xã nuôi nghêu Tân Thành, cho biết 3 ngày qua có khoảng "
            "40 tấn nghêu bị chết, trên diện tích nuôi nghêu của hợp tác xã là 35 ha, với 12 xã viên.\n"
        ),
        "b.txt": (
            "Thiệt hại do nghêu chết ở Gò Công Đông\n\n"
            "Đợt nghêu chết đầu tháng 4 ở vùng biển Gò Công Đông gây thiệt hại lớn. "
            "Riêng tại hai HTX bị thiệt hại gần 260 tấn nghêu, với diện tích 470 ha.\n"
        ),
    }
    (answer,) = _answers(
        tmp_path,
        articles,
        [
            "Đợt nghêu chết đầu tháng 4 ở Gò Công Đông: riêng hai hợp tác xã nuôi nghêu bị thiệt hại "
            "khoảng bao nhiêu tấn nghêu, trên diện tích bao nhiêu?"
        ],
    )
    assert "260 tấn" in answer.text and "470 ha" in answer.text and "40 tấn" not in answer.text


def test_two_parts_from_two_articles_are_both_quoted_each_with_its_citation(tmp_path):
    articles = {
        "a.txt": (
            "Làm đường chở đá ở Phước Tân\n\n"
            "Theo kế hoạch ban đầu, các doanh nghiệp khai thác đá góp vốn làm con đường chuyên dụng với tổng kinh phí "
            "dự tính 86 tỷ đồng. Con đường dài hơn 7 km.\n"
        ),
        "b.txt": (
            "Trạm thu phí BOT gây bức xúc\n\n"
            "Khi chuyển sang hình thức BOT, HTX Tân Phát làm chủ đầu tư con đường với vốn đầu tư khoảng 200 tỷ đồng. "
            "Nhiều doanh nghiệp phản đối mức phí.\n"
        ),
    }
    question = (
        "Con đường chở đá ở Phước Tân: lúc các doanh nghiệp góp vốn thì tổng kinh phí dự tính là bao nhiêu, "
        "còn khi chuyển sang BOT giao HTX Tân Phát thì vốn đầu tư khoảng bao nhiêu?"
    )
    first, _ = question_parts(analyse(question))
    assert first.organisations == ()  # the body named only in the second part is not the first's
    (answer,) = _answers(tmp_path, articles, [question])
    assert "86 tỷ đồng [1]" in answer.text and "200 tỷ đồng [2]" in answer.text
    assert [c.source for c in answer.citations] == ["a", "b"]
    assert "86 tỷ" in answer.citations[0].quote and "200 tỷ" in answer.citations[1].quote


def test_a_body_whose_trades_are_listed_with_a_comma_is_named_whole_and_its_head_found(tmp_path):
    from retrieval.questions import organisations

    assert organisations("Ai là chủ nhiệm HTX dịch vụ, thương mại nước mắm Cửa Hội ở Nghệ An?") == ("cua hoi",)
    assert organisations("HTX Tăng Hòa, huyện Gò Công Đông có bao nhiêu thành viên?") == ("tang hoa",)
    article = (
        "Nước mắm Cửa Hội tìm đường ra thị trường\n\n"
        "Tỉnh Nghệ An có nhiều làng nghề nước mắm truyền thống. "
        "Nói về khó khăn khi đăng ký nhãn hiệu, anh Nguyễn Văn Hải - Chủ nhiệm HTX Dịch vụ, thương mại nước mắm "
        "Cửa Hội cho rằng thủ tục còn rườm rà.\n"
    )
    (answer,) = _answers(
        tmp_path, {"mam.txt": article}, ["Ai là chủ nhiệm HTX dịch vụ, thương mại nước mắm Cửa Hội ở Nghệ An?"]
    )
    assert answer.found and "Nguyễn Văn Hải" in answer.text


def test_which_body_and_how_much_unaccented_are_two_parts_both_answered(tmp_path):
    question = "lo cam xuat sang han quoc duoc mua o vung trong cua htx nao va bao nhieu tan"
    assert [p.text for p in question_parts(analyse(question))] == [
        "lo cam xuat sang han quoc duoc mua o vung trong cua htx nao",
        "bao nhieu tan?",
    ]
    article = (
        "Cam Cao Phong xuất khẩu\n\n"
        "Ngày 12/6, đã có 15 tấn cam tươi được xuất khẩu sang Hàn Quốc. "
        "Số cam này được công ty Fruit Việt thu mua ở vùng trồng cam an toàn của hợp tác xã (HTX) dịch vụ "
        "nông nghiệp Thống Nhất.\n"
    )
    (answer,) = _answers(tmp_path, {"cam.txt": article}, [question])
    assert "15 tấn" in answer.text and "Thống Nhất" in answer.text


def test_a_sum_the_lexicon_does_not_measure_is_asked_not_the_measure_named_before_it():
    from retrieval.measures import question_measures

    assert question_measures("Khi các xã viên góp vốn thì tổng kinh phí xây chợ dự tính là bao nhiêu?") == ()
    assert [m.name for m in question_measures("Vốn góp của HTX là bao nhiêu?")] == ["capital"]
    assert [m.name for m in question_measures("Doanh thu và chi phí của HTX là bao nhiêu?")] == ["revenue"]


def test_a_sum_paid_or_taken_is_money_not_a_count_of_the_body():
    from retrieval.measures import asks_money, question_measures

    question = "Những hộ có xe công nông thì HTX bắt thế chấp bao nhiêu ở xã Yên Phú?"
    assert asks_money(question) and question_measures(question) == ()
    assert asks_money("Hộ nuôi trên 20 con phải nộp bao nhiêu?")
    assert not asks_money("HTX đã nộp bao nhiêu hồ sơ?")


def test_at_least_is_a_threshold_not_a_ranking_and_the_last_two_asks_part_the_question():
    question = (
        "Quang Ngai supports farmers who join a cooperative: what share of the seed cost does the province pay, "
        "and for fields of at least what size?"
    )
    q = analyse(question)
    assert q.intent != "rank"
    assert [p.text for p in question_parts(q)] == [
        "Quang Ngai supports farmers who join a cooperative: what share of the seed cost does the province pay",
        "for fields of at least what size?",
    ]


def test_the_sides_of_a_comparison_hold_across_the_comma_before_so_voi(tmp_path):
    question = (
        "Trong đợt thay xe buýt ở Đà Nẵng, HTX vận tải Sông Hàn thay bao nhiêu xe cho tuyến 12, "
        "so với Công ty TNHH vận tải Tiên Sa trên tuyến 8 thì nhiều hay ít hơn?"
    )
    q = analyse(question)
    assert q.intent == "compare" and len(q.sides) == 2
    assert "12" in q.sides[0] and "8" in q.sides[1]
    article = (
        "Đà Nẵng thay xe buýt mới\n\n"
        "Công ty trách nhiệm hữu hạn vận tải Tiên Sa đưa vào hoạt động 18 xe buýt mới trên tuyến số 8. "
        "Hợp tác xã vận tải Sông Hàn chịu trách nhiệm thay thế 11 xe buýt mới hoạt động trên tuyến số 12.\n"
    )
    (answer,) = _answers(tmp_path, {"xebuyt.txt": article}, [question])
    assert "18 xe" in answer.text and "11 xe" in answer.text


def test_each_cooperative_after_two_named_bodies_is_each_side_not_a_figure_per_cooperative():
    q = analyse(
        "Hai HTX bị phạt vì khai thác cát trái phép: HTX Thành Công ở xã Hòa Lợi và HTX Phú An ở xã Tân Bình. "
        "Mỗi HTX bị phạt bao nhiêu tiền?"
    )
    assert q.intent == "compare" and len(q.sides) == 2
    assert analyse("Bình quân mỗi HTX ở Hòa Bình có bao nhiêu thành viên?").intent != "compare"


def test_so_sanh_a_voi_b_has_two_sides_each_quoted_from_its_own_article(tmp_path):
    question = (
        "So sánh số HTX của tỉnh theo Giám đốc Sở Nông nghiệp Trần Văn Hải với con số của Liên minh HTX tỉnh năm 2020."
    )
    q = analyse(question)
    assert q.intent == "compare" and len(q.sides) == 2
    assert "hai" in q.sides[0] and "lmhtx" in q.sides[1]
    articles = {
        "a.txt": (
            "Hội nghị nông nghiệp tỉnh Yên Bái\n\n"
            "Phát biểu tại hội nghị, ông Trần Văn Hải, Giám đốc Sở Nông nghiệp, cho biết hiện toàn tỉnh có 512 "
            "hợp tác xã.\n"
        ),
        "b.txt": (
            "Kinh tế tập thể Yên Bái năm 2020\n\n"
            "Theo Liên minh HTX tỉnh, tính đến năm 2020, toàn tỉnh Yên Bái có 548 HTX đang hoạt động.\n"
        ),
    }
    (answer,) = _answers(tmp_path, articles, [question.replace("của tỉnh", "của tỉnh Yên Bái")])
    assert "512" in answer.text and "548" in answer.text


def test_a_lunar_year_is_its_year_and_its_figure_is_no_figure_of_another_time(tmp_path):
    from retrieval.periods import years

    assert years("Dịp Tết Canh Tý vừa qua, và năm 2018") == [2020, 2018]
    assert years("xuân Nhâm Dần, năm Giáp Ngọ") == [2022, 2014]
    assert years("ông Kỷ nói") == []
    article = (
        "Bánh chưng Tranh Khúc vào mùa\n\n"
        "Trong dịp Tết Canh Tý, HTX bánh chưng Tranh Khúc bán được khoảng 30.000 chiếc bánh, tăng 20% so với "
        "năm trước.\n"
    )
    (answer,) = _answers(
        tmp_path, {"banh.txt": article}, ["Tết Canh Tý 2020, HTX bánh chưng Tranh Khúc bán được bao nhiêu chiếc bánh?"]
    )
    assert "30.000" in answer.text and "chưa có số liệu cho thời điểm" not in answer.text


def test_the_country_said_once_is_the_place_of_both_parts():
    parts = question_parts(
        analyse("According to the 2019 report, how many cooperatives and how many members are there in Vietnam?")
    )
    assert len(parts) == 2 and all(p.nation for p in parts)
    first, second = question_parts(analyse("Chợ Đồn có bao nhiêu HTX, còn cả nước có bao nhiêu HTX?"))
    assert not first.nation and [p.key for p in first.places] == ["cho don"] and second.nation


def test_the_unit_counted_is_no_part_of_the_phrase_that_says_what_it_counts(tmp_path):
    q = analyse("Ninh Thuận có khoảng bao nhiêu ha làm muối?")
    assert not any("ha" in pair.split("_") for pair in q.pairs) and "khoang" not in q.terms
    assert "thanh_vien" in analyse("Tỉnh Hòa Bình có bao nhiêu thành viên HTX?").pairs
    article = (
        "Diêm dân Ninh Thuận được mùa\n\n"
        "Nhiều hộ diêm dân đã vào HTX để bán muối được giá. "
        "Ninh Thuận có diện tích muối khoảng 4.200 ha tại huyện Ninh Hải và Thuận Nam, sản lượng khoảng 300 ngàn tấn.\n"
    )
    (answer,) = _answers(tmp_path, {"muoi.txt": article}, [q.text])
    assert "4.200 ha" in answer.text


def test_a_body_with_a_long_trade_list_is_named_and_a_when_question_gets_the_year(tmp_path):
    from retrieval.questions import organisations

    question = "Cho hỏi hợp tác xã sản xuất, dệt chiếu, thảm cói xuất khẩu Đông Hải ở Ninh Bình thành lập năm nào?"
    assert organisations(question) == ("dong hai",)
    article = (
        "Giữ nghề cói ở Kim Sơn\n\n"
        "Nghề dệt cói ở Kim Sơn (Ninh Bình) xuất hiện từ cuối thế kỷ 19 do cụ Nguyễn Công Trứ khai khẩn. "
        "Năm 1992, những người thợ lập ra Hợp tác xã Đông Hải chuyên dệt chiếu, thảm cói xuất khẩu. "
        "Đến nay cả huyện còn khoảng 200 hộ làm nghề.\n"
    )
    (answer,) = _answers(tmp_path, {"coi.txt": article}, [question])
    assert "1992" in answer.text


def test_which_body_and_who_is_two_parts():
    parts = question_parts(
        analyse("Chiếc xe tải chở gỗ lậu bị bắt ở Kon Plông thuộc hợp tác xã nào, và ai là người cầm lái?")
    )
    assert [p.text for p in parts] == [
        "Chiếc xe tải chở gỗ lậu bị bắt ở Kon Plông thuộc hợp tác xã nào",
        "ai là người cầm lái?",
    ]


def test_a_commune_asked_with_its_district_is_answered_only_by_its_own_figure(tmp_path):
    article = (
        "Kinh tế tập thể Lộc Hà\n\n"
        "Đến thời điểm hiện tại, Lộc Hà có 80 HTX trên các lĩnh vực. "
        "Chủ tịch Hội Nông dân xã Mai Phụ cho biết: “Đến thời điểm hiện tại, chúng tôi có 8 HTX”.\n"
    )
    assert "Ich Hau" in analyse("xa Ich Hau huyen Loc Ha co bao nhieu hop tac xa?").unknown_places
    answers = _answers(
        tmp_path,
        {"locha.txt": article},
        [
            "Xã Thịnh Lộc (huyện Lộc Hà, Hà Tĩnh) có bao nhiêu hợp tác xã?",
            "xa Ich Hau huyen Loc Ha co bao nhieu hop tac xa?",
            "Huyện Lộc Hà có bao nhiêu HTX?",
        ],
    )
    assert [a.found for a in answers] == [False, False, True]
    assert all("80" not in a.text for a in answers[:2]) and "80 HTX" in answers[2].text


def test_the_2025_province_said_after_a_district_only_says_where_it_lies():
    q = analyse("Ở huyện Sơn Hòa (Phú Yên cũ, nay thuộc Đắk Lắk), HTX nông nghiệp có bao nhiêu thành viên?")
    assert [p.key for p in q.places] == ["son hoa"]
    q = analyse("Huyện Chợ Gạo (Tiền Giang cũ, nay thuộc Đồng Tháp) có bao nhiêu HTX?")
    assert [p.key for p in q.places] == ["cho gao"]


def test_a_body_whose_trades_are_joined_by_and_is_named():
    from retrieval.questions import organisations

    assert organisations("HTX nông nghiệp và dịch vụ Hòa Lạc của ông Tư ở Ba Vì bán rau giá bao nhiêu?") == ("hoa lac",)
    assert organisations("HTX Tăng Hòa và HTX Phú An có bao nhiêu thành viên?") == ("tang hoa", "phu an")
