"""The statistics table through the index, the CLI, the web API and the answers: built at ingest,
kept in line with the articles, rebuilt when the extractor changes, filtered and exported."""

import csv
import io
import json
import sqlite3

from retrieval.answering import ExtractiveAnswerer
from retrieval.index import Index
from retrieval.stats import StatsQuery
from tests.helpers.processes import htxbot


def values(index: Index, **query) -> list[str]:
    return [r.value_text for r in index.stats(StatsQuery(**query))]


def lexical_index_of(tmp_path, closing, *articles: str) -> Index:
    """Return a BM25-only index of ``articles`` (title, date and text lines), ingested from files."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for n, text in enumerate(articles):
        (folder / f"{'abcdefgh'[n]}.txt").write_text(text, encoding="utf-8")  # ids a, b, …
    index = closing(Index(tmp_path / "data", None))
    index.ingest([folder])
    return index


def test_rows_follow_the_articles_through_ingests(tmp_path, seeds_copy, closing):
    index = closing(Index(tmp_path / "data", None))
    index.ingest([seeds_copy])
    assert values(index, place="Lạng Sơn", measure="htx_count") == ["17", "12", "153"]
    total = len(index.stats())

    path = seeds_copy / "003_2a45a5a69fef1ce9.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("153 HTX", "154 HTX"), encoding="utf-8")
    (seeds_copy / "002_91a2d2410e5d0829.txt").unlink()
    index.ingest([seeds_copy])
    assert values(index, place="Lạng Sơn", measure="htx_count") == ["17", "12", "154"]
    assert values(index, place="Chợ Đồn") == []  # its article is gone, and its rows with it
    assert 0 < len(index.stats()) < total
    for row in index.stats():
        document = index.document(row.doc_id)
        assert document is not None and document.text[row.start : row.end] == row.value_text


def test_an_index_from_an_older_extractor_gets_its_rows_again(tmp_path, seeds_copy, closing):
    data = tmp_path / "data"
    index = Index(data, None)
    index.ingest([seeds_copy])
    expected = len(index.stats())
    index.close()
    with sqlite3.connect(data / "catalog.sqlite3") as db:  # as an index built before the table existed
        db.execute("DELETE FROM stats")
        db.execute("DELETE FROM meta WHERE key = 'stats_version'")
    index = closing(Index(data, None))
    assert len(index.stats()) == expected
    assert index.catalog.stats_current()
    index.close()
    # Rows of another extractor version: opening the index empties the table and drops the version
    # mark with it, so that no version (the other one included) takes the empty table as current.
    with sqlite3.connect(data / "catalog.sqlite3") as db:
        db.execute("UPDATE meta SET value = 'another' WHERE key = 'stats_version'")
    index = closing(Index(data, None))
    assert index.catalog.get_meta("stats_version") is None and not index.catalog.stats_current()
    assert len(index.stats()) == expected and index.catalog.stats_current()


def test_the_cli_lists_and_exports_the_table(lexical_seeded_dir):
    text = htxbot("stats", "--place", "Chợ Đồn", "--measure", "htx_count", data_dir=lexical_seeded_dir)
    assert text.returncode == 0, text.stderr
    assert "huyện Chợ Đồn (Bắc Kạn) · số HTX: 42 · Hiện nay" in text.stdout
    assert "số HTX: 60 (mục tiêu) · đến năm 2025" in text.stdout
    exported = htxbot("stats", "--measure", "tht_count", "--csv", data_dir=lexical_seeded_dir)
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    lang_son = next(r for r in rows if r["value_text"] == "1.750")
    assert (lang_son["place_label"], lang_son["period"], lang_son["current"]) == (
        "tỉnh Lạng Sơn",
        "Đến hết tháng 6/2017",
        "Lạng Sơn",
    )
    as_json = json.loads(htxbot("stats", "--place", "Thái Nguyên", "--json", data_dir=lexical_seeded_dir).stdout)
    assert {r["place"] for r in as_json} == {"Bắc Kạn", "Chợ Đồn"}
    bad = htxbot("stats", "--measure", "htx", data_dir=lexical_seeded_dir)
    assert bad.returncode != 0 and "unknown measure 'htx'" in bad.stderr and "htx_count" in bad.stderr


async def test_the_api_pages_the_table_as_json_and_csv(lexical_seeded_dir, web_client):
    client, _ = web_client(lexical_seeded_dir)
    async with client:
        first = await client.get("/api/stats", params={"measure": "htx_count", "limit": 2})
        body = first.json()
        assert first.status_code == 200 and body["total"] > 2 and len(body["rows"]) == 2
        rest = (await client.get("/api/stats", params={"measure": "htx_count", "offset": 2, "limit": 100})).json()
        assert len(rest["rows"]) == body["total"] - 2
        assert {"place_label", "value_text", "period", "quote", "source", "start", "end"} <= set(body["rows"][0])
        exported = await client.get("/api/stats", params={"place": "Hòa Bình", "format": "csv", "limit": 1000})
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert len(rows) == int(exported.headers["x-total-count"]) and {r["place"] for r in rows} == {"Hòa Bình"}
        bad = await client.get("/api/stats", params={"measure": "nope"})
        assert bad.status_code == 422 and "unknown measure" in bad.json()["detail"]


def test_rankings_of_places_are_answered_from_the_table(lexical_services):
    answerer = lexical_services.answerer
    assert isinstance(answerer, ExtractiveAnswerer)
    answer = answerer.answer("Trong ba nơi: huyện Chợ Đồn, thành phố Bắc Kạn và tỉnh Lạng Sơn, nơi nào có ít HTX nhất?")
    lines = answer.text.splitlines()
    assert answer.found and lines[1].startswith("- Huyện Chợ Đồn:") and "42 HTX" in lines[1]
    assert lines[3].startswith("- Tỉnh Lạng Sơn:") and "153 HTX" in lines[3]
    assert "→ Ít nhất trong các số liệu này: Huyện Chợ Đồn (42)." in answer.text
    assert "thời điểm khác nhau" in answer.text  # the figures are of different dates: said so
    texts = {d.cited_as: " ".join(d.text.split()) for d, _ in lexical_services.index.documents()}
    for citation in answer.citations:  # every figure is quoted from its article (sentence-cased)
        assert citation.quote.rstrip(".")[1:] in texts[citation.source]
    english = answerer.answer("Which province has the most cooperatives?")
    assert (
        english.text.startswith("Ranking from the figures")
        and "→ Highest of these figures: Hòa Bình (422)." in english.text
    )
    new = answerer.answer("Tỉnh nào có nhiều HTX thành lập mới nhất?")
    assert "Tỉnh Hòa Bình" in new.text.splitlines()[1] and "66 HTX thành lập mới" in new.text
    # The chart holds the same figures, each tied to the citation whose quote writes it.
    chart = answer.to_result()["chart"]
    assert chart["kind"] == "bar" and chart["unit"] == "HTX"
    assert [(p["label"], p["value"]) for p in chart["series"]][:1] == [("Huyện Chợ Đồn", 42.0)]
    assert [p["value"] for p in chart["series"]] == sorted(p["value"] for p in chart["series"])  # least first
    for point in chart["series"]:
        assert point["value_text"] in answer.citations[point["citation"] - 1].quote
        assert point["period"]


def test_a_comparison_reads_values_with_their_multipliers(tmp_path, closing):
    """A figure of "3,24 tỷ đồng" is more than "500 triệu đồng": values are compared as amounts, not as the
    digits written, and the chart carries them in one unit."""
    index = lexical_index_of(
        tmp_path,
        closing,
        "HTX ở Ba Bể\nNgày 10/01/2021\nNăm 2020, doanh thu bình quân của HTX ở huyện Ba Bể đạt 500 triệu đồng.",
        "HTX ở Na Rì\nNgày 12/01/2021\nNăm 2020, doanh thu bình quân của HTX ở huyện Na Rì đạt 3,24 tỷ đồng.",
    )
    answer = ExtractiveAnswerer(index).answer("So sánh doanh thu bình quân của HTX ở huyện Ba Bể và huyện Na Rì")
    assert "→ Huyện Na Rì cao hơn huyện Ba Bể (3,24 tỷ đồng so với 500 triệu đồng" in answer.text
    chart = answer.to_result()["chart"]
    assert [(p["label"], p["value"], p["unit"]) for p in chart["series"]] == [
        ("Huyện Ba Bể", 5e8, "VND"),
        ("Huyện Na Rì", 3.24e9, "VND"),
    ]
    lookup = ExtractiveAnswerer(index).answer("Doanh thu bình quân của HTX ở huyện Ba Bể là bao nhiêu?")
    assert lookup.found and lookup.chart is None and "chart" not in lookup.to_result()


def test_a_place_over_the_years_is_answered_from_the_table(tmp_path, closing):
    index = lexical_index_of(
        tmp_path,
        closing,
        "Ba Bể phát triển hợp tác xã\nNgày 10/01/2020\nĐến hết năm 2019, huyện Ba Bể có 30 HTX với 600 thành viên.",
        "Kinh tế tập thể Ba Bể\nNgày 12/01/2022\nĐến hết năm 2021, huyện Ba Bể có 41 HTX đang hoạt động; "
        "trong năm có 6 HTX thành lập mới.",
    )
    answer = ExtractiveAnswerer(index).answer("Số HTX của huyện Ba Bể thay đổi thế nào qua các năm?")
    lines = answer.text.splitlines()
    assert lines[0] == "Diễn biến theo các bài viết:"
    assert "30 HTX" in lines[1] and "Đến hết năm 2019" in lines[1]
    assert "41 HTX" in lines[2] and "Đến hết năm 2021" in lines[2]
    assert len(lines) == 3  # the 6 new ones are a flow, not a point of the series
    assert [c.source for c in answer.citations] == ["a", "b"]
    chart = answer.to_result()["chart"]
    assert chart["kind"] == "line"
    assert [(p["value"], p["citation"]) for p in chart["series"]] == [(30.0, 1), (41.0, 2)]


def test_which_of_the_places_named_is_highest_is_answered_from_each_place_s_passage(tmp_path, closing):
    """Rates are not in the statistics table: each region named is answered from its own article,
    the national rate beside a region's is not the region's, and the highest one is named."""
    index = lexical_index_of(
        tmp_path,
        closing,
        "HTX vùng Tây Nguyên\nNgày 10/07/2017\nĐến hết năm 2016, toàn vùng Tây Nguyên có 35% số hợp tác xã "
        "nông nghiệp hoạt động hiệu quả.",
        "HTX vùng Đông Nam Bộ\nNgày 12/07/2017\nVề tỷ lệ hoạt động hiệu quả, trong khi cả nước chỉ đạt 30%, "
        "thì vùng Đông Nam Bộ là gần 44%. Vùng Đông Nam Bộ có 18 triệu dân, chiếm 20% dân số cả nước.",
    )
    answer = ExtractiveAnswerer(index).answer(
        "Vùng nào có tỷ lệ hợp tác xã hoạt động hiệu quả cao nhất: Tây Nguyên hay Đông Nam Bộ?"
    )
    assert "35%" in answer.text and "44%" in answer.text and "dân số" not in answer.text
    assert answer.text.splitlines()[-1].startswith("→ Cao nhất: Vùng Đông Nam Bộ (44%")
