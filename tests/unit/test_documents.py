import gzip
import json
from pathlib import Path

from retrieval.chunking import chunk_document, split_sentences
from retrieval.documents import LoadNote, LoadProblem, discover, document_from_text, first_event_date, load_file
from tests.helpers.data import SEEDS

BOILERPLATE = (
    "Font size",
    "Decrease",
    "Increase",
    "TIN BÀI CÙNG CHUYÊN MỤC",
    "Translate",
    "Skip to content",
    "Thống kê truy cập",
    "Số người trực tuyến",
    "Bài trước",
    "Bài tiếp theo",
    "trích:",
    "dt 1812",
    "Bài viết mới",
)


def seed_documents():
    files, problems = discover([SEEDS])
    assert not problems
    return {d.id: d for f, _ in files for d in load_file(f)}


def test_seeds_are_cleaned_of_page_boilerplate_and_captions():
    docs = seed_documents()
    assert len(docs) == 5
    for doc in docs.values():
        for chunk in chunk_document(doc):
            for junk in BOILERPLATE:
                assert junk not in chunk.text, (doc.id, junk)
    # Photo captions glued to a sentence or standing alone are gone; the sentence before stays.
    text = docs["000_4dc8dd3662837aa8"].text
    assert "Liên minh HTX tỉnh." in text
    assert "tỉnh.Đồng chí" not in text
    assert "thăm nắm tình hình sản xuất kinh doanh tại Hợp tác xã Kiên Anh" not in text
    assert "Các nữ doanh nhân của huyện" not in docs["002_91a2d2410e5d0829"].text


def test_an_abbreviation_glued_to_a_capital_is_no_caption_cut():
    body = (
        "Giá thịt lợn đã tăng nhẹ. Ảnh: Kh.V Đến ngày 12.7, giá lợn hơi ở Ninh Bình đã tăng. Người dân "
        "X.Phong Chương (H.Phong Điền) gia cố đê; TP.HCM, Bình Dương, Đồng Nai là thủ phủ nuôi cá sấu, "
        "và trong trại của tôi vẫn còn 15 nghìn lợn thịt, anh nói thêm rằng giá có thể còn tăng"
    )
    text = document_from_text("x", "Tiêu đề bài viết\n" + body).text
    assert "15 nghìn lợn thịt" in text
    glued = document_from_text(
        "y", "Tiêu đề\nHội nghị tổng kết của Liên minh HTX tỉnh.Đồng chí Chủ tịch phát biểu"
    ).text
    assert "Đồng chí" not in glued


def test_seed_metadata_is_read_from_the_texts():
    docs = seed_documents()
    assert docs["001_1a9eb9ec0dc31760"].paper == "Báo Hòa Bình"
    assert docs["003_2a45a5a69fef1ce9"].paper == "Báo Lạng Sơn"
    assert docs["003_2a45a5a69fef1ce9"].date == "2017-07-27"
    assert docs["002_91a2d2410e5d0829"].date is None
    assert docs["004_5640f695d0261ed6"].place is None
    assert docs["004_5640f695d0261ed6"].date == "2022-02-12"
    assert docs["003_2a45a5a69fef1ce9"].title == "Bám sát các hợp tác xã để đánh giá hiệu quả"


def test_dates_without_metadata():
    header = document_from_text("x", "Tiêu đề\nNgày: 12/02/2022\nSáng 12 tháng 01 năm 2022, hội nghị diễn ra.")
    assert (header.date, header.date_source) == ("2022-02-12", "header")
    weekday = document_from_text("x", "Thứ hai,  27/09/2021\nTiêu đề bài\nNội dung bài viết dài.")
    assert weekday.date == "2021-09-27" and weekday.title == "Tiêu đề bài"
    # The date of a cited decision is not the article's date; the event's date is.
    assert (
        first_event_date(
            "Thực hiện Kế hoạch số 681/KH-BCĐ ngày 12 tháng 11 năm 2021. Chiều ngày 18/11/2021, đoàn công tác làm việc."
        )
        == "2021-11-18"
    )
    none = document_from_text("x", (SEEDS / "002_91a2d2410e5d0829.txt").read_text(encoding="utf-8"))
    assert none.date is None and none.date_source == "none"


def test_sentences_keep_statistics_whole():
    sentences = split_sentences(
        "Đến hết tháng 6/2017, toàn tỉnh có 1 Liên hiệp HTX, 153 HTX, 1.750 tổ hợp tác. "
        "Tổng số thành viên của HTX là 2.273 thành viên; tổng số lao động 3.965 lao động."
    )
    assert sentences[0] == "Đến hết tháng 6/2017, toàn tỉnh có 1 Liên hiệp HTX, 153 HTX, 1.750 tổ hợp tác."
    assert len(sentences) == 2


def test_chunks_have_stable_ids_and_hashes():
    doc = seed_documents()["001_1a9eb9ec0dc31760"]
    first, second = chunk_document(doc, 400), chunk_document(doc, 400)
    assert [c.id for c in first] == [f"{doc.id}#{n}" for n in range(len(first))]
    assert [c.hash for c in first] == [c.hash for c in second]
    assert all(len(c.text) <= 600 for c in first)
    assert all(doc.title in c.context and "Hòa Bình" in c.context for c in first)
    # Every sentence of the document is in exactly one chunk.
    joined = " ".join(c.text for c in first)
    for sentence in split_sentences(doc.text.split("\n")[2]):
        assert sentence in joined


def test_html_jsonl_and_bad_files(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>HTX Ba Bể</title></head><body><nav>Trang chủ | Tin tức</nav><article>"
        "<h1>Ba Bể phát triển hợp tác xã</h1><p>Đến hết năm 2021, huyện Ba Bể có 30 hợp tác xã với 500 thành "
        "viên, doanh thu bình quân đạt 1 tỷ đồng mỗi hợp tác xã trong năm.</p><p>Các hợp tác xã tiếp tục mở "
        "rộng sản xuất, liên kết tiêu thụ sản phẩm cho người dân địa phương.</p></article>"
        "<footer>Bản quyền thuộc về báo</footer></body></html>",
        encoding="utf-8",
    )
    with gzip.open(tmp_path / "news.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(
            json.dumps(
                {
                    "id": "n1",
                    "title": "Tin một",
                    "body": "Nội dung tin một.",
                    "crawl_date": "2017-05-08",
                    "url": "http://example.org/1",
                },
                ensure_ascii=False,
            )
            + "\n"
        )
        fh.write(json.dumps({"id": "n2", "title": "Không có nội dung"}) + "\n")
    (tmp_path / "latin1.txt").write_bytes("Hợp tác xã".encode("utf-16"))
    files, problems = discover([tmp_path, tmp_path / "missing.txt"])
    assert problems == [LoadProblem(str(tmp_path / "missing.txt"), "no such file or folder")]
    items = [item for f, _ in files for item in load_file(f) if not isinstance(item, LoadNote)]
    docs = {i.id: i for i in items if not isinstance(i, LoadProblem)}
    bad = [i for i in items if isinstance(i, LoadProblem)]
    assert "30 hợp tác xã" in docs["page"].text
    assert "Bản quyền" not in docs["page"].text and "Trang chủ" not in docs["page"].text
    assert docs["n1"].date == "2017-05-08" and docs["n1"].date_source == "crawl_date"
    assert docs["n1"].url == "http://example.org/1"
    assert {Path(b.path.split(":")[0]).name for b in bad} == {"news.jsonl.gz", "latin1.txt"}
    assert any("not UTF-8" in b.reason for b in bad)


def test_an_abbreviation_in_brackets_does_not_end_a_sentence():
    assert split_sentences("HTX mây tre An Khê (Q. Thanh Khê) vẫn vững vàng. Ông Tượng cho hay.") == [
        "HTX mây tre An Khê (Q. Thanh Khê) vẫn vững vàng.",
        "Ông Tượng cho hay.",
    ]


def test_a_sentence_ends_only_before_a_capital_accented_or_not():
    # "đ", "ơ", "ạ" lie inside Python's range À-Ỹ: lowercase words after an abbreviation's dot
    # ("Saigon Co. op", "5 đ. đây") do not start a sentence; "Đây", "Ông" do.
    assert split_sentences("Giá là 5 đ. đây là mức cũ. Đây là mức mới. Ông Ba đồng ý.") == [
        "Giá là 5 đ. đây là mức cũ.",
        "Đây là mức mới.",
        "Ông Ba đồng ý.",
    ]


def test_a_quotation_opened_with_a_spaced_mark_starts_a_sentence():
    # Scraped pages write quotation marks apart from the words: 'thêm. " Để đầu tư …'.
    assert split_sentences('Năm sau sẽ trồng thêm. " Để đầu tư thì cần 70 triệu đồng / ha ", anh nói.') == [
        "Năm sau sẽ trồng thêm.",
        '" Để đầu tư thì cần 70 triệu đồng / ha ", anh nói.',
    ]


def test_a_list_item_after_a_full_stop_starts_a_sentence():
    # "… là 10 ha. b) Công trình …": the item letter is lowercase, the sentence still ends.
    assert split_sentences(
        "Phải đạt 50 ha; riêng công trình cấp nước là 10 ha. b) Đường nội đồng: 50 ha. c) Khác."
    ) == [
        "Phải đạt 50 ha; riêng công trình cấp nước là 10 ha.",
        "b) Đường nội đồng: 50 ha.",
        "c) Khác.",
    ]
    assert split_sentences("Ông A. b) là chữ cái.") == ["Ông A.", "b) là chữ cái."]
