"""The htxbot command as a user runs it: real process (in an empty folder, no HTX_* from the shell),
real files, one-line errors."""

import json

import pytest

from tests.helpers.processes import htxbot


def assert_clean_error(result, *needles):
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error:"), result.stderr
    for needle in needles:
        assert needle in line


def test_bad_questions_are_refused_in_one_line(tmp_path):
    assert_clean_error(htxbot("ask", "   ", data_dir=tmp_path / "d"), "empty")
    assert_clean_error(htxbot("ask", "x" * 2001, data_dir=tmp_path / "d"), "2001 characters", "2000")


def test_ingest_reports_missing_and_undecodable_files(tmp_path):
    assert_clean_error(htxbot("ingest", str(tmp_path / "nowhere"), data_dir=tmp_path / "d"), "no such file")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "good.txt").write_text("Tin hợp tác xã\nHuyện Ba Bể có 30 HTX vào cuối năm 2021.", encoding="utf-8")
    (folder / "bad.txt").write_bytes("Hợp tác xã Ba Bể".encode("cp1258", errors="replace") + b"\xff\xfe")
    result = htxbot("ingest", str(folder), data_dir=tmp_path / "d")
    assert result.returncode == 1, result.stderr  # the good file is indexed; the run names the bad one
    assert "bad.txt" in result.stderr and "not UTF-8" in result.stderr
    assert "added 1" in result.stdout
    again = htxbot("ingest", str(folder), data_dir=tmp_path / "d")
    assert "added 0, updated 0, unchanged 1, removed 0" in again.stdout


def test_corrupt_index_says_how_to_rebuild(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "catalog.sqlite3").write_bytes(b"this is not a database" * 100)
    assert_clean_error(htxbot("sources", data_dir=data), "rebuild")


def test_sources_list_the_seed_articles(tmp_path):
    result = htxbot("sources", data_dir=tmp_path / "d")
    assert result.returncode == 0, result.stderr
    assert "5 documents" in result.stdout
    assert "002_91a2d2410e5d0829  không rõ ngày  Huyện Chợ Đồn, tỉnh Bắc Kạn" in result.stdout


@pytest.mark.slow
def test_ask_json_with_the_default_embedder(seeded_data_dir):
    result = htxbot("ask", "cho don co bao nhieu htx", "--json", data_dir=seeded_data_dir, embedder=None)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["found"] is True and "42" in answer["answer"]
    citation = answer["citations"][0]
    assert citation["source"] == "002_91a2d2410e5d0829"
    assert citation["date"] is None and "date" in citation and citation["title"]
    assert len(answer["passages"]) >= 10
    plain = htxbot("ask", "Huyện Chợ Đồn có bao nhiêu HTX?", data_dir=seeded_data_dir, embedder=None)
    assert "42 HTX [1]" in plain.stdout and "không rõ ngày" in plain.stdout
