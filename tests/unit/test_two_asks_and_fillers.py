"""Fillers that are no topic words, the year of a month, each side of a comparison asking its own
question, the stock figure compared, and each part of a two-part question keeping its sentence
(other wordings than the question sets)."""

from types import SimpleNamespace

from retrieval.answering import _leans_on_first, parts_quoted
from retrieval.followups import resolve_followup
from retrieval.measures import asks_money, counted_noun, figures
from retrieval.periods import years
from retrieval.places import place_mentions
from retrieval.questions import analyse, first_side, question_parts, second_side, unknown_places
from retrieval.selection import _destinations
from retrieval.vietnamese import is_english
from tests.unit.test_answering_rules import _answers


def _one(tmp_path, article, question):
    """Answer one question over one invented article."""
    (answer,) = _answers(tmp_path, {"article.txt": article}, [question])
    return answer


DIEN_BIEN = (
    "Kinh tế tập thể tỉnh Điện Biên\n\n"
    "Trong 9 tháng đầu năm 2019, tỉnh Điện Biên thành lập mới 24 HTX. "
    "Đến hết tháng 9/2019, toàn tỉnh Điện Biên có 215 HTX với hơn 6.100 thành viên.\n"
)
LAI_CHAU = (
    "Lai Châu tổng kết kinh tế tập thể năm 2020\n\n"
    "Năm 2020, tỉnh Lai Châu thành lập mới 31 HTX. "
    "Lũy kế đến cuối năm 2020, toàn tỉnh Lai Châu có 236 HTX đang hoạt động.\n"
)


def test_fillers_are_no_topic_words():
    q = analyse("Tỉnh Điện Biên có tất cả bao nhiêu HTX?")
    assert q.pairs == () and not {"tat", "ca"} & set(q.terms)
    assert not {"tong", "cong"} & set(analyse("Lai Châu tổng cộng có bao nhiêu hợp tác xã nhé?").terms)


def test_a_count_asked_with_a_filler_is_answered(tmp_path):
    answer = _one(tmp_path, DIEN_BIEN, "Điện Biên có tất cả bao nhiêu hợp tác xã?")
    assert answer.found and "215 HTX" in answer.text


def test_the_year_of_a_month_or_a_day_is_a_year_but_not_a_decree_number():
    assert years("đến hết tháng 9/2019") == [2019]
    assert years("Ngày 25/5/2018 và năm 2020") == [2018, 2020]
    assert years("theo Nghị định 02/2017/NĐ-CP") == []
    assert analyse("Điện Biên đến hết tháng 9/2019 có bao nhiêu HTX?").years == (2019,)


def test_each_side_that_asks_its_own_question_keeps_its_own_period():
    text = "Điện Biên đến hết tháng 9/2019 có bao nhiêu HTX, còn Lai Châu lũy kế tới cuối năm 2020 có bao nhiêu HTX?"
    written, mentions = place_mentions(text)
    key, first = first_side(written, mentions)  # type: ignore[misc]
    assert key == "dien bien" and "9/2019" in first and "2020" not in first
    key, second = second_side(written, mentions)  # type: ignore[misc]
    assert key == "lai chau" and "2020" in second and "9/2019" not in second
    # one question asked of both ("… hay Lai Châu có nhiều HTX hơn?"): no second question of its own
    written, mentions = place_mentions("Điện Biên hay Lai Châu có nhiều HTX hơn?")
    assert second_side(written, mentions) is None


def test_the_stock_is_compared_not_the_new_cooperatives_of_the_same_sentence(tmp_path):
    (answer,) = _answers(
        tmp_path,
        {"dien_bien.txt": DIEN_BIEN, "lai_chau.txt": LAI_CHAU},
        ["Điện Biên đến hết tháng 9/2019 có tất cả bao nhiêu HTX, còn Lai Châu lũy kế tới cuối năm 2020 có bao nhiêu?"],
    )
    assert answer.found and "215 HTX" in answer.text and "236 HTX" in answer.text
    assert "236 so với 215" in answer.text


def test_the_sentences_quoted_for_two_parts_hold_each_part_s_own():
    text = "A có 12,5 tỉ. B nói thêm. C đề nghị 12,5 tỉ. D buộc bồi thường 3,1 tỉ."
    article = SimpleNamespace(id="toa", text=text)
    a, b, c, d = (
        SimpleNamespace(text=t, document=article)
        for t in ("A có 12,5 tỉ.", "B nói thêm.", "C đề nghị 12,5 tỉ.", "D buộc bồi thường 3,1 tỉ.")
    )
    # part one quotes A and its runner-up B, part two D and C; the whole question's best is C
    quoted = parts_quoted([a, d], [a, b, d, c], [c, a])  # type: ignore[list-item]
    assert quoted == [a, c, d]  # D, part two's own sentence, is never cut by the three-sentence limit
    assert parts_quoted([a, d], [a, b, d, c], [a]) == [a, b, d]  # type: ignore[list-item]


def test_a_unit_written_two_ways_is_one_counted_noun():
    assert counted_noun("Mỗi tháng xưởng dệt được bao nhiêu mét vải?") == "met"
    assert any(f.measure == "count:met" for f in figures("mỗi tháng xưởng dệt khoảng 4.200 m vải"))
    assert counted_noun("Vườn rộng bao nhiêu hecta?") == "ha"


def test_an_english_question_naming_vietnamese_places_with_diacritics_is_english():
    assert is_english(
        "How many tonnes of rice a day does the Hòa Lợi cooperative in Vĩnh Long supply to Can Tho factories?"
    )
    assert is_english("How much did the Sóc Trăng department have to pay the Tân Phú cooperative for the damage?")
    assert not is_english("Saigon Co.op có bao nhiêu siêu thị Co.opmart, Co.opXtra và Co.op Food?")
    assert not is_english("Doanh thu của HTX Tân Phú (Sóc Trăng) năm 2018 là bao nhiêu?")


DROUGHT = (
    "Hạn hán gay gắt ở Bắc Trung Bộ\n\n"
    "Tại Thanh Hóa, toàn tỉnh có 610 hồ đập, đến nay hơn 120 hồ loại nhỏ đã xuống mực nước chết hoặc trơ đáy. "
    "Ông Lê Văn Tâm, Chi cục trưởng Thủy lợi cho biết, để chống hạn, tỉnh tập trung nạo vét kênh mương nội "
    "đồng để đưa nước từ các trạm bơm về ruộng; lắp đặt các trạm bơm dã chiến; đắp đập tạm để trữ nước và "
    "ngăn mặn; vận động bà con chuyển đổi cây trồng cạn thay cho lúa ở những chân ruộng thiếu nước, đồng thời "
    "đề nghị các công ty thủy lợi điều tiết nước hợp lý giữa các vùng, ưu tiên nước cho sinh hoạt của người dân. "
    "Tại Quảng Bình, đến cuối tháng 7 có 74 hồ trên địa bàn bị cạn nước. Nhiều diện tích lúa bị hạn.\n"
)


def test_the_other_side_of_a_comparison_is_read_in_its_own_words_in_the_same_article(tmp_path):
    answer = _one(
        tmp_path,
        DROUGHT,
        "Mùa hạn năm nay, Thanh Hóa và Quảng Bình mỗi tỉnh có bao nhiêu hồ chứa cạn hoặc xuống mực nước chết?",
    )
    assert answer.found and "120 hồ" in answer.text and "74 hồ" in answer.text


FLOOD = (
    "Vỡ đê, lúa ngập ở Thừa Thiên Huế\n\n"
    "Theo Sở NN&PTNT, trên địa bàn tỉnh Thừa Thiên Huế hiện có hơn 2.000 ha lúa đông xuân vẫn đang ngập nước. "
    "Ông Trần Văn Minh, Chủ tịch UBND huyện Phong Điền cho biết, toàn huyện Phong Điền có gần 800 ha lúa "
    "vụ đông xuân bị ngập nước. "
    "Tại huyện Quảng Điền, toàn huyện Quảng Điền còn 320 ha lúa chưa gieo sạ được.\n"
)


def test_the_province_around_two_districts_compared_is_no_side(tmp_path):
    answer = _one(
        tmp_path,
        FLOOD,
        "Đợt vỡ đê ở Thừa Thiên Huế (nay là thành phố Huế): huyện Phong Điền có bao nhiêu ha lúa bị ngập, "
        "còn Quảng Điền có bao nhiêu ha chưa gieo sạ?",
    )
    assert answer.found and "800 ha" in answer.text and "320 ha" in answer.text
    assert "2.000 ha" not in answer.text  # the province's figure is no side


def test_word_pairs_are_said_together_and_the_city_s_abbreviation_is_no_topic():
    q = analyse("Với các HTX chưa ký hợp đồng, trung tâm đang tạm ứng mấy phần trăm kinh phí trợ giá?")
    assert "dong_trung" not in q.pairs and "phan_tram" not in q.pairs and "tam_ung" in q.pairs
    assert "hcm" not in analyse("TP.HCM có bao nhiêu HTX vận tải?").terms


def test_a_sum_asked_in_one_question_does_not_take_the_next_question_s_rate():
    first, second = question_parts(
        analyse("HTX Bến Thành bị công ty xăng dầu đòi nợ bao nhiêu tiền? Trung tâm tạm ứng mấy phần trăm kinh phí?")
    )
    assert not first.percent and second.percent


BUS = (
    "Trợ giá xe buýt chậm, HTX khó khăn\n\n"
    "Mỗi năm thành phố chi hơn 1.000 tỉ đồng kinh phí trợ giá cho các HTX xe buýt. "
    "Theo ông Hải, do các HTX chưa ký hợp đồng đặt hàng nên trung tâm đã tạm ứng 60% kinh phí trợ giá hàng tháng. "
    "Các HTX cho rằng số tiền trợ giá tạm ứng hơn 50 tỉ đồng mỗi tháng là không đủ.\n"
)


def test_a_rate_asked_of_a_sum_is_answered_with_the_rate(tmp_path):
    answer = _one(
        tmp_path, BUS, "Với các HTX chưa ký hợp đồng, trung tâm đang tạm ứng mấy phần trăm kinh phí trợ giá mỗi tháng?"
    )
    assert answer.found and "60%" in answer.text


PIGS = (
    "Giá heo ở Hà Nội giảm, người nuôi lỗ nặng\n\n"
    "Giá heo hơi tại Hà Nội tiếp tục giảm trong tháng 3. "
    "Sáng 12/3, Chủ tịch UBND thành phố thăm gia đình anh Lê Văn Bình - hộ chăn nuôi giỏi của huyện Ba Vì. "
    "Anh Bình nói, gia đình nuôi 200 con heo nhưng thương lái chỉ mua từ 31.000 đến 33.000 đồng mỗi ký, "
    "khiến gia đình anh lỗ nặng.\n"
)


def test_someone_the_sentence_before_introduced_speaks_of_its_place(tmp_path):
    answer = _one(tmp_path, PIGS, "Ở Ba Vì (Hà Nội) thương lái mua heo của hộ nuôi với giá bao nhiêu một ký?")
    assert answer.found and "31.000" in answer.text


def test_a_follow_up_that_asks_its_own_question_of_a_new_place_stands_alone():
    history = [{"role": "user", "content": "HTX Tân Lập ở Thạnh Phú có bao nhiêu xã viên?"}]
    question = "Thế còn HTX Hòa Bình ở Gò Công Đông thì từ đầu năm có thêm khoảng bao nhiêu hộ xin vào?"
    # "thêm" folds to "them", which is no English pronoun pointing back in a Vietnamese question
    assert resolve_followup(question, history) == question
    assert "Gò Công Đông" in resolve_followup("Còn Gò Công Đông thì sao?", history)


FRUIT = (
    "Liên hiệp HTX nông nghiệp Tiền Giang vươn ra thị trường\n\n"
    "Liên hiệp HTX nông nghiệp Tiền Giang có 12 HTX thành viên, doanh thu năm 2019 đạt 20 tỷ đồng. "
    "Trung bình mỗi ngày Liên hiệp HTX cung ứng cho các siêu thị 4 tấn trái cây đặc sản.\n"
)


def test_a_place_named_tien_is_no_sum_of_money(tmp_path):
    assert not asks_money("Tiền Giang có bao nhiêu HTX?")
    assert asks_money("Tiền xây chợ là bao nhiêu?")
    answer = _one(
        tmp_path,
        FRUIT,
        "Liên hiệp HTX nông nghiệp Tiền Giang mỗi ngày cung ứng cho các siêu thị khoảng bao nhiêu tấn trái cây?",
    )
    assert answer.found and "4 tấn" in answer.text


VEGETABLES = (
    "Rau an toàn của HTX Hòa Lợi vào siêu thị\n\n"
    "Sáng cùng ngày, đoàn công tác thăm HTX nông nghiệp Hòa Lợi (tỉnh Vĩnh Long). "
    "Ông Trần Văn Tư, Trưởng ban Quản trị HTX, cho biết mỗi ngày HTX đưa vào các hệ thống siêu thị ở TP.HCM "
    "khoảng 3 tấn rau các loại.\n"
)


def test_where_goods_are_sent_is_no_place_of_the_figure(tmp_path):
    assert _destinations("Mỗi ngày HTX đưa vào các siêu thị ở TP.HCM khoảng 3 tấn rau.") == {"ho chi minh"}
    assert _destinations("Giá rau tại các siêu thị ở TP.HCM là 20.000 đồng/kg.") == set()
    supplied, produced = _answers(
        tmp_path,
        {"rau.txt": VEGETABLES},
        [
            "HTX Hòa Lợi ở Vĩnh Long mỗi ngày đưa vào siêu thị bao nhiêu tấn rau?",
            # the city the goods go to does not get the cooperative's figure
            "TP.HCM mỗi ngày sản xuất bao nhiêu tấn rau?",
        ],
    )
    assert supplied.found and "3 tấn" in supplied.text
    assert "3 tấn" not in produced.text


RATTAN = (
    "Những hợp tác xã vượt sóng\n\n"
    "Ở Tiền Giang, Liên hiệp HTX nông nghiệp có 12 HTX thành viên, tổ chức được mạng lưới tiêu thụ ổn định tại "
    "nhiều siêu thị, cung ứng trái cây đặc sản như vú sữa, xoài cát, bưởi da xanh, dừa, sầu riêng cho thị trường "
    "trong nước và xuất khẩu; các HTX thành viên đều canh tác theo tiêu chuẩn VietGAP và được chứng nhận. "
    "Trong khi các HTX ở Quảng Ngãi bị bao phen sóng gió thị trường đào thải thì HTX mây tre Kỳ Anh vẫn vững vàng "
    "40 năm qua. Xuất khẩu chiếm 55% trong tổng doanh thu, HTX chia cổ tức 16% / năm.\n"
)


def test_an_english_question_names_the_body_before_cooperative_even_a_place_s_name(tmp_path):
    q = analyse("What dividend does the Kỳ Anh rattan and bamboo cooperative in Quảng Ngãi pay each year?")
    assert q.organisations == ("ky anh",) and [p.key for p in q.places] == ["quang ngai"]
    answer = _one(
        tmp_path,
        RATTAN,
        "What share of its revenue does the Kỳ Anh rattan and bamboo cooperative in Quảng Ngãi earn from exports?",
    )
    # the article names the province just before the body: its sentences without a place are the body's
    assert answer.found and "55%" in answer.text


def test_the_place_of_a_meeting_and_the_year_of_a_law_are_not_asked():
    q = analyse("At the Huế review of the 2012 Cooperative Law, how many cooperatives did the country have?")
    assert q.places == () and q.nation and q.years == ()
    q = analyse("Tại hội nghị tổ chức ở Cần Thơ, cả nước có bao nhiêu HTX hoạt động hiệu quả?")
    assert q.places == () and q.nation
    assert analyse("Sau 5 năm thi hành Luật HTX năm 2012, Cần Thơ có bao nhiêu HTX?").years == ()
    # a place asked beside the country stays asked
    assert [p.key for p in analyse("Cần Thơ có bao nhiêu HTX so với cả nước?").places] == ["can tho"]
    assert analyse("Năm 2012 Cần Thơ có bao nhiêu HTX?").years == (2012,)


MARKET = (
    "Tiểu thương chợ gốm Phù Lãng bức xúc\n\n"
    "Nhiều tiểu thương tập trung trước cổng chợ gốm Phù Lãng (Bắc Ninh) bày tỏ sự bất bình. "
    "Trong khu chợ có 95 gian hàng bày bán các sản phẩm gốm. Số hộ này là xã viên Hợp tác xã chợ gốm Phù Lãng. "
    "Ông Lê Văn Nam, Chủ tịch Hội đồng quản trị Hợp tác xã chợ gốm Phù Lãng cho biết, mâu thuẫn phát sinh từ "
    "hợp đồng thuê đất.\n"
)
AWARDS = (
    "Bắc Ninh xét tặng danh hiệu công dân ưu tú\n\n"
    "Các cá nhân được đề nghị gồm: Nhà giáo Trần Văn Hòa, Chủ tịch Hội đồng quản trị Trường Lý Thái Tổ; "
    "bà Ngô Thị Lan, Chủ tịch Hội người mù thành phố Bắc Ninh.\n"
)


def test_a_second_part_that_points_back_is_asked_of_the_first_part_s_article(tmp_path):
    assert _leans_on_first(analyse("ai là chủ tịch HĐQT hợp tác xã chợ này?"))
    assert not _leans_on_first(analyse("hiện nay giám đốc Sở Nông nghiệp và Phát triển nông thôn là ai?"))
    (answer,) = _answers(
        tmp_path,
        {"cho.txt": MARKET, "khen.txt": AWARDS},
        ["Chợ gốm Phù Lãng ở Bắc Ninh có bao nhiêu gian hàng, và ai là chủ tịch HĐQT hợp tác xã chợ này?"],
    )
    # "HĐQT" is the "Hội đồng quản trị" the article writes in full
    assert answer.found and "95 gian hàng" in answer.text and "Lê Văn Nam" in answer.text
    assert "Trần Văn Hòa" not in answer.text


GRAPES = (
    "Giải cứu nho\n\n"
    "Theo thống kê, hiện tỉnh Ninh Thuận có hơn 5.000 ha nho, tập trung nhiều nhất ở huyện Ninh Phước. "
    "Không chỉ ở Ninh Thuận, hành trình giải cứu nho ở Khánh Hòa cũng đang rầm rộ. "
    "Được biết, tỉnh Khánh Hòa hiện có hơn 800 ha đất trồng nho, tập trung ở 2 xã Cam Hải Tây và Cam Thành Bắc "
    "(huyện Cam Lâm).\n"
)


def test_an_area_compared_without_its_unit_is_read_in_hectares(tmp_path):
    q = analyse("Diện tích trồng nho của Ninh Thuận so với Khánh Hòa chênh nhau thế nào?")
    assert q.quantity and q.noun == "ha"
    assert analyse("HTX nào được giao ít diện tích nhất?").noun is None  # a ranking reads the list
    answer = _one(tmp_path, GRAPES, "Diện tích trồng nho của Ninh Thuận so với Khánh Hòa chênh nhau thế nào?")
    # the province named before "800 ha" is its subject, not the district named after it
    assert answer.found and "5.000 ha" in answer.text and "800 ha" in answer.text
    assert "5.000 so với 800" in answer.text


def test_an_area_asked_without_its_unit_is_answered_by_the_hectares(tmp_path):
    answer = _one(tmp_path, GRAPES, "Diện tích trồng nho của Ninh Thuận là bao nhiêu?")
    assert answer.found and "5.000 ha" in answer.text


BADGE = (
    "Sở Giao thông vận tải bồi thường cho xã viên HTX\n\n"
    "Thu hồi phù hiệu xe của xã viên hợp tác xã trái quy định, Sở Giao thông vận tải tỉnh Sóc Trăng phải bồi thường "
    "65 triệu đồng. Ngày 12-4, phó giám đốc Sở ký quyết định thu hồi phù hiệu có thời hạn 4 tháng đối với xe của "
    "bà Lan, xã viên Hợp tác xã vận tải Hòa Thuận. Bà Lan đã có đơn khiếu nại.\n"
)


def test_how_long_asks_a_duration_and_is_a_part_of_its_own(tmp_path):
    q = analyse(
        "How much did the department pay the member of the Hòa Thuận transport cooperative, and how long was it?"
    )
    assert len(question_parts(q)) == 2
    answer = _one(
        tmp_path,
        BADGE,
        "How much did the Sóc Trăng Department of Transport pay a member of the Hòa Thuận transport cooperative "
        "for revoking her vehicle badge, and how long was the revocation?",
    )
    assert answer.found and "65 triệu" in answer.text and "4 tháng" in answer.text


def test_a_sum_spent_is_money_asked_not_a_count_of_cooperatives():
    assert asks_money("HTX đã chi khoảng bao nhiêu?") and asks_money("Xã đã bỏ ra bao nhiêu?")
    assert analyse("HTX đã chi khoảng bao nhiêu?").asked == ()
    # "chi hội" is a branch and "chỉ" is "only"
    assert not asks_money("Chi hội có bao nhiêu hội viên?")
    assert not asks_money("HTX chỉ có bao nhiêu thành viên?")


def test_an_english_sentence_s_first_word_is_no_part_of_a_commune_s_name():
    assert unknown_places("In Yen Phu commune (Yen Dinh, Thanh Hoa), what share of households raise goats?", ()) == (
        "Yen Phu",
    )
    assert unknown_places("At Tan Lap ward, how many households sell vegetables?", ()) == ("Tan Lap",)


def test_a_measure_said_only_in_the_second_part_is_not_the_first_part_s():
    first, second = question_parts(
        analyse("Kim ngạch xuất khẩu nông sản năm 2019 là bao nhiêu, và đề án đặt mục tiêu bao nhiêu HTX đến năm 2020?")
    )
    assert first.asked == () and [m.name for m in second.asked] == ["htx_count"]
    # a measure said in the first part is the second's too
    first, second = question_parts(
        analyse("Doanh thu của HTX Tân Phú năm 2020 là bao nhiêu, và năm 2021 tăng bao nhiêu?")
    )
    assert [m.name for m in second.asked] == ["revenue"]


PIGLETS = (
    "Giá tăng trở lại, nông dân đua nhau nuôi heo\n\n"
    "Sau gần hai tháng tăng, giá heo hơi những ngày qua đã giảm nhiệt và đứng ở mức cao, nhiều người chăn nuôi bắt "
    "đầu mua heo giống tăng đàn, đẩy giá heo giống tăng mạnh. Các doanh nghiệp và hiệp hội chăn nuôi khuyến cáo người "
    "dân hết sức thận trọng khi tăng đàn bởi nếu bắt đầu nuôi từ bây giờ thì phải mấy tháng nữa mới xuất chuồng. "
    "Ông Lê Văn Hai, chủ trang trại ở huyện Thống Nhất, Đồng Nai, cho biết đã mua thêm 200 con heo giống. "
    "Theo Hiệp hội Chăn nuôi Đồng Nai, nhu cầu heo giống tăng lên rõ ràng trong hai tháng qua. "
    "Giá heo giống trong hơn hai tháng qua đã tăng từ mức trung bình 55.000 đồng / kg lên 85.000 đồng / kg. "
    "Nhiều hộ ở Đồng Nai và một số hộ ở Lâm Đồng đã tái đàn.\n"
)


def test_the_place_an_article_names_far_more_often_is_its_place(tmp_path):
    answer = _one(
        tmp_path, PIGLETS, "Giá heo giống ở Đồng Nai trong hơn hai tháng qua đã tăng từ bao nhiêu lên bao nhiêu một ký?"
    )
    assert answer.found and "55.000" in answer.text and "85.000" in answer.text
