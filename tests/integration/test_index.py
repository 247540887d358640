"""Ingest and search over a real Chroma in a temporary folder, with a fake embedder for speed."""

import pytest

from retrieval.index import Index
from tests.helpers.embedders import HashEmbedder


def test_ingest_is_idempotent_and_tracks_changes(tmp_path, seeds_copy, closing):
    embedder = HashEmbedder()
    index = closing(Index(tmp_path / "data", embedder))
    first = index.ingest([seeds_copy])
    assert (first.added, first.updated, first.unchanged, first.removed) == (5, 0, 0, 0)
    assert first.chunks_embedded == first.chunks_total > 10

    again = index.ingest([seeds_copy])
    assert (again.added, again.updated, again.unchanged, again.removed) == (0, 0, 5, 0)
    assert again.chunks_embedded == 0

    # One sentence changes in one article: only that article's changed chunks are embedded again.
    path = seeds_copy / "003_2a45a5a69fef1ce9.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("153 HTX", "154 HTX"), encoding="utf-8")
    (seeds_copy / "000_4dc8dd3662837aa8.txt").unlink()
    changed = index.ingest([seeds_copy])
    assert (changed.added, changed.updated, changed.unchanged, changed.removed) == (0, 1, 3, 1)
    assert changed.chunks_embedded == 1
    assert {d.source for d, _ in index.documents()} == {p.stem for p in seeds_copy.glob("*.txt")}
    assert index.store.count() == len(index.lexical.ids) == changed.chunks_total
    top = index.search("Lạng Sơn có bao nhiêu HTX đến hết tháng 6/2017", 3)
    assert top[0].source == "003_2a45a5a69fef1ce9" and "154 HTX" in top[0].text


def test_index_survives_a_failed_ingest(tmp_path, seeds_copy, closing):
    data = tmp_path / "data"
    index = closing(Index(data, HashEmbedder()))
    index.ingest([seeds_copy])
    before = [p.chunk_id for p in index.search("Chợ Đồn có bao nhiêu HTX", 5)]
    index.close()

    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "moi.txt").write_text("Bài mới\n" + "Huyện Ba Bể có 30 HTX. " * 40, encoding="utf-8")
    path = seeds_copy / "002_91a2d2410e5d0829.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("42 HTX", "43 HTX"), encoding="utf-8")
    broken = closing(Index(data, HashEmbedder(fail_after=0)))
    with pytest.raises(RuntimeError, match="simulated"):
        broken.ingest([seeds_copy, extra])
    broken.close()

    reopened = closing(Index(data, HashEmbedder()))
    assert {d.source for d, _ in reopened.documents()} == {p.stem for p in seeds_copy.glob("*.txt")}
    after = reopened.search("Chợ Đồn có bao nhiêu HTX", 5)
    assert [p.chunk_id for p in after] == before
    assert any("42 HTX" in p.text for p in after)
    # The next ingest completes the interrupted one.
    report = reopened.ingest([seeds_copy, extra])
    assert (report.added, report.updated) == (1, 1)
    assert any("43 HTX" in p.text for p in reopened.search("Chợ Đồn có bao nhiêu HTX", 5))


class OtherHashEmbedder(HashEmbedder):
    """Another model: its own key, other vectors."""

    def __init__(self):
        super().__init__()
        self.key = "test/other-hash-64"

    def _vector(self, text):
        return super()._vector(text.upper() + " khác")


def test_a_new_embedder_re_embeds_the_index_on_the_next_ingest(tmp_path, seeds_copy, closing, caplog):
    data = tmp_path / "data"
    first = closing(Index(data, HashEmbedder()))
    built = first.ingest([seeds_copy]).chunks_total
    first.close()

    other = OtherHashEmbedder()
    switched = closing(Index(data, other))
    assert "answers use lexical search only until 'htxbot ingest' re-embeds it" in caplog.text
    assert not switched.parts.dense_ok and other.embedded == 0
    assert switched.search("Chợ Đồn có bao nhiêu HTX", 3)  # BM25 still answers meanwhile

    caplog.clear()
    report = switched.ingest([seeds_copy])  # nothing changed in the articles
    assert f"re-embedding the {built} chunks of the index with test/other-hash-64" in caplog.text
    assert (report.unchanged, report.chunks_embedded) == (5, built) and other.embedded == built
    assert switched.parts.dense_ok and switched.store.count() == built
    assert switched.catalog.get_meta("embedder") == "test/other-hash-64"
    switched.close()

    caplog.clear()
    again = closing(Index(data, OtherHashEmbedder()))
    assert again.parts.dense_ok and "lexical search only" not in caplog.text
    assert again.ingest([seeds_copy]).chunks_embedded == 0


def test_rebuild_and_lexical_only(tmp_path, seeds_copy, closing):
    index = closing(Index(tmp_path / "data", None))
    report = index.ingest([seeds_copy])
    assert report.added == 5 and report.chunks_embedded == 0
    passages = index.search("cho don co bao nhieu hop tac xa", 3)
    assert passages[0].source == "002_91a2d2410e5d0829"
    rebuilt = index.ingest([seeds_copy], rebuild=True)
    assert (rebuilt.added, rebuilt.updated, rebuilt.removed) == (0, 5, 0)  # every document written again


def test_damaged_parts_are_rebuilt_or_named(tmp_path, seeds_copy, closing):
    from retrieval.errors import IndexCorruptError

    data = tmp_path / "data"
    index = closing(Index(data, HashEmbedder()))
    index.ingest([seeds_copy])
    index.close()
    # A damaged lexical index is rebuilt from the catalog, which holds every chunk.
    (data / "lexical" / "chunk_ids.json").write_text("{", encoding="utf-8")
    index = closing(Index(data, HashEmbedder()))
    assert index.search("Chợ Đồn có bao nhiêu HTX", 1)[0].source == "002_91a2d2410e5d0829"
    index.close()
    # A damaged vector store is named, with the way out; a rebuild then works.
    (data / "chroma" / "chroma.sqlite3").write_bytes(b"garbage" * 100)
    index = closing(Index(data, HashEmbedder()))
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        index.search("Chợ Đồn có bao nhiêu HTX", 1)
    index.close()
    (data / "catalog.sqlite3").write_bytes(b"garbage" * 100)
    with pytest.raises(IndexCorruptError, match="--rebuild"):
        Index(data, HashEmbedder())
    rebuilt = closing(Index(data, HashEmbedder(), reset=True))
    report = rebuilt.ingest([seeds_copy], rebuild=True)
    assert report.added == 5
    assert rebuilt.search("Chợ Đồn có bao nhiêu HTX", 1)[0].source == "002_91a2d2410e5d0829"
    assert list(data.glob("catalog.corrupt-*.sqlite3"))


@pytest.mark.slow
def test_a_running_server_picks_up_an_ingest_by_another_process(tmp_path, seeded_data_dir, closing):
    """The ingest timer (deploy/) runs `htxbot ingest` beside a running server: new articles must
    reach the server's BM25 and vector search without a restart."""
    import shutil

    from bot.settings import Settings
    from bot.wiring import build_services
    from tests.helpers.processes import htxbot

    data = tmp_path / "data"
    shutil.copytree(seeded_data_dir, data)
    services = closing(build_services(Settings(data_dir=data)))  # the real default embedder, as a server has
    services.warm_up()
    services.index.RELOAD_CHECK_S = 0.0  # look at every search (the default is every 2 s)
    question = "Huyện Ba Bể có bao nhiêu hợp tác xã?"
    assert not services.answerer.answer(question).found

    extra = tmp_path / "new"
    extra.mkdir()
    (extra / "ba-be.txt").write_text(
        "Kinh tế tập thể ở Ba Bể\nĐến hết năm 2021, huyện Ba Bể có 37 hợp tác xã đang hoạt động, "
        "thu hút hơn 600 thành viên.\n",
        encoding="utf-8",
    )
    result = htxbot("ingest", str(extra), data_dir=data, embedder=None)
    assert result.returncode == 0, result.stderr

    answer = services.answerer.answer(question)
    assert answer.found and "37" in answer.text and answer.citations[0].source == "ba-be"
    dense = services.index.search("Ba Bể có 37 hợp tác xã và 600 thành viên", 3, fusion="dense")
    assert dense and dense[0].source == "ba-be"
