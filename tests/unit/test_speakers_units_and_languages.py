"""Questions framed by a speaker or a named body, amounts per a unit, English without diacritics,
2025 provinces after the old one, two questions in one message (other wordings than the question sets)."""

from retrieval.measures import asked_per_unit, question_measures, states_per_unit
from retrieval.questions import analyse, question_head, question_parts
from retrieval.vietnamese import is_english
from tests.unit.test_answering_rules import _answers


def test_english_is_told_by_words_no_vietnamese_syllable_spells():
    assert is_english("Roughly how many tonnes of lychees were shipped abroad from the Thanh Ha orchards?")
    assert is_english("Vietnam's first dragon fruit shipment, grown at a Binh Thuan cooperative, weighed what?")
    # Vietnamese typed without diacritics, with abbreviations and names, stays Vietnamese.
    assert not is_english("htx ocop o cho don co bao nhieu thanh vien")
    assert not is_english("nha xe thuoc htx van tai phu cat ban ve bao nhieu tien")


def test_grown_at_a_place_is_no_trend_but_how_it_has_grown_is():
    assert analyse("How many tonnes of mangoes grown at the Hoa Loc cooperative were exported?").intent != "trend"
    assert analyse("How has the number of cooperatives in Ha Tinh grown over the years?").intent == "trend"


def test_a_speaker_opening_the_question_is_not_what_is_asked():
    assert question_head("ông chủ nhiệm HTX Tân Lập nói mỗi ha lúa lãi bao nhiêu?") == ()
    assert question_head("bà phó giám đốc HTX Hòa Thuận cho biết giá cam bao nhiêu?") == ()
    assert question_head("Vườn cam của HTX Hoa Mai rộng bao nhiêu?") != ()


def test_a_taiwanese_variety_is_no_loan():
    assert [m.name for m in question_measures("Giống bưởi Đài Loan ở xã Yên Hòa bán bao nhiêu một ký?")] == []
    assert "capital" in [m.name for m in question_measures("How large were the loans the cooperative took?")]


def test_an_amount_asked_per_a_unit():
    assert asked_per_unit("Người nuôi bò lỗ bao nhiêu tiền mỗi con?") == "con"
    assert asked_per_unit("cam sành bán tại vườn giá bao nhiêu một ký") == "kg"
    assert asked_per_unit("What did the cooperative pay per tonne?") == "tan"
    assert asked_per_unit("Huyện có bao nhiêu HTX?") is None
    assert states_per_unit("bán được 25.000 đồng/kg", "kg") and states_per_unit("lỗ 2 triệu đồng một con", "con")
    # "một con" that is not the unit of an amount
    assert not states_per_unit("mức lỗ trên một con bò càng tăng", "con")


def test_the_amount_per_the_unit_asked_is_quoted(tmp_path):
    article = (
        "Nuôi bò thua lỗ ở Tân Lập\n\n"
        "Ông Nguyễn Văn Hùng, Phó Chủ nhiệm HTX chăn nuôi Tân Lập, xã Tân Lập, huyện Đan Phượng cho biết giá bò "
        "hơi giảm mạnh từ đầu năm, tổng thiệt hại của người nuôi bò trong xã ước 450 triệu đồng. "
        '"Mỗi lứa bò xuất chuồng, người nuôi lỗ khoảng 3 triệu đồng/con, nhiều hộ đã phải bán bò giống", '
        "ông Hùng nói.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"bo.txt": article},
        ["ông phó chủ nhiệm HTX chăn nuôi Tân Lập (Đan Phượng) nói người nuôi bò đang lỗ bao nhiêu tiền mỗi con?"],
    )
    assert answer.found and "3 triệu đồng/con" in answer.text


def test_a_named_body_s_count_is_not_taken_from_another_cooperative_s_article(tmp_path):
    ticket = (
        "Xe khách nhồi nhét bị xử phạt\n\n"
        "Xe khách 29 chỗ của HTX vận tải Tân Phong (huyện Văn Yên, Yên Bái) bị kiểm tra trên quốc lộ 32. "
        "Lực lượng chức năng phát hiện xe chở 64 người, trong khi chỉ được phép chở 29 người. "
        "Tài xế bị xử phạt 40 triệu đồng.\n"
    )
    other = (
        "Xe khách gặp nạn trên đèo\n\n"
        "Một xe khách của HTX vận tải Tân Phong (huyện Văn Yên) bị lật trên đèo Khau Phạ. Ông Lò Văn Sơn, Giám đốc "
        "hợp tác xã Tân Phong (đơn vị quản lý chiếc xe) cho biết, lúc xảy ra tai nạn, trên xe có 30 người.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"phat.txt": ticket, "deo.txt": other},
        ["Xe khách của HTX vận tải Tân Phong (Văn Yên, Yên Bái) bị kiểm tra trên quốc lộ 32 chở bao nhiêu người?"],
    )
    # Both articles are of the body asked; the count one of them says the cooperative owns is no better.
    assert "64 người" in answer.text and "30 người" not in answer.text


def test_a_2025_province_after_the_old_one_only_says_where_it_lies():
    q = analyse("Năm 2019 ở tỉnh Hà Nam (nay thuộc Ninh Bình), doanh thu của HTX so với tổ hợp tác thế nào?")
    assert [p.key for p in q.places] == ["ha nam"]
    q = analyse("Bắc Kạn (nay là một phần của tỉnh Thái Nguyên) có bao nhiêu HTX?")
    assert [p.key for p in q.places] == ["bac kan"]
    # Two provinces named side by side are still compared.
    assert [p.key for p in analyse("Hà Nam hay Ninh Bình có nhiều HTX hơn?").places] == ["ha nam", "ninh binh"]


def test_two_questions_one_after_the_other_are_two_parts(tmp_path):
    question = "Xã Hòa Tiến phải vay hợp tác xã bao nhiêu tiền để làm cầu? Số tiền nhà thầu còn nợ là bao nhiêu?"
    assert [p.text for p in question_parts(analyse(question))] == [
        "Xã Hòa Tiến phải vay hợp tác xã bao nhiêu tiền để làm cầu",
        "Số tiền nhà thầu còn nợ là bao nhiêu?",
    ]


def test_an_authority_of_the_province_is_no_other_subject_for_its_commune(tmp_path):
    article = (
        "Trường học dang dở ở xã Gia Tân\n\n"
        "Dự án trường tiểu học xã Gia Tân được khởi công năm 2012, chủ đầu tư là UBND xã. "
        "Tổng vốn đầu tư ban đầu 4,2 tỷ đồng, theo đề án kiên cố hóa trường lớp của UBND tỉnh Ninh Bình. "
        "Đến nay, tổng vốn đầu tư của công trình đã đội lên khoảng 9 tỷ đồng.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"truong.txt": article},
        ["Trường tiểu học xã Gia Tân (Gia Viễn, Ninh Bình): tổng vốn đầu tư ban đầu là bao nhiêu?"],
    )
    assert answer.found and "4,2 tỷ" in answer.text
    # The province's own figure is still no figure of the commune.
    province = "Tình hình HTX ở Ninh Bình\n\nToàn tỉnh Ninh Bình có 310 HTX với tổng vốn 500 tỷ đồng.\n"
    (tmp_path / "p").mkdir()
    (answer,) = _answers(
        tmp_path / "p", {"tinh.txt": province}, ["Xã Gia Tân (Gia Viễn, Ninh Bình) có tổng vốn bao nhiêu?"]
    )
    assert "500 tỷ" not in answer.text


def test_health_workers_are_no_workforce_of_cooperatives(tmp_path):
    assert question_measures("How many health workers were exposed after the crash?") == ()
    assert [m.name for m in question_measures("How many workers does the cooperative employ?")] == ["workers"]
    article = (
        "Nghi phơi nhiễm HIV sau tai nạn xe khách ở Gia Lai\n\n"
        "Sau vụ tai nạn giữa xe khách của HTX vận tải Đức Cơ và một xe tải, Sở Y tế Gia Lai cho biết có 12 cán bộ y tế "
        "và 5 người dân tham gia cấp cứu nạn nhân và nghi bị phơi nhiễm HIV. HTX vận tải Đức Cơ có 40 lao động.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"hiv.txt": article},
        ["After the coach crash in Gia Lai, how many health workers were suspected of HIV exposure?"],
    )
    assert "12 cán bộ y tế" in answer.text and "40 lao động" not in answer.text


def test_a_rate_asked_once_is_asked_of_both_parts_and_a_union_s_name_asks_no_count(tmp_path):
    question = (
        "Tuần lễ trái cây Việt của Saigon Co.op (Liên hiệp HTX Thương mại TP.HCM): trái cây VietGAP được giảm "
        "bao nhiêu phần trăm, còn các loại nước ép đóng chai được giảm bao nhiêu?"
    )
    q = analyse(question)
    assert q.asked == () and q.percent
    assert [p.percent for p in question_parts(q)] == [True, True]
    article = (
        "Saigon Co.op giảm giá trái cây Việt\n\n"
        "Trong tuần lễ trái cây Việt, hệ thống Co.opmart của Saigon Co.op sẽ giảm giá từ 20% đến 40% cho trái cây "
        "đạt chuẩn VietGAP. Ngoài ra, các loại nước ép đóng chai cũng được giảm giá từ 5% đến 15%. "
        "Liên hiệp HTX Thương mại TP.HCM hiện có 800 điểm bán.\n"
    )
    (answer,) = _answers(tmp_path, {"co.txt": article}, [question])
    assert "20% đến 40%" in answer.text and "5% đến 15%" in answer.text
