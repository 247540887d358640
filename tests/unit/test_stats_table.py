"""The statistics table: rows read from the seed articles (place, measure, value, period, status),
values that round-trip to their quote, and honest rankings and series over rows."""

from dataclasses import replace
from pathlib import Path

import pytest

from retrieval.documents import load_file
from retrieval.measures import figures
from retrieval.models import Document
from retrieval.places import Place
from retrieval.stats import (
    StatRow,
    StatsQuery,
    extract,
    filter_rows,
    measured,
    rank,
    rank_level,
    series,
    topic_words,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def seed_rows() -> dict[str, tuple[Document, list[StatRow]]]:
    out = {}
    for path in sorted(SEEDS.iterdir()):
        for document in load_file(path):
            assert isinstance(document, Document)
            out[document.id] = (document, extract(document))
    return out


def rows_of(seed_rows, prefix: str) -> list[StatRow]:
    return next(rows for doc_id, (_, rows) in seed_rows.items() if doc_id.startswith(prefix))


def find(rows: list[StatRow], value_text: str, measure: str) -> StatRow:
    found = [r for r in rows if r.value_text == value_text and r.measure == measure]
    assert len(found) == 1, [(r.value_text, r.measure) for r in rows]
    return found[0]


def test_every_value_is_the_exact_characters_of_its_article(seed_rows):
    total = 0
    for document, rows in seed_rows.values():
        for row in rows:
            assert document.text[row.start : row.end] == row.value_text
            assert row.value_text in row.sentence and row.sentence in document.text
            total += 1
    assert total > 40


def test_rows_carry_place_level_period_and_the_2025_unit(seed_rows):
    lang_son = find(rows_of(seed_rows, "003"), "153", "htx_count")
    assert (lang_son.place, lang_son.level, lang_son.current) == ("Lạng Sơn", "province", "Lạng Sơn")
    assert (lang_son.period, lang_son.period_key, lang_son.year, lang_son.status) == (
        "Đến hết tháng 6/2017",
        "end 2017-06",
        2017,
        "actual",
    )
    cho_don = find(rows_of(seed_rows, "002"), "42", "htx_count")
    assert (cho_don.place, cho_don.level, cho_don.parent, cho_don.current) == (
        "Chợ Đồn",
        "district",
        "Bắc Kạn",
        "Thái Nguyên",
    )
    city = find(rows_of(seed_rows, "000"), "44", "htx_count")
    assert (city.level, city.parent, city.scope) == ("city", "Bắc Kạn", "")


def test_values_are_numbers_with_their_units(seed_rows):
    hoa_binh = rows_of(seed_rows, "001")
    revenue = find(hoa_binh, "3,24 tỷ đồng/năm", "revenue")
    assert (revenue.value, revenue.unit) == (3.24e9, "VND/năm")
    members = find(hoa_binh, "12,7 nghìn", "members")
    assert (members.value, members.unit) == (12700, "thành viên")
    income = find(hoa_binh, "4 triệu đồng/người/tháng", "income")
    assert (income.value, income.unit) == (4e6, "VND/người/tháng")
    tht = find(rows_of(seed_rows, "003"), "1.750", "tht_count")
    assert (tht.value, tht.unit) == (1750, "THT")


def test_targets_new_and_parts_are_told_apart(seed_rows):
    cho_don = rows_of(seed_rows, "002")
    target = find(cho_don, "60", "htx_count")
    assert (target.status, target.period) == ("target", "đến năm 2025")
    assert find(cho_don, "50", "htx_count").scope == "part"  # "trong đó 50 HTX … nông nghiệp"
    new = find(rows_of(seed_rows, "001"), "66", "htx_count")
    assert "new" in new.qualifiers.split(",") and new.status == "actual"
    planned = find(rows_of(seed_rows, "001"), "65", "htx_count")
    assert planned.status == "target"
    ocop = find(rows_of(seed_rows, "000"), "4", "htx_count")
    assert ocop.scope != ""  # "Số hợp tác xã sản xuất sản phẩm đạt OCOP là 4 HTX": not all of them


def test_document_numbers_are_not_figures(seed_rows):
    for document, rows in seed_rows.values():
        for row in rows:
            assert "/" not in row.unit or row.unit.startswith(("VND/", "USD/")), row
            assert document.text[row.end : row.end + 1] not in ("/", "-"), row  # "681/KH-BCĐ", "09-NQ/TU"
    assert "681" not in [r.value_text for _, rows in seed_rows.values() for r in rows]


def test_filters_read_old_and_2025_units(seed_rows):
    rows = [r for _, rs in seed_rows.values() for r in rs]
    thai_nguyen = filter_rows(rows, StatsQuery(place="tỉnh Thái Nguyên", measure="htx_count"))
    assert {r.place for r in thai_nguyen} == {"Bắc Kạn", "Chợ Đồn"}  # old Bắc Kạn lies in it now
    assert {r.place for r in filter_rows(rows, StatsQuery(place="Chợ Đồn"))} == {"Chợ Đồn"}
    assert filter_rows(rows, StatsQuery(place="Ba Bể")) == []
    only_2017 = filter_rows(rows, StatsQuery(year=2017, status="target"))
    assert [r.value_text for r in only_2017] == ["12"]


def row(place: str, kind: str, value: float, **fields) -> StatRow:
    base = StatRow(
        doc_id="d",
        seq=0,
        place=place,
        place_key=place.lower().replace(" ", "_"),
        place_from="sentence",
        place_kind=kind,
        level=kind,
        parent="",
        current="",
        measure="htx_count",
        measure_raw="",
        value_text=str(int(value)),
        value=value,
        unit="HTX",
        period="năm 2020",
        period_key="year 2020",
        year=2020,
        status="actual",
        qualifiers="",
        scope="",
        sentence=f"{place} có {int(value)} HTX vận tải.",
        start=0,
        end=1,
        date="2020-06-01",
    )
    return replace(base, **fields)


def test_a_ranking_takes_each_places_latest_plain_actual_figure():
    rows = [
        row("A", "province", 50),
        row("A", "province", 80, year=2022, period_key="year 2022", date="2022-01-01"),
        row("B", "province", 70),
        row("C", "province", 500, status="target"),
        row("D", "province", 900, scope="part"),
        row("E", "province", 999, qualifiers="new"),
        row("F", "district", 300),
    ]
    ranked = rank(rows, level="province")
    assert [(r.place, r.value) for r in ranked] == [("A", 80), ("B", 70)]
    assert [r.place for r in rank(rows, level="province", largest=False)] == ["B", "A"]
    assert [r.place for r in rank(rows, level="province", qualifiers=frozenset({"new"}))] == ["E"]
    assert [r.place for r in rank(rows, level="any")] == ["F", "A", "B"]


def test_a_ranking_keeps_to_the_places_named_and_to_the_topic():
    rows = [row("A", "province", 50), row("B", "province", 70), row("C", "province", 90, sentence="C có 90 HTX.")]
    named = (Place("a", "A", "province"), Place("c", "C", "province"))
    assert [r.place for r in rank(rows, level="any", places=named)] == ["C", "A"]
    assert [r.place for r in rank(rows, level="province", topic=["van", "tai"])] == ["B", "A"]


def test_ranking_questions_name_their_level_and_topic():
    assert rank_level("Tỉnh nào có nhiều HTX nhất?") == "province"
    assert rank_level("Quận nào ở TP.HCM có nhiều hợp tác xã vận tải nhất?") == "district"
    assert rank_level("Which province has the most cooperatives?") == "province"
    assert rank_level("Trong ba nơi A, B, C, nơi nào có ít HTX nhất?") == "any"
    assert rank_level("HTX nào có nhiều thành viên nhất?") is None
    assert rank_level("Lĩnh vực nào có nhiều tổ hợp tác nhất?") is None
    places = (Place("ho chi minh", "Hồ Chí Minh", "province"),)
    text = "Quận nào ở TP Hồ Chí Minh tập trung nhiều hợp tác xã vận tải nhất?"
    assert topic_words(text, places, ("htx",)) == ["van"] or "van" in topic_words(text, places, ("htx",))


def test_a_series_gives_one_figure_per_period_in_date_order():
    rows = [
        row("A", "province", 80, year=2022, period_key="year 2022", date="2022-01-01"),
        row("A", "province", 50),
        row("A", "province", 51),  # the same period again: the first figure stays
        row("A", "province", 60, qualifiers="new", year=2021, period_key="year 2021"),
        row("B", "province", 10),
    ]
    assert [(r.year, r.value) for r in series(rows, Place("a", "A", "province"))] == [(2020, 50), (2022, 80)]


def _rows_of(text: str, place: str = "Lâm Đồng") -> list[StatRow]:
    """The rows of one sentence of a coop article (written as the articles write it)."""
    return extract(Document(id="t", title="Kinh tế tập thể", text=text, date="2019-05-02", place=place))


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        # Names and references are no figures; counts after "trong số" / "tổng số" are.
        ("Theo Quyết định 2032 của UBND tỉnh, HTX Vận tải số 28 có 45 xe.", [("45", "other", "xe")]),
        ("Đại hội lần thứ 11 của Liên minh HTX có 120 đại biểu dự.", [("120", "other", "đại biểu")]),
        ("Chỉ 3 trong số 6 HTX còn thời hạn hoạt động.", [("6", "htx_count", "")]),
        ("Tổng số 1.920 HTX đang hoạt động.", [("1.920", "htx_count", "")]),
        # A range is no single figure: neither bound becomes a row.
        ("Thu nhập của lao động từ 6 - 7 triệu đồng/tháng.", []),
        ("Doanh thu đạt 600-700 triệu đồng/ha/năm.", []),
        ("Các hộ thu từ 1 tỷ đến 8 tỷ đồng/năm, đóng góp từ 25% đến 30% GDP.", []),
        ("Đến năm 2025 có 60 HTX đến 2030 là 80 HTX.", [("60", "htx_count", ""), ("80", "htx_count", "")]),
        # A rank band ("tốp 200") and a kind of vehicle ("xe buýt 2 tầng") are no counts.
        ("HTX có 5 xe buýt 2 tầng và lọt tốp 200 nhà bán lẻ.", [("5", "other", "xe buýt")]),
        # "1 chiếc", "cho 1 công ty": "a", not a count; "5 trường hợp" is whole.
        ("Chủ nhiệm HTX lấy 1 chiếc kẹp và ghi nhận 5 trường hợp.", [("5", "other", "trường hợp")]),
        # What an `other` figure counts is a noun of the lexicon, whole ("hải lý", not "hải").
        (
            "Đội tàu của HTX đánh bắt cách bờ 20 hải lý, với 16 tàu và 150 ngư dân.",
            [("20", "other", "hải lý"), ("16", "other", "tàu"), ("150", "other", "ngư dân")],
        ),
        (
            "Năm 2018 các HTX có 31 về đích sớm, 26 siêu thị và 2 phương tiện.",
            [("26", "other", "siêu thị"), ("2", "other", "phương tiện")],
        ),
    ],
)
def test_names_ranges_and_counted_nouns(sentence, kept):
    rows = _rows_of(sentence)
    assert [(r.value_text, r.measure, r.measure_raw) for r in rows] == kept
    for row in rows:
        assert sentence[row.start : row.end] == row.value_text


def test_the_table_keeps_the_figures_of_sentences_about_cooperatives():
    # A coop article's other news (fares, floods, land) is no statistic of cooperatives; a sentence
    # that goes on with the cooperatives of the one before it, in the same paragraph, is.
    text = (
        "Giá vé xe buýt tăng 20%, với 16 tàu và 150 ngư dân. Toàn tỉnh có 120 HTX. Doanh thu bình quân đạt 2 tỷ đồng."
        " Lũ cuốn trôi 30 ha lúa.\nLợi nhuận đạt 300 triệu đồng."
    )
    assert [(r.value_text, r.measure) for r in _rows_of(text)] == [("120", "htx_count"), ("2 tỷ đồng", "revenue")]
    members = _rows_of("Tổ hợp tác có 45 thành viên. Vốn góp của xã viên đạt 12 tỷ đồng.")
    assert [(r.value_text, r.measure) for r in members] == [("45", "members"), ("12 tỷ đồng", "capital")]


def test_a_national_figure_as_of_a_year_is_the_nations_actual():
    rows = _rows_of("Theo Liên minh HTX VN, tính đến năm 2018, VN có 22.456 HTX đang hoạt động.")
    assert [(r.value_text, r.place, r.status) for r in rows] == [("22.456", "Việt Nam", "actual")]


def test_a_bound_of_a_range_is_no_value_to_compare():
    # "340 so với 6" compared 340 cages with the upper bound of "5-6 cages per raft".
    clause = "khu vực này có 18 bè (mỗi bè khoảng 5-6 lồng), bè cá gồm 39 lồng"
    values = [measured(clause, f) for f in figures(clause) if f.measure == "count:long"]
    assert [v[2] if v else None for v in values] == [None, "39"]


def test_thousands_decimals_and_multipliers_are_read_as_written():
    rows = _rows_of("Toàn tỉnh có trên 3.000 thành viên, 12,7 nghìn lao động, vốn điều lệ 3,24 tỷ đồng và tăng 12,5%.")
    got = {(r.value_text, r.measure): (r.value, r.unit) for r in rows}
    assert got[("3.000", "members")] == (3000.0, "thành viên")
    assert got[("12,7 nghìn", "workers")] == (12700.0, "lao động")
    assert got[("3,24 tỷ đồng", "capital")] == (3.24e9, "VND")


def test_a_plan_goes_on_to_the_undated_sentences_of_its_paragraph(seed_rows):
    rows = rows_of(seed_rows, "002")  # Chợ Đồn: "Theo đó, đến năm 2025 … phấn đấu có 60 HTX …"
    for value_text, measure in [("65 triệu đồng/năm", "income"), ("52 triệu đồng/năm", "income"), ("16", "tht_count")]:
        row = find(rows, value_text, measure)
        assert (row.status, row.period) == ("target", "đến năm 2025"), row
    assert find(rows, "42", "htx_count").status == "actual"  # "Hiện nay … có 42 HTX" comes before it
    # "Hiện nay" or a new paragraph ends the plan.
    text = (
        "Đến năm 2025 phấn đấu có 60 HTX. Thu nhập đạt 65 triệu đồng/năm."
        " Hiện nay thu nhập xã viên đạt 40 triệu đồng/năm."
    )
    got = [(r.value_text, r.status) for r in _rows_of(text)]
    assert got == [("60", "target"), ("65 triệu đồng/năm", "target"), ("40 triệu đồng/năm", "actual")]
    got = [
        (r.value_text, r.status)
        for r in _rows_of("Đến năm 2025 phấn đấu có 60 HTX.\nThu nhập của thành viên đạt 45 triệu đồng/năm.")
    ]
    assert got == [("60", "target"), ("45 triệu đồng/năm", "actual")]


def test_people_counted_after_members_are_members(seed_rows):
    row = find(rows_of(seed_rows, "002"), "150", "members")  # "THT … với thành viên tham gia 150 người"
    assert (row.value, row.unit) == (150.0, "thành viên")
