"""`htxbot backup` and `htxbot restore`, run as a user runs them (real processes on real folders)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from filelock import FileLock

from bot.backup import MANIFEST, backup, restore
from bot.feedback import Feedback
from bot.settings import Settings
from bot.wiring import build_services
from retrieval.errors import InputError
from tests.helpers.processes import htxbot

QUESTION = "Huyện Chợ Đồn có bao nhiêu HTX?"


def same_answer(result: dict) -> dict:
    """The answer without its timing."""
    return {key: value for key, value in result.items() if key != "latency_ms"}


def ask_json(data_dir: Path, question: str = QUESTION) -> dict:
    asked = htxbot("ask", "--json", question, data_dir=data_dir)
    assert asked.returncode == 0, asked.stderr
    assert "first run" not in asked.stderr  # answered from the folder as it is, not from the seeds again
    return same_answer(json.loads(asked.stdout))


@pytest.mark.slow
def test_a_restored_index_answers_the_same_with_the_real_model(seeded_data_dir, seeded_services, tmp_path, closing):
    """The seeds indexed with the default embedder: Chroma's vectors come back with the rest."""
    archive = tmp_path / "backup.tar.gz"
    made = htxbot("backup", str(archive), data_dir=seeded_data_dir)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("backed up ") and "5 documents" in made.stdout

    restored = tmp_path / "empty" / "data"
    done = htxbot("restore", str(archive), data_dir=restored)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("restored ") and "5 documents" in done.stdout

    services = closing(build_services(Settings(data_dir=restored)))
    assert services.ensure_seeded() is None  # nothing to ingest: the index is there
    assert services.index.store.count() == seeded_services.index.store.count() > 0
    assert services.index.catalog.get_meta("generation") == seeded_services.index.catalog.get_meta("generation")
    for question in (QUESTION, "So sánh số HTX của thành phố Bắc Kạn và huyện Chợ Đồn."):
        before = same_answer(seeded_services.answerer.answer(question).to_result())
        after = same_answer(services.answerer.answer(question).to_result())
        assert after == before  # text, citations and every passage with its fused score


def test_backup_and_restore_of_a_bm25_index_with_its_feedback(private_lexical_dir, tmp_path, closing):
    with contextlib.closing(build_services(Settings(data_dir=private_lexical_dir, embedder="none"))) as services:
        services.feedback.add(Feedback("web", "s1", QUESTION, "42 HTX [1]", "up", "đúng"))
    before = ask_json(private_lexical_dir)

    archive = tmp_path / "b.tar.gz"
    assert htxbot("backup", str(archive), data_dir=private_lexical_dir).returncode == 0
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert names[-1] == MANIFEST and "catalog.sqlite3" in names and "ingest.lock" not in names
    assert not any(name.endswith(("-wal", "-shm")) for name in names)

    restored = tmp_path / "restored"
    done = htxbot("restore", str(archive), data_dir=restored)
    assert done.returncode == 0, done.stderr
    assert ask_json(restored) == before
    services = closing(build_services(Settings(data_dir=restored, embedder="none")))
    assert [(f.question, f.rating, f.comment) for f in services.feedback.all()] == [(QUESTION, "up", "đúng")]


def test_restore_refuses_a_folder_that_is_not_empty_unless_forced(private_lexical_dir, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert htxbot("backup", str(archive), data_dir=private_lexical_dir).returncode == 0
    target = tmp_path / "in-use"
    target.mkdir()
    (target / "notes.txt").write_text("keep me?")

    refused = htxbot("restore", str(archive), data_dir=target)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"error: {target} is not empty (it holds notes.txt…): restore into an empty or new folder, "
        "or add --force to replace its contents (stop the services using it first)"
    )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]

    forced = htxbot("restore", "--force", str(archive), data_dir=target)
    assert forced.returncode == 0, forced.stderr
    assert not (target / "notes.txt").exists() and (target / "catalog.sqlite3").is_file()
    assert not [p for p in target.iterdir() if p.name.startswith(".htxbot-restore-")]
    assert ask_json(target) == ask_json(private_lexical_dir)


def repacked(archive: Path, target: Path, change) -> Path:
    """Write a copy of ``archive`` with ``change(name, data) -> data | None`` applied to each file
    (None leaves the file out), keeping the original manifest."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                out.addfile(member, io.BytesIO(data))
    return target


def test_a_wrong_path_or_a_broken_archive_is_one_clear_line(private_lexical_dir, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert htxbot("backup", str(archive), data_dir=private_lexical_dir).returncode == 0
    target = tmp_path / "new"

    def refused(*args: str, data_dir: Path = target) -> str:
        result = htxbot(*args, data_dir=data_dir)
        assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert not target.exists()  # a failed restore leaves no folder behind
        return result.stderr.strip()

    assert refused("backup", str(tmp_path / "b2.tar.gz"), data_dir=tmp_path / "nothing") == (
        f"error: no such data folder: {tmp_path / 'nothing'}"
    )
    missing = tmp_path / "missing.tar.gz"
    assert refused("restore", str(missing)) == f"error: no such backup file: {missing}"
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert refused("restore", str(truncated)).startswith(
        f"error: {truncated} is not a readable htxbot backup (truncated or damaged?): "
    )

    # the same messages, from the functions the commands call (no process to start for each)
    def message(call, *args, **kwargs) -> str:
        with pytest.raises(InputError) as raised:
            call(*args, **kwargs)
        assert not target.exists()
        return str(raised.value)

    (tmp_path / "plain").mkdir()
    assert message(backup, tmp_path / "plain", tmp_path / "b2.tar.gz") == (
        f"{tmp_path / 'plain'} is not an htxbot data folder (it has no catalog.sqlite3); check HTX_DATA_DIR"
    )
    assert message(backup, private_lexical_dir, tmp_path / "no" / "b.tar.gz") == (
        f"cannot write {tmp_path / 'no' / 'b.tar.gz'}: there is no folder {tmp_path / 'no'}"
    )
    assert message(backup, private_lexical_dir, private_lexical_dir / "b.tar.gz") == (
        f"write the backup outside the data folder {private_lexical_dir}, not to {private_lexical_dir / 'b.tar.gz'}"
    )
    text = tmp_path / "notes.tar.gz"
    text.write_text("not an archive")
    assert message(restore, text, target) == (
        f"{text} is not a readable htxbot backup (truncated or damaged?): not a gzip file"
    )
    flipped = repacked(
        archive,
        tmp_path / "flipped.tar.gz",
        lambda name, data: data if name != "lexical/vocab.index.json" else data.replace(b"htx", b"htz", 1),
    )
    assert message(restore, flipped, target) == (
        f"{flipped} is damaged: lexical/vocab.index.json does not match its checksum"
    )
    inside = tmp_path / "in-use"
    inside.mkdir()
    shutil.copy(archive, inside / "b.tar.gz")
    assert message(restore, inside / "b.tar.gz", inside, force=True) == (
        f"move the backup {inside / 'b.tar.gz'} out of {inside} first: restoring replaces that folder"
    )
    unlisted = repacked(archive, tmp_path / "unlisted.tar.gz", lambda name, data: None if name == MANIFEST else data)
    assert message(restore, unlisted, target) == f"{unlisted} is not an htxbot backup: it has no {MANIFEST}"


def test_a_backup_waits_for_a_running_ingest(private_lexical_dir, tmp_path):
    archive = tmp_path / "b.tar.gz"
    with FileLock(str(private_lexical_dir / "ingest.lock")):  # what `htxbot ingest` holds while it writes
        busy = htxbot("backup", "--wait", "1", str(archive), data_dir=private_lexical_dir)
    assert busy.returncode == 2
    assert f"error: an ingest has held {private_lexical_dir} for 1 s; try again when it has finished" in busy.stderr
    assert not archive.exists() and not list(tmp_path.glob(".b.tar.gz.partial-*"))
    assert htxbot("backup", "--wait", "1", str(archive), data_dir=private_lexical_dir).returncode == 0
