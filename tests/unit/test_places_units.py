"""Place hierarchy and the 2025 merger, over the real vietnamadminunits data (no mocks)."""

import time

import pytest

from retrieval.places import (
    Place,
    current_province,
    find_places,
    gazetteer_places,
    legacy_provinces,
    relation_note,
    situate,
    within,
)
from retrieval.units import admin_map


def one(text):
    [place] = [p for p in find_places(text) if not p.qualifier]
    return place


def found(text):
    return [(p.key, p.kind, p.parent) for p in find_places(text)]


BAC_KAN = Place("bac kan", "Bắc Kạn", "province")
BAC_KAN_BARE = Place("bac kan", "Bắc Kạn", None)
BAC_KAN_CITY = Place("bac kan", "Bắc Kạn", "city", parent="bac kan")
THAI_NGUYEN = Place("thai nguyen", "Thái Nguyên", "province")
THAI_NGUYEN_OLD = Place("thai nguyen", "Thái Nguyên", "province", former=True)
THAI_NGUYEN_CITY = Place("thai nguyen", "Thái Nguyên", "city", parent="thai nguyen")
CHO_DON = Place("cho don", "Chợ Đồn", "district", parent="bac kan")
DAI_TU = Place("dai tu", "Đại Từ", "district", parent="thai nguyen")
LANG_SON = Place("lang son", "Lạng Sơn", "province")
CAO_LOC = Place("cao loc", "Cao Lộc", "district", parent="lang son")
CHAU_THANH = Place("chau thanh", "Châu Thành", "district")
CHAU_THANH_TG = Place("chau thanh", "Châu Thành", "district", parent="tien giang")
CHAU_THANH_BT = Place("chau thanh", "Châu Thành", "district", parent="ben tre")
TIEN_GIANG = Place("tien giang", "Tiền Giang", "province")
DONG_THAP = Place("dong thap", "Đồng Tháp", "province")


def test_old_constructor_and_api_still_work():
    place = Place("cho don", "Chợ Đồn", "district")
    assert (place.parent, place.new_unit, place.former, place.qualifier) == (None, False, False, False)
    assert place.label() == "huyện Chợ Đồn"
    assert place.compatible(Place("cho don", "Chợ Đồn", None))
    assert not place.compatible(Place("cho don", "Chợ Đồn", "province"))


def test_labels_use_the_unit_word_the_gazetteer_gives():
    assert Place("ba dinh", "Ba Đình", "district").label() == "quận Ba Đình"
    assert Place("son tay", "Sơn Tây", "district", parent="ha noi").label() == "thị xã Sơn Tây"
    assert Place("ha noi", "Hà Nội", "province").label() == "thành phố Hà Nội"
    assert BAC_KAN_CITY.label() == "thành phố Bắc Kạn"
    assert CHAU_THANH.label() == "huyện Châu Thành"


def test_a_unique_district_gets_its_province_from_the_gazetteer():
    assert found("Huyện Chợ Đồn có bao nhiêu HTX?") == [("cho don", "district", "bac kan")]
    assert found("cho don co bao nhieu hop tac xa") == [("cho don", None, "bac kan")]


@pytest.mark.parametrize(
    "text",
    [
        "Huyện Châu Thành, tỉnh Tiền Giang có bao nhiêu HTX?",
        "Huyện Châu Thành (Tiền Giang) có bao nhiêu HTX?",
        "huyện Châu Thành - Tiền Giang có bao nhiêu HTX?",
        "huyen chau thanh tinh tien giang co bao nhieu htx",
        "Chau Thanh district, Tien Giang province: how many cooperatives?",
        "Huyện Châu Thành thuộc tỉnh Tiền Giang có bao nhiêu HTX?",
        "Trên địa bàn tỉnh Tiền Giang, huyện Châu Thành có 20 HTX.",
    ],
)
def test_an_ambiguous_district_takes_the_province_the_text_names(text):
    district = one(text) if "địa bàn" not in text else find_places(text)[1]
    assert (district.key, district.parent) == ("chau thanh", "tien giang")


def test_an_ambiguous_district_without_a_province_has_no_parent():
    assert found("Huyện Châu Thành có bao nhiêu HTX?") == [("chau thanh", "district", None)]
    # Named in Bến Tre, Tiền Giang, An Giang...: the gazetteer alone cannot tell.
    assert len({d.province for d in admin_map().districts["chau thanh"]}) > 5


def test_the_qualifying_province_is_kept_but_flagged():
    places = find_places("Huyện Chợ Đồn (tỉnh Bắc Kạn) có bao nhiêu HTX?")
    assert [(p.key, p.kind, p.parent, p.qualifier) for p in places] == [
        ("cho don", "district", "bac kan", False),
        ("bac kan", "province", None, True),
    ]
    # Named for itself elsewhere in the text, the province is not a mere qualifier.
    places = find_places("Tỉnh Bắc Kạn có 458 HTX, huyện Chợ Đồn, Bắc Kạn có 42 HTX")
    assert [(p.key, p.qualifier) for p in places] == [("bac kan", False), ("cho don", False)]


def test_a_list_of_places_is_not_read_as_a_qualifier():
    places = find_places("So sánh Chợ Đồn, Bắc Kạn và Na Rì")
    assert [(p.key, p.qualifier) for p in places] == [("cho don", False), ("bac kan", False), ("na ri", False)]


def test_a_2025_province_qualifies_a_district_of_a_province_merged_into_it():
    assert one("huyện Chợ Đồn, tỉnh Thái Nguyên").parent == "bac kan"


def test_a_province_that_does_not_hold_the_district_is_no_qualifier():
    places = find_places("huyện Chợ Đồn, tỉnh Lạng Sơn")
    assert [(p.key, p.parent, p.qualifier) for p in places] == [
        ("cho don", "bac kan", False),
        ("lang son", None, False),
    ]


def test_a_district_merged_away_before_2025_keeps_the_province_written_after_it():
    # Kỳ Sơn of Hòa Bình joined Hòa Bình city in 2020; the gazetteer knows only Nghệ An's.
    assert [(p.key, p.parent, p.qualifier) for p in find_places("huyện Kỳ Sơn (Hòa Bình) và tỉnh Phú Thọ")] == [
        ("ky son", "hoa binh", False),
        ("hoa binh", None, True),
        ("phu tho", None, False),
    ]
    assert one("huyện Kỳ Sơn (Nghệ An)").parent == "nghe an"


@pytest.mark.parametrize("text", ["Đợt hồ Hòa Bình xả lũ", "cá lồng trên sông Đà Nẵng", "cầu Thăng Long"])
def test_a_lake_river_or_bridge_named_after_a_place_is_not_the_place(text):
    assert find_places(text) == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TP Thái Nguyên có bao nhiêu HTX?", ("thai nguyen", "city")),
        ("TP.Thái Nguyên có bao nhiêu HTX?", ("thai nguyen", "city")),
        ("Tp. Bắc Kạn có bao nhiêu HTX?", ("bac kan", "city")),
        ("thị xã Sơn Tây có bao nhiêu HTX?", ("son tay", "district")),
        ("TX. Sơn Tây có bao nhiêu HTX?", ("son tay", "district")),
        ("H.Chợ Đồn có bao nhiêu HTX?", ("cho don", "district")),
        ("Nông dân H. Thới Lai lo lắng", ("thoi lai", "district")),
        ("TP.HCM có bao nhiêu HTX vận tải?", ("ho chi minh", "province")),
        ("thanh pho thai nguyen co bao nhieu htx", ("thai nguyen", "city")),
        ("ba be co bao nhieu htx", ("ba be", None)),
        ("How many cooperatives are there in Cho Don district?", ("cho don", "district")),
        ("How many cooperatives does Thai Nguyen province have?", ("thai nguyen", "province")),
        ("How many cooperatives does Bac Kan city have?", ("bac kan", "city")),
        ("tỉnh Thái Nguyên cũ có bao nhiêu HTX?", ("thai nguyen", "province")),
    ],
)
def test_written_forms(text, expected):
    place = one(text)
    assert (place.key, place.kind) == expected


def test_former_marks_the_old_unit():
    assert one("tỉnh Thái Nguyên cũ có bao nhiêu HTX?").former
    assert not one("tỉnh Thái Nguyên có bao nhiêu HTX?").former


def test_names_that_fold_alike_keep_their_own_spelling():
    assert found("Huyện Thạnh Trị (Sóc Trăng) có bao nhiêu HTX?")[0] == ("thanh tri", "district", "soc trang")
    assert one("Huyện Thạnh Trị (Sóc Trăng) có bao nhiêu HTX?").name == "Thạnh Trị"
    assert one("Huyện Thanh Trì có bao nhiêu HTX?").name == "Thanh Trì"
    assert one("Huyện Cai Lậy có bao nhiêu HTX?").parent == "tien giang"  # "Cai Lậy (Huyện)" in the data


def test_a_lowercase_h_is_not_read_as_huyen():
    assert found("lúc 8 h. chợ đồn") == []


@pytest.mark.parametrize(
    "text",
    [
        "HTX Tân Thành cũng chủ động ký kết",
        "Hợp tác xã Chợ Đồn có 20 thành viên",
        "hop tac xa cho don co 20 thanh vien",
        "Công ty Tân Thành",
    ],
)
def test_an_organisation_is_not_a_place(text):
    assert find_places(text) == []


def test_a_2025_commune_named_after_its_old_district_is_read_as_that_district():
    for text in (
        "Xã Chợ Đồn có bao nhiêu HTX?",
        "xa cho don co bao nhieu htx",
        "How many cooperatives in Cho Don commune?",
    ):
        place = one(text)
        assert (place.key, place.kind, place.parent, place.new_unit) == ("cho don", "district", "bac kan", True)
        assert within(place, CHO_DON) and within(CHO_DON, place)
    # phường Bắc Kạn was formed from thành phố Bắc Kạn.
    place = one("Phường Bắc Kạn có bao nhiêu HTX?")
    assert (place.key, place.kind, place.parent, place.new_unit) == ("bac kan", "city", "bac kan", True)


def test_communes_that_cannot_be_read_as_old_districts_are_skipped():
    # Ba Vì was also a pre-2025 commune: an old article's "xã Ba Vì" is that commune, not the district.
    assert find_places("Xã Ba Vì có 3 HTX") == []
    # The 2025 xã Mường Chà was formed from huyện Nậm Pồ, not from huyện Mường Chà.
    assert find_places("Xã Mường Chà có 3 HTX") == []
    # A thị trấn is always a pre-2025 unit.
    assert find_places("Thị trấn Chợ Đồn có 3 HTX") == []


WITHIN = [
    # (inner, outer, expected)
    (CHO_DON, CHO_DON, True),
    (CHO_DON, BAC_KAN, True),
    (CHO_DON, BAC_KAN_BARE, True),
    (BAC_KAN_CITY, BAC_KAN, True),
    (BAC_KAN, BAC_KAN, True),
    (BAC_KAN, CHO_DON, False),  # a province is never within one of its districts
    (BAC_KAN, BAC_KAN_CITY, False),
    (BAC_KAN_BARE, BAC_KAN_CITY, False),  # a bare province name is the province
    (BAC_KAN, THAI_NGUYEN, True),  # merged into Thái Nguyên on 1 July 2025
    (CHO_DON, THAI_NGUYEN, True),
    (BAC_KAN_CITY, THAI_NGUYEN, True),
    (THAI_NGUYEN, BAC_KAN, False),
    (THAI_NGUYEN, THAI_NGUYEN, True),
    (THAI_NGUYEN_CITY, THAI_NGUYEN, True),
    (THAI_NGUYEN, THAI_NGUYEN_CITY, False),
    (DAI_TU, THAI_NGUYEN, True),
    (DAI_TU, BAC_KAN, False),
    (BAC_KAN, THAI_NGUYEN_OLD, False),  # "tỉnh Thái Nguyên cũ" is the old province only
    (CHO_DON, THAI_NGUYEN_OLD, False),
    (DAI_TU, THAI_NGUYEN_OLD, True),
    (THAI_NGUYEN, THAI_NGUYEN_OLD, True),  # an article's "tỉnh Thái Nguyên" is the old one
    (THAI_NGUYEN_OLD, THAI_NGUYEN, True),
    (LANG_SON, LANG_SON, True),
    (CAO_LOC, LANG_SON, True),
    (CAO_LOC, THAI_NGUYEN, False),
    (CHO_DON, LANG_SON, False),
    (CHAU_THANH_TG, CHAU_THANH_BT, False),  # same name, another province
    (CHAU_THANH_TG, CHAU_THANH, True),
    (CHAU_THANH, CHAU_THANH_TG, False),  # could be any Châu Thành
    (CHAU_THANH, CHAU_THANH, True),
    (CHAU_THANH_TG, TIEN_GIANG, True),
    (CHAU_THANH_BT, TIEN_GIANG, False),
    (CHAU_THANH, TIEN_GIANG, False),
    (CHAU_THANH_TG, DONG_THAP, True),  # Tiền Giang merged into Đồng Tháp
    (TIEN_GIANG, DONG_THAP, True),
    (DONG_THAP, TIEN_GIANG, False),
    (Place("hoa binh", "Hòa Bình", "province"), Place("phu tho", "Phú Thọ", "province"), True),
    (Place("vinh phuc", "Vĩnh Phúc", None), Place("phu tho", "Phú Thọ", None), True),
    (Place("binh duong", "Bình Dương", "province"), Place("ho chi minh", "Hồ Chí Minh", "province"), True),
    (Place("tan thanh", "Tân Thành", "commune"), BAC_KAN, False),  # a unit the gazetteer does not know
    (Place("cao lanh", "Cao Lãnh", "district"), Place("cao lanh", "Cao Lãnh", "city"), False),
    (Place("cao lanh", "Cao Lãnh", "city"), Place("dong thap", "Đồng Tháp", "province"), True),
]


@pytest.mark.parametrize("inner, outer, expected", WITHIN, ids=[f"{i.label()}|{o.label()}" for i, o, _ in WITHIN])
def test_within(inner, outer, expected):
    assert within(inner, outer) is expected


def test_within_on_found_places():
    question = one("Tỉnh Thái Nguyên có bao nhiêu HTX?")
    assert within(one("Huyện Chợ Đồn có 42 HTX"), question)
    assert within(one("Toàn tỉnh Bắc Kạn có 458 HTX"), question)
    assert not within(one("Huyện Cao Lộc có 30 HTX"), question)
    assert not within(one("Huyện Châu Thành có 20 HTX"), one("huyện Châu Thành (Bến Tre) có bao nhiêu HTX?"))


def test_situate_takes_the_province_from_the_context():
    assert situate(CHAU_THANH, [TIEN_GIANG]).parent == "tien giang"
    assert situate(CHAU_THANH, [TIEN_GIANG, Place("ben tre", "Bến Tre", None)]).parent is None
    assert situate(CHAU_THANH, [LANG_SON]).parent is None
    assert situate(CHO_DON, [LANG_SON]) == CHO_DON
    assert situate(BAC_KAN, [THAI_NGUYEN]) == BAC_KAN


@pytest.mark.parametrize(
    "place, expected",
    [
        (BAC_KAN, "Thái Nguyên"),
        (BAC_KAN_BARE, "Thái Nguyên"),
        (CHO_DON, "Thái Nguyên"),
        (Place("hoa binh", "Hòa Bình", None), "Phú Thọ"),
        (LANG_SON, "Lạng Sơn"),
        (THAI_NGUYEN, "Thái Nguyên"),
        (CAO_LOC, "Lạng Sơn"),
        (CHAU_THANH_TG, "Đồng Tháp"),
        (CHAU_THANH, None),
        (Place("ba ria vung tau", "Bà Rịa - Vũng Tàu", "province"), "Hồ Chí Minh"),
        (Place("tan thanh", "Tân Thành", "commune"), None),
        (Place("xyz", "Xyz", None), None),
    ],
)
def test_current_province(place, expected):
    assert current_province(place) == expected


def test_legacy_provinces():
    assert legacy_provinces("Thái Nguyên") == ["Thái Nguyên", "Bắc Kạn"]
    assert legacy_provinces("thai nguyen") == ["Thái Nguyên", "Bắc Kạn"]
    assert legacy_provinces("tỉnh Ninh Bình") == ["Ninh Bình", "Hà Nam", "Nam Định"]
    assert legacy_provinces("Hồ Chí Minh") == ["Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"]
    assert legacy_provinces("Lạng Sơn") == ["Lạng Sơn"]
    assert legacy_provinces("Bắc Kạn") == []  # not a 2025 province
    assert legacy_provinces("Atlantis") == []


def test_the_2025_map_has_34_provinces_made_of_the_63_old_ones():
    units = admin_map()
    assert len(units.provinces_2025) == 34 and len(units.provinces) == 63
    merged = [k for p in units.provinces_2025.values() for k in p.legacy]
    assert sorted(merged) == sorted(units.provinces)
    assert all(units.provinces_2025[p.successor].legacy.count(p.key) == 1 for p in units.provinces.values())


@pytest.mark.parametrize(
    "place, vi, en",
    [
        (
            BAC_KAN,
            "Bắc Kạn — từ 1/7/2025 thuộc tỉnh Thái Nguyên",
            "Bac Kan — part of Thai Nguyen province since 1 July 2025",
        ),
        (
            CHO_DON,
            "huyện Chợ Đồn (tỉnh Bắc Kạn cũ) — từ 1/7/2025 thuộc tỉnh Thái Nguyên",
            "Cho Don district (former Bac Kan province) — part of Thai Nguyen province since 1 July 2025",
        ),
        (
            Place("hoa binh", "Hòa Bình", None),
            "Hòa Bình — từ 1/7/2025 thuộc tỉnh Phú Thọ",
            "Hoa Binh — part of Phu Tho province since 1 July 2025",
        ),
        (
            THAI_NGUYEN,
            "Thái Nguyên — từ 1/7/2025 tỉnh Thái Nguyên gồm cả tỉnh Bắc Kạn cũ",
            "Thai Nguyen — since 1 July 2025 Thai Nguyen province also includes former Bac Kan province",
        ),
        (
            THAI_NGUYEN_OLD,
            "tỉnh Thái Nguyên cũ — từ 1/7/2025 thuộc tỉnh Thái Nguyên mới (gồm cả tỉnh Bắc Kạn)",
            "former Thai Nguyen province — part of the new Thai Nguyen province (with former Bac Kan province) "
            "since 1 July 2025",
        ),
        (
            Place("binh duong", "Bình Dương", "province"),
            "Bình Dương — từ 1/7/2025 thuộc thành phố Hồ Chí Minh",
            "Binh Duong — part of Ho Chi Minh City since 1 July 2025",
        ),
        (
            CAO_LOC,
            "huyện Cao Lộc (tỉnh Lạng Sơn) — từ 1/7/2025 không còn cấp huyện",
            "Cao Loc district (Lang Son province) — districts were abolished on 1 July 2025",
        ),
        (
            Place("ba dinh", "Ba Đình", "district"),
            "quận Ba Đình (thành phố Hà Nội) — từ 1/7/2025 không còn cấp huyện",
            "Ba Dinh urban district (Ha Noi City) — districts were abolished on 1 July 2025",
        ),
        (
            CHAU_THANH,
            "huyện Châu Thành — từ 1/7/2025 không còn cấp huyện",
            "Chau Thanh district — districts were abolished on 1 July 2025",
        ),
        (
            CHAU_THANH_TG,
            "huyện Châu Thành (tỉnh Tiền Giang cũ) — từ 1/7/2025 thuộc tỉnh Đồng Tháp",
            "Chau Thanh district (former Tien Giang province) — part of Dong Thap province since 1 July 2025",
        ),
    ],
)
def test_relation_note(place, vi, en):
    assert relation_note(place) == vi
    assert relation_note(place, "en") == en


def test_relation_note_for_a_new_commune_and_unchanged_or_unknown_units():
    commune = one("Xã Chợ Đồn có bao nhiêu HTX?")
    assert (
        relation_note(commune)
        == "xã Chợ Đồn (tỉnh Thái Nguyên, từ 1/7/2025) — trên địa bàn huyện Chợ Đồn cũ (tỉnh Bắc Kạn)"
    )
    assert (
        relation_note(commune, "en")
        == "Cho Don commune (Thai Nguyen province since 1 July 2025) — within former Cho Don district, Bac Kan province"
    )
    for unchanged in (LANG_SON, Place("ha noi", "Hà Nội", None), Place("nghe an", "Nghệ An", "province")):
        assert relation_note(unchanged) is None and relation_note(unchanged, "en") is None
    assert relation_note(Place("tan thanh", "Tân Thành", "commune")) is None
    with pytest.raises(ValueError, match="'vi' or 'en'"):
        relation_note(BAC_KAN, "fr")


def test_every_merged_province_has_a_note_and_every_unchanged_one_none():
    units = admin_map()
    for province in units.provinces.values():
        changed = units.provinces_2025[province.successor].legacy != (province.key,)
        note = relation_note(Place(province.key, province.name, "province"))
        assert (note is not None) is changed, province.name


def test_gazetteer_places_lists_every_old_province_and_district_with_its_parent():
    places = gazetteer_places()
    provinces = [p for p in places if p.kind == "province"]
    districts = [p for p in places if p.kind != "province"]
    # 696 district-level units; huyện and thị xã Kỳ Anh, Cai Lậy, Duyên Hải, Long Mỹ are one Place each.
    assert len(provinces) == 63 and len(districts) == 692
    assert Place("cai lay", "Cai Lậy", "district", parent="tien giang") in places
    assert Place("cao lanh", "Cao Lãnh", "city", parent="dong thap") in places
    assert all(p.parent for p in districts) and all(p.parent is None for p in provinces)
    assert CHO_DON in places and Place("ba be", "Ba Bể", "district", parent="bac kan") in places
    assert len([p for p in districts if p.key == "chau thanh"]) > 5
    for place in districts:
        assert within(place, Place(place.parent, "", "province")), place
        assert current_province(place) is not None, place
        assert relation_note(place) and relation_note(place, "en"), place


def test_two_syllable_districts_are_found_with_their_province():
    # The property another test builds on: each district asked about with its province is found as itself.
    for place in gazetteer_places():
        if place.kind == "province" or len(place.key.split()) < 2:
            continue
        province = admin_map().provinces[place.parent]
        question = f"{place.label()} ({province.name}) có bao nhiêu HTX?"
        found_here = [p for p in find_places(question) if not p.qualifier]
        assert found_here and found_here[0].key == place.key and found_here[0].parent == place.parent, place


def test_loading_is_fast_and_finding_is_cheap():
    from retrieval.units import admin_map as fresh

    fresh.cache_clear()
    start = time.perf_counter()
    fresh()
    assert time.perf_counter() - start < 1.0
    from retrieval.places import gazetteer

    sentence = "Đến hết tháng 6/2017, huyện Chợ Đồn (tỉnh Bắc Kạn) có 42 HTX, thành phố Bắc Kạn có 20 HTX"
    gazetteer().find(sentence)
    start = time.perf_counter()
    for _ in range(200):
        gazetteer().find(sentence)
    assert (time.perf_counter() - start) / 200 < 0.005


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Vùng ĐBSCL và Đông Nam Bộ có bao nhiêu tổ hợp tác?", ["vùng Đồng bằng sông Cửu Long và Đông Nam Bộ"]),
        (
            "vùng Đồng bằng sông Cửu Long (ĐBSCL) và Đông Nam bộ nói riêng",
            ["vùng Đồng bằng sông Cửu Long và Đông Nam Bộ"],
        ),
        ("vung dbscl va dong nam bo co bao nhieu htx", ["vùng Đồng bằng sông Cửu Long và Đông Nam Bộ"]),
        ("cooperatives in the Mekong Delta and Southeast region", ["vùng Đồng bằng sông Cửu Long và Đông Nam Bộ"]),
        (
            "Tây Nguyên - duyên hải Nam Trung Bộ hay ĐBSCL - Đông Nam Bộ",
            ["vùng Tây Nguyên và duyên hải Nam Trung Bộ", "vùng Đồng bằng sông Cửu Long và Đông Nam Bộ"],
        ),
        ("ĐBSCL, Tây Nguyên và Đông Nam Bộ", ["vùng Đồng bằng sông Cửu Long", "vùng Tây Nguyên", "vùng Đông Nam Bộ"]),
        ("toàn vùng trung du và miền núi phía Bắc có 908 HTX", ["vùng Trung du và miền núi phía Bắc"]),
    ],
)
def test_regions_are_places_and_a_pair_written_together_is_one(text, expected):
    assert [p.label() for p in find_places(text)] == expected


def test_a_province_or_another_region_never_answers_for_a_region():
    from retrieval.selection import place_ok

    (region,) = find_places("vùng Tây Nguyên")
    (pair,) = find_places("vùng Tây Nguyên và duyên hải Nam Trung Bộ")
    (province,) = find_places("tỉnh Lâm Đồng")
    assert place_ok(region, [region])
    assert not place_ok(region, [province])
    assert not place_ok(province, [region])
    assert not place_ok(region, [pair])  # the pair's figure is not Tây Nguyên's alone
    assert not place_ok(pair, [region])


@pytest.mark.parametrize(
    "text", ["tp hcm co bao nhieu htx", "TP.HCM có", "Tp. HCM", "tphcm", "HCMC has 173 cooperatives"]
)
def test_every_spelling_of_hcm_city_is_the_city(text):
    assert [p.key for p in find_places(text)] == ["ho chi minh"]


@pytest.mark.parametrize(
    "text, keys",
    [
        ("ông Phạm Thái Bình, Giám đốc HTX, cho biết", []),  # a person's name holds a province's
        ("bà Lê Thị Hà Nam phát biểu", []),
        ("anh Nguyễn Văn Long An nói", []),
        ("Phó Chủ tịch UBND tỉnh Thái Bình phát biểu", ["thai binh"]),
        ("Thái Bình có 300 HTX", ["thai binh"]),
        ("Chủ tịch Liên minh HTX Thái Bình cho biết", ["thai binh"]),  # the province's alliance
        ("HTX Tân Thành có 40 thành viên", []),  # a cooperative's name
    ],
)
def test_names_of_people_and_bodies_are_not_places(text, keys):
    assert [p.key for p in find_places(text)] == keys


def test_each_place_of_a_text_comes_with_the_characters_that_name_it():
    from retrieval.places import place_mentions

    text, mentions = place_mentions(
        "Tây Nguyên - duyên hải Nam Trung Bộ hay ĐBSCL - Đông Nam Bộ, huyện Chợ Đồn (Bắc Kạn)?"
    )
    assert [(p.name, text[a:b]) for p, a, b in mentions] == [
        ("Tây Nguyên và duyên hải Nam Trung Bộ", "Tây Nguyên - duyên hải Nam Trung Bộ"),
        ("Đồng bằng sông Cửu Long và Đông Nam Bộ", "ĐBSCL - Đông Nam Bộ"),
        ("Chợ Đồn", "huyện Chợ Đồn"),
        ("Bắc Kạn", "Bắc Kạn"),
    ]


def test_the_second_of_two_cooperatives_named_together_is_no_place():
    assert [p.name for p in find_places("Hai HTX Phước An và Phú Lộc làm thí điểm ở TP.HCM")] == ["Hồ Chí Minh"]
    assert [p.name for p in find_places("So sánh HTX ở Chợ Đồn và Ba Bể")] == ["Chợ Đồn", "Ba Bể"]


def test_a_district_typed_without_diacritics_is_a_place_when_its_own_province_follows():
    found = find_places("Tan Phu commune (Dinh Quan, Dong Nai) grows pepper")
    assert [(p.name, p.parent) for p in found][:1] == [("Định Quán", "dong nai")]
    # Without a cue before it and without its province after it, a phrase is no district.
    assert find_places("tiep can duoc nhieu von vay") == []
    # Cần Đước lies in Long An: Đồng Nai after it does not make "can duoc" a district.
    assert [p.name for p in find_places("tiep can duoc Dong Nai ho tro")] == ["Đồng Nai"]
    assert [p.name for p in find_places("tiep can duoc Long An ho tro")][:1] == ["Cần Đước"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("tỉnh Thanh Hoá", "Thanh Hóa"),
        ("quận Bình Thuỷ (TP Cần Thơ)", "Bình Thủy"),
        ("tỉnh Khánh Hòa", "Khánh Hòa"),
    ],
)
def test_either_tone_placement_names_the_place(text, expected):
    assert find_places(text)[0].name == expected


def test_a_place_in_brackets_after_a_cooperative_is_where_it_lies_not_part_of_its_name():
    found = find_places("Giám đốc HTX Đức Huệ (Tháp Mười, Đồng Tháp) cho biết")
    assert [(p.name, p.parent) for p in found] == [("Tháp Mười", "dong thap"), ("Đồng Tháp", None)]
    assert find_places("HTX lúa tôm Thạnh Phú") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A place name inside a longer name is no place: the Pacific, a dam, a youth union, a road.
        ("tốp 2.000 công ty hàng đầu châu Á - Thái Bình Dương", []),
        ("HTX nuôi cá lồng gần thuỷ điện Hoà Bình có 340 lồng", []),
        ("Đoàn TNCS Hồ Chí Minh trao giải cho 17 thanh niên", []),
        ("trên đường Hồ Chí Minh qua Kon Tum", ["Kon Tum"]),
        # A unit word, an English unit word or a new place after the name does not make it longer.
        ("TP Hồ Chí Minh có 20 HTX", ["Hồ Chí Minh"]),
        ("How many cooperatives are there in Cho Don District?", ["Chợ Đồn"]),
        ("huyện Lương Sơn, tỉnh Hòa Bình", ["Lương Sơn", "Hòa Bình"]),
        ("tỉnh Bắc Kạn HTX Tân Thành", ["Bắc Kạn"]),
        # A province's name is one name however its two parts are joined.
        ("Bà Rịa-Vũng Tàu có 320 hộ", ["Bà Rịa - Vũng Tàu"]),
        ("tỉnh Bà Rịa – Vũng Tàu", ["Bà Rịa - Vũng Tàu"]),
    ],
)
def test_a_place_inside_a_longer_name_is_no_place(text, expected):
    assert [p.name for p in find_places(text)] == expected
