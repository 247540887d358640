"""Which cooperative, things named by their number, and place names that spell a measure word
(other wordings than the question sets)."""

from retrieval.guards import asks_price
from retrieval.questions import analyse
from tests.unit.test_answering_rules import _answers


def test_a_place_name_spells_no_measure():
    # "Gia Lai", "Lai Châu" hold "lai" (lãi, profit); "gia" is no price there.
    assert analyse("nha xe thuoc htx van tai an khe (gia lai) ban ve bao nhieu tien").asked == ()
    assert analyse("Tổ hợp tác ở Lai Châu được hỗ trợ bao nhiêu tiền?").asked == ()
    assert [m.name for m in analyse("Lãi bình quân của HTX ở Gia Lai là bao nhiêu?").asked] == ["profit"]
    assert not asks_price("htx o gia lai co bao nhieu thanh vien")
    assert asks_price("gia ca phe o gia lai bao nhieu")


def test_which_cooperative_is_answered_by_the_sentence_that_names_it(tmp_path):
    article = (
        "Xe khách chở quá tải bị xử phạt\n\n"
        "Trạm CSGT huyện Diễn Châu đã dừng một xe khách 45 chỗ chở 70 người trên quốc lộ 1. "
        "Tài xế Lê Văn Nam không xuất trình được phù hiệu xe. "
        "Trạm CSGT Diễn Châu đã lập biên bản và xử phạt tài xế 15 triệu đồng. "
        "Chủ xe là HTX vận tải Hòa Phát (Hà Tĩnh) cũng bị mời lên làm việc.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"xe.txt": article},
        ["Xe khách 45 chỗ bị CSGT Diễn Châu dừng vì chở quá tải là xe của hợp tác xã nào?"],
    )
    assert "Hòa Phát" in answer.text


def test_a_cooperative_named_by_its_number_names_a_body_and_another_number_is_another_thing(tmp_path):
    article = (
        "TP.HCM ngưng hai tuyến xe buýt vắng khách\n\n"
        "Sở GTVT TP.HCM cho biết sẽ ngưng hoạt động hai tuyến xe buýt có trợ giá từ tháng 5. "
        "Tuyến 71 trước nay do hợp tác xã Quyết Thắng khai thác, nhiều chuyến chỉ có vài khách. "
        "Tuyến số 42 (Chợ Lớn – Khu công nghiệp Tân Tạo) do Hợp tác xã Vận tải số 15 đảm nhận cũng vắng khách.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"buyt.txt": article},
        ["Tuyến buýt số 42 (Chợ Lớn – Tân Tạo) mà TP.HCM cho ngưng do hợp tác xã nào khai thác?"],
    )
    assert "số 15" in answer.text and "Quyết Thắng" not in answer.text


def test_two_bodies_compared_are_each_answered_with_the_places_said_with_them(tmp_path):
    question = (
        "Hai hợp tác xã cùng bị xử phạt: HTX Tân Tiến ở xã Hòa Long (TP Bà Rịa) và HTX Đại Thành ở huyện Mê Linh "
        "(Hà Nội). Mỗi HTX bị xử phạt mức bao nhiêu?"
    )
    first = (
        "Xưởng không phép ở Bà Rịa\n\n"
        "Cơ sở sản xuất của HTX Tân Tiến ở xã Hòa Long, TP Bà Rịa xây nhà xưởng không phép. "
        "UBND TP Bà Rịa đã xử phạt HTX Tân Tiến 45 triệu đồng và yêu cầu tháo dỡ.\n"
    )
    second = (
        "Xây dựng trái phép ở Mê Linh\n\n"
        "Thanh tra Sở Xây dựng Hà Nội đã xử phạt HTX Đại Thành (huyện Mê Linh) 60 triệu đồng vì xây dựng sai phép. "
        "HTX Đại Thành có 120 thành viên.\n"
    )
    (answer,) = _answers(tmp_path, {"a.txt": first, "b.txt": second}, [question])
    lines = answer.text.splitlines()
    tan_tien = next(line for line in lines if line.startswith("- HTX Tân Tiến"))
    dai_thanh = next(line for line in lines if line.startswith("- HTX Đại Thành"))
    assert "45 triệu" in tan_tien and "60 triệu" in dai_thanh


def test_the_year_a_body_was_founded_is_told_where_the_story_goes_elsewhere(tmp_path):
    article = (
        "Thanh niên khởi nghiệp ở Mù Căng Chải\n\n"
        "Anh Giàng A Dơ hiện là chủ nhiệm HTX Mông Sáng ở xã La Pán Tẩn, huyện Mù Căng Chải. "
        "Năm 2016, Dơ xuống tận Thái Nguyên học làm chè và về bản thành lập HTX, anh vay vốn mua máy sao chè. "
        "Nhiều thanh niên ở Mù Căng Chải đã học theo cách làm của Dơ.\n"
    )
    question = "chu nhiem htx mong sang o mu cang chai la ai, htx thanh lap nam nao"
    (answer,) = _answers(tmp_path, {"che.txt": article}, [question])
    assert "Giàng A Dơ" in answer.text and "2016" in answer.text


def test_an_article_mostly_about_the_commune_asked_answers_from_a_sentence_without_a_place(tmp_path):
    about = (
        "Giá bưởi rớt mạnh, nông dân lao đao\n\n"
        "Những ngày này, khi bưởi da xanh vào vụ thu hoạch rộ, nhiều nhà vườn vốn quen cảnh thương lái đến tận "
        "vườn đặt cọc từ sớm nay phải tự chở bưởi ra chợ, đứng bán suốt buổi mà không hết hàng, trong khi chi "
        "phí phân bón, thuốc bảo vệ thực vật và công chăm sóc vẫn tăng đều qua từng mùa, khiến không ít hộ đã "
        "tính đến chuyện chặt bỏ vườn để chuyển sang trồng cây khác. "
        "Ông Lê Văn Tư (xã Phước Lợi) có 2 ha bưởi da xanh. "
        "Ông Nguyễn Văn Bảy, giám đốc HTX bưởi Phước Lợi (xã Phước Lợi), cho biết thương lái đã ngưng mua. "
        "Thương lái nói thị trường phía Bắc đã chững lại. "
        "Năm nay mưa nhiều nên bưởi kém ngọt. "
        "Từ đỉnh 60.000 đồng một ký, giá bưởi rớt xuống còn 35.000 đồng cách đây một tháng và hiện chỉ còn "
        "18.000 đồng.\n"
    )
    elsewhere = (
        "Bưởi da xanh vào vụ\n\n"
        "Ở xã Tân Hòa, bưởi da xanh được giá. Xã Tân Hòa có 300 ha bưởi, xã Tân Hòa còn trồng thêm 50 ha. "
        "Một hộ ở xã Phước Lợi cũng trồng bưởi. Hiện giá bưởi tại vườn là 42.000 đồng một ký.\n"
    )
    asked = "Ở xã Phước Lợi (huyện Bến Lức), giá bưởi cách đây một tháng là bao nhiêu một ký?"
    (answer,) = _answers(tmp_path, {"a.txt": about, "b.txt": elsewhere}, [asked])
    assert "35.000" in answer.text and "42.000" not in answer.text


def test_what_a_named_body_sells_is_told_by_the_sentence_that_names_it(tmp_path):
    article = (
        "Phiên chợ nông sản sạch ở Hà Nội\n\n"
        "Gần 500 gian hàng với nhiều sản phẩm nông sản, đặc sản sạch của hàng trăm doanh nghiệp, HTX đã có mặt "
        "tại phiên chợ nông sản sạch ở quận Đống Đa, Hà Nội. "
        "Ngay từ sáng sớm, phiên chợ đã thu hút rất đông người dân đến mua sắm. "
        "HTX Đồng Xanh (Sơn La) mang đến mật ong rừng, trà thảo mộc và nấm linh chi.\n"
    )
    (answer,) = _answers(
        tmp_path,
        {"cho.txt": article},
        ["Ở phiên chợ nông sản sạch tại Hà Nội, gian hàng của HTX Đồng Xanh (Sơn La) bán sản phẩm gì?"],
    )
    assert "mật ong" in answer.text and "Gần 500" not in answer.text
