from retrieval.vietnamese import canonical_words, fold, has_diacritics, is_english, number_value, numbers, spelling


def test_fold_strips_diacritics_and_maps_d_bar():
    assert fold("Huyện Chợ Đồn") == "huyen cho don"
    assert fold("đường ĐT") == "duong dt"


def test_has_diacritics():
    assert has_diacritics("Chợ Đồn")
    assert has_diacritics("đ")
    assert not has_diacritics("cho don co bao nhieu htx")


def test_canonical_words_use_abbreviations():
    assert canonical_words("bao nhiêu hợp tác xã và tổ hợp tác") == ["bao", "nhieu", "htx", "va", "tht"]
    assert canonical_words("Liên hiệp hợp tác xã") == ["lhhtx"]
    assert canonical_words("kinh tế tập thể") == ["kttt"]


def test_numbers_are_read_the_vietnamese_way():
    assert numbers("có 1.750 tổ hợp tác, 3,24 tỷ đồng và 02 sản phẩm") == ["1.750", "3,24", "02"]
    assert number_value("1.750") == 1750
    assert number_value("81.378") == 81378
    assert number_value("3,24") == 3.24
    assert number_value("12,7") == 12.7
    assert number_value("02") == 2
    assert number_value("HTX") is None


def test_is_english():
    assert is_english("How many cooperatives are there in Cho Don district?")
    assert not is_english("cho don co bao nhieu hop tac xa")
    assert not is_english("Huyện Chợ Đồn có bao nhiêu HTX?")
    # Vietnamese names and terms inside an English question keep it English.
    assert is_english("How many cooperatives does Chợ Đồn district in Bắc Kạn have?")
    assert is_english("How many cooperative groups (tổ hợp tác) are there in Vietnam?")
    assert not is_english("Tỉnh Hòa Bình có bao nhiêu HTX đang hoạt động và doanh thu là bao nhiêu?")
    assert not is_english("HTX Tân Thành có bao nhiêu thành viên trong năm 2020?")


def test_spelling_keeps_tones_apart_but_not_their_placement():
    assert spelling("hoà") == spelling("hòa")
    assert spelling("thuỷ") == spelling("thủy")
    assert spelling("gia") != spelling("giả")
    assert spelling("tiên") != spelling("tiến")


def test_vn_is_written_out_so_that_it_matches_viet_nam():
    assert canonical_words("Liên minh HTX VN") == canonical_words("Liên minh HTX Việt Nam") == ["lmhtx", "viet", "nam"]
    assert canonical_words("5 tỷ VND") == ["5", "ty", "vnd"]


def test_an_english_question_full_of_vietnamese_names_is_english():
    # Names written without diacritics are most of the words; the English function words decide.
    assert is_english(
        "Tan Phu commune (Dinh Quan, Dong Nai) runs a pepper cooperative with its farmers: how many tonnes "
        "do they harvest now, and how many do they plan for?"
    )
    assert not is_english("htx o xa tan phu dinh quan dong nai thu hoach bao nhieu tan tieu")
