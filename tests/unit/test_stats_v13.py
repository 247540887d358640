"""VERSION 13 of the statistics table: the error classes of the sixth judging
(docs/stats_precision.md, "Sixth judging" and "VERSION 13 changes"). Every sentence is a real
sentence of the coop articles or of the news corpus (``news_baomoi_35k``), in another wording
than the judged row where the corpora have one; each test failed on the VERSION 12 extractor."""

from retrieval.models import Document
from retrieval.stats import StatRow, extract


def _doc(text: str, title: str = "", place: str | None = None, date: str | None = "2019-05-02") -> Document:
    return Document(id="t", title=title, text=text, date=date, place=place)


def _rows(document: Document) -> list[StatRow]:
    return extract(document)


def _of(document: Document, value_text: str) -> StatRow:
    found = [r for r in extract(document) if r.value_text == value_text]
    assert len(found) == 1, [(r.value_text, r.measure) for r in extract(document)]
    return found[0]


# A sentence about cooperatives (train/084675) that the next sentence of its paragraph goes on with.
_COOP = "Liên hiệp HTX nông nghiệp tỉnh Tiền Giang sẽ đưa ra thảo luận quy định mới cho các hợp tác xã thành viên."


def test_the_subject_of_a_plan_is_a_fact_not_a_target():
    # train/084675: the 11 member cooperatives are; committing to "one price" is the plan.
    members = _doc(
        "Ví dụ, để tránh tình trạng làm ăn chụp giật, Liên hiệp HTX nông nghiệp tỉnh Tiền Giang sẽ đưa ra thảo "
        'luận quy định mới: 11 HTX nông nghiệp thành viên sẽ cam kết " một giá ".',
        place="Tiền Giang",
        date=None,
    )
    assert [(r.value_text, r.status, r.period) for r in _rows(members)] == [("11", "actual", "")]
    # news 21480767: the 13 provinces that will change their dialling codes under a ministry's plan
    # (the day is the plan's, not the provinces').
    provinces = _doc(
        f"{_COOP} Theo Kế hoạch chuyển đổi mã vùng điện thoại cố định của Bộ Thông tin và Truyền thông, từ 00h00 "
        "ngày 11/2/2017, tức thứ 7 tuần này, 13 tỉnh thành phố sẽ thực hiện đổi mã vùng điện thoại cố định.",
        place="Tiền Giang",
        date="2017-02-07",
    )
    assert [(r.value_text, r.status) for r in _rows(provinces)] == [("13", "actual")]


def test_a_count_to_be_reached_after_a_plan_word_is_still_a_target():
    # test/018331: the herd is what the plan is to reach ("sẽ đạt"); seed 001's heading "Chỉ tiêu năm
    # 2021," sets the plan of its whole clause.
    herd = _doc(
        "Bà Thái Hương - chủ tịch Tập đoàn TH - dự kiến đến năm 2025, tổng số đàn bò sữa mà Tập đoàn TH đồng hành "
        "cùng nông dân thông qua mô hình HTX công nghệ cao sẽ đạt khoảng 200.000 con.",
        place="Thanh Hóa",
        date=None,
    )
    assert [(r.value_text, r.status) for r in _rows(herd)] == [("200.000", "target")]
    plan = _doc(
        "Chỉ tiêu năm 2021, thành lập mới từ 65 HTX, liên hiệp HTX và 15 THT.", place="Hòa Bình", date="2020-12-30"
    )
    assert [(r.value_text, r.status) for r in _rows(plan)] == [("65", "target"), ("15", "target")]


def test_the_participants_of_a_planned_meeting_are_no_target():
    # train/072151 (the only such sentence of the corpora) and train/070858, the same meeting in
    # another article's words: the households are; the meeting was planned.
    planned = _doc(
        "Liên quan nội dung này, trao đổi qua điện thoại, ông Hoàng Văn Quảng, Giám đốc sở Công Thương tỉnh Hà "
        "Tĩnh cũng cho biết, cuộc họp dự kiến diễn ra ngày 8/10 giữa sở Công Thương, UBND huyện Cẩm Xuyên, UBND "
        "xã Cẩm Nhượng cùng đại diện 3.000 hộ dân xã Cẩm Nhượng để thống nhất xử lý những sai phạm tại HTX Thành "
        "Tâm phải hoãn lại.",
        date=None,
    )
    again = _doc(
        "Được biết, vào thứ 2 (ngày 8/10) sắp tới, lãnh đạo sở Công thương Hà Tĩnh, UBND huyện Cẩm Xuyên, UBND xã "
        "Cẩm Nhượng cùng đại diện cho 3.000 hộ dân tại xã Cẩm Nhượng sẽ có buổi làm việc để đưa ra kết luận cuối "
        "cùng về hình thức xử lý đối với những sai phạm của HTX Thành Tâm.",
        date=None,
    )
    for document in (planned, again):
        assert (_of(document, "3.000").status, _of(document, "3.000").period) == ("actual", "")


def test_a_landmarks_district_in_the_lead_is_not_the_articles_place():
    # The lead of train/014928 (a bus station's district in brackets; the cooperative is of TP. HCM)
    # and a sentence of test/003054 that names no place: the routes are the city's, not Bình Thạnh's.
    lead = (
        "Hơn 10 xe buýt thuộc hai tuyến 51, 146 chạy hướng Bến xe miền Đông (Bình Thạnh) đến Bình Hưng Hoà (Bình "
        "Tân) và Hiệp Thành (Q. 12) hiện vẫn ngưng chạy do tiền trợ giá bị ngân hàng siết nợ, không còn đồng nào để "
        "xã viên mua dầu.\nChiều 7-12, ông Trần Trọng Thảo - giám đốc Hợp tác xã Đông Nam (TP. HCM) - cho biết hơn "
        "10 chiếc xe buýt thuộc hai tuyến trên đảm nhận cả trăm chuyến xe / ngày.\n"
    )
    doc = _doc(
        lead + "Những ngày qua, do hết khả năng trả nợ, Hợp tác xã Đông Nam đã đề nghị Ngân hàng TMCP Quân đội - "
        "chi nhánh Bình Chánh thu hồi, thanh lý 51 xe buýt đã được thế chấp vay vốn đầu tư mua xe thuộc 4 tuyến "
        "40, 46, 51, 146.",
        title="Chưa có hướng xử lý vụ xe buýt ngưng chạy do ngân hàng siết nợ",
        date=None,
    )
    routes = _of(doc, "4")
    assert (routes.place, routes.place_from) == ("Hồ Chí Minh", "lead")
    assert "Bình Thạnh" not in {r.place for r in _rows(doc)}


def test_a_figure_of_a_flow_between_two_places_gets_no_single_place():
    # news 22473360 after a sentence about cooperatives: the drugs were made elsewhere and taken into
    # TP.HCM; the one place named is where they went, not where the 70 kg are.
    into = _doc(
        f"{_COOP} Tại đây, xưởng của Dương sản xuất được 70 kg thuốc lắc và chuyển vào TP.HCM ép khuôn đưa ra thị "
        "trường.",
        place="Tiền Giang",
    )
    assert _rows(into) == []
    # news 22553160 and 22263885: goods carried from one place to another; both ends are named.
    for text in (
        "Gần 10 tấn hàng chưa rõ nguồn gốc trên tàu SE17 vận chuyển từ ga Hà Nội vào Đà Nẵng vừa bị lực lượng chức "
        "năng phát hiện, bắt giữ.",
        "Hùng khai được người đàn ông Trung Quốc thuê vận chuyển 42 bánh heroin (15 kg) từ Lạng Sơn về Hà Nội với "
        "tiền công 100 triệu đồng.",
    ):
        left: list[tuple[StatRow, str]] = []
        assert extract(_doc(f"{_COOP} {text}", place="Tiền Giang"), left) == []
        assert [reason for _, reason in left] == ["end of a flow"]


def test_a_projects_investment_is_not_the_cooperatives_capital():
    # 22540946: state money invested in a seed-rice project that two cooperatives benefit from.
    seed_rice = _doc(
        "Đây là một trong 2 đơn vị hưởng lợi từ dự án Trung tâm sản xuất lúa giống chất lượng cao xã Khánh Trung, "
        "Khánh Cường với vốn đầu tư từ ngân sách nhà nước gần 150 tỷ đồng.",
        title="Cam kết một đằng, thực hiện một nẻo",
        place="Ninh Bình",
        date="2017-06-16",
    )
    assert [r for r in _rows(seed_rice) if r.measure == "capital"] == []
    # news 21472194 after a sentence about the cooperative that invests (train/063794).
    project = _doc(
        "Dự án do hợp tác xã vận tải Huy Hải có trụ sở tại xã Sơn Hải, huyện Quỳnh Lưu làm chủ đầu tư. Dự án có "
        "tổng mức đầu tư khoảng 242 tỉ đồng, tổng số vốn của dự án lên đến 242 tỷ đồng.",
        place="Nghệ An",
    )
    assert [r for r in _rows(project) if r.measure == "capital"] == []
    # The cooperative's own capital stays (seed 003, train/101206).
    own = _doc(
        "Hợp tác xã nuôi nghêu Đất Mũi cho biết, hiện chỉ còn hơn 180 xã viên đầu tư, nguồn vốn khoảng 11 tỷ đồng.",
        place="Cà Mau",
    )
    assert [r.value_text for r in _rows(own) if r.measure == "capital"] == ["11 tỷ đồng"]


def test_an_event_day_without_a_year_labels_a_figure_when_the_article_date_would_not():
    # test/015362 (undated): the day the cooperative's leaders told of the buses stopped.
    undated = _doc(
        "Ngày 13/12, lãnh đạo hợp tác xã (HTX) Đông Nam (TP. HCM) xác nhận, hơn 10 xe buýt thuộc 2 tuyến 51 và 146 "
        "đang phải ngừng hoạt động do bị ngân hàng siết nợ, không thể chi trả tiền mua nhiên liệu.",
        date=None,
    )
    assert {(r.period, r.year) for r in _rows(undated)} == {("Ngày 13/12", None)}
    # test/020148 in an article stored months after that day: the year is the one before the article's.
    late = _doc(
        "Ngày 25/9, UBND huyện Cẩm Xuyên (Hà Tĩnh) cho biết đã đề nghị Sở Công thương Hà Tĩnh thanh tra toàn diện "
        "quá trình hoạt động của Hợp tác xã kinh doanh điện tổng hợp Thành Tâm (xã Cẩm Nhượng), sau khi đơn vị này "
        "yêu cầu 20 hộ dân đưa đồng hồ đi kiểm định vì bình luận giá điện trên Facebook.",
        date="2019-02-20",
    )
    assert [(r.value_text, r.period, r.year) for r in _rows(late)] == [("20", "Ngày 25/9", 2018)]
    # 22540946: a day of the article's week adds nothing to its date; the label stays empty.
    week = _doc(
        "Chiều 15/6, tại lò sấy của Hợp tác xã (HTX) nông nghiệp Đông Cường (xã Khánh Cường, Yên Khánh, Ninh "
        "Bình), gia đình bà Phạm Thị Bảy cùng 5 lao động đang đóng bao gần 60 tấn lúa vừa thu hoạch, sấy khô.",
        date="2017-06-16",
    )
    assert {r.period for r in _rows(week)} == {""}


def test_the_partners_of_a_body_are_not_at_the_bodys_place():
    # val/002259 (the developer's judging of seed 83): PouYuen is in Bình Tân (the lead); the 10
    # transport cooperatives that carry its workers are not said to be.
    doc = _doc(
        "Xe đưa rước công nhân của công ty PouYuen (quận Bình Tân, TP. HCM) bị phản ánh nhồi nhét khách quá quy "
        "định, tài xế phóng nhanh, vượt ẩu.\nLà công ty có lượng công nhân lớn, hiện công ty PouYuen đang hợp tác "
        "với 10 công ty vận tải và 10 hợp tác xã vận tải bố trí khoảng 400 xe đưa đón công nhân hằng ngày.",
        title="Chặn đứng nạn xe chở công nhân PouYuen chạy theo ' luật rừng '",
        date=None,
    )
    left: list[tuple[StatRow, str]] = []
    assert [r.value_text for r in extract(doc, left) if r.value_text == "10"] == []
    assert [(r.value_text, reason) for r, reason in left] == [("10", "partners of another body")] * 2


def test_a_list_after_each_keeps_the_figure_per_unit():
    # 22509300 (the developer's judging of seed 83): 1.000 bins for each district, not in all.
    doc = _doc(
        "TP sẽ tổ chức lại hệ thống rác dân lập, đưa các đường dây rác dân lập vào các hợp tác xã để hoạt động và "
        "được quản lý bài bản hơn; có chính sách hỗ trợ cho người dân tham gia chương trình phân loại rác tại "
        "nguồn; mỗi quận, huyện sẽ được trang bị thêm 1.000 thùng rác mới.",
        place="Hồ Chí Minh",
    )
    left: list[tuple[StatRow, str]] = []
    assert extract(doc, left) == []
    assert [(r.value_text, reason) for r, reason in left] == [("1.000", "count per unit")]
