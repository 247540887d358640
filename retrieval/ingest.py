"""Ingestion: read article files, plan what changes (a pure function), then write every part.

Nothing is lost by accident. A file that cannot be read (truncated, one bad byte, emptied) keeps
the documents it held; a document is removed only when its file is really gone from a re-ingested
folder, or its record is gone from a file that was read completely; and a run that would remove
more than half of the index removes nothing unless it is told to prune.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.catalog import document_hash
from retrieval.chunking import chunk_document
from retrieval.documents import LoadNote, LoadProblem, discover, document_id, load_file
from retrieval.embedding_run import EmbeddingRun
from retrieval.guards import instructions_in
from retrieval.models import Chunk, Document
from retrieval.parts import IndexParts, ProgressFactory, no_progress
from retrieval.stats import extract as extract_stats

PRUNE_SHARE = 0.5  # a run removing more than this share of the documents needs prune=True


@dataclass
class IngestReport:
    """What an ingest changed, what it kept or held back, and what it could not read."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    renamed: int = 0  # old ids replaced by the new id of the same file (an index from before ids were paths)
    kept: int = 0  # documents of files that could not be read, kept as they were
    withheld: list[str] = field(default_factory=list)  # removals that need prune
    chunks_embedded: int = 0
    chunks_total: int = 0
    vectors_restored: int = 0
    seconds: float = 0.0
    problems: list[LoadProblem] = field(default_factory=list)
    notes: list[LoadNote] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Tell whether something could not be read or a removal was held back (a non-zero exit)."""
        return bool(self.problems or self.withheld)

    def summary(self) -> str:
        """Return one line for the CLI."""
        extra = "".join(
            [
                f", renamed {self.renamed}" if self.renamed else "",
                f", kept {self.kept} of unreadable files" if self.kept else "",
                f", {len(self.withheld)} removals held back" if self.withheld else "",
            ]
        )
        restored = f"; {self.vectors_restored} vectors restored" if self.vectors_restored else ""
        return (
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}, removed {self.removed} "
            f"documents{extra}; {self.chunks_embedded} chunks embedded, {self.chunks_total} in the index"
            f"{restored}; {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class Found:
    """A document read in this run: its content hash and the file it came from."""

    hash: str
    path: str | None


@dataclass(frozen=True)
class Known:
    """A document the catalog holds: its content hash and the file it came from."""

    hash: str
    path: str | None


@dataclass
class Plan:
    """What an ingest will write and remove."""

    write: list[str] = field(default_factory=list)  # ids added or updated
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    remove: list[str] = field(default_factory=list)
    renamed: int = 0
    kept: list[str] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)


def _key(path: str | None) -> str | None:
    return os.path.abspath(path) if path else None


def _under(path: str, roots: Collection[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def plan_changes(
    known: Mapping[str, Known],
    found: Mapping[str, Found],
    *,
    roots: Collection[str],
    failed: Collection[str],
    everything: bool = False,
    prune: bool = False,
) -> Plan:
    """Decide what an ingest changes, without touching anything.

    ``roots``: the folders and files ingested; ``failed``: the files under them that could not be
    read completely (an empty file is one). Paths are absolute. A known document
    that is not found again is removed only when its file is gone from a root, or was read
    completely without it; ``everything`` (a rebuild) treats every known document as under a root.
    Removals of more than half of the known documents are held back (``withheld``) unless ``prune``.
    """
    plan = Plan()
    for doc_id, item in found.items():
        before = known.get(doc_id)
        if before is None:
            plan.added += 1
        elif before.hash != item.hash:
            plan.updated += 1
        else:
            plan.unchanged += 1
            continue
        plan.write.append(doc_id)

    root_keys = {key for key in map(_key, roots) if key is not None}
    failed_keys = {key for key in map(_key, failed) if key is not None}
    found_paths = {_key(item.path) for item in found.values() if item.path}
    losses: list[str] = []
    for doc_id, entry in known.items():
        if doc_id in found:
            continue
        path = _key(entry.path)
        if path is None:
            if everything:
                losses.append(doc_id)
            continue
        if path in failed_keys:
            plan.kept.append(doc_id)
        elif path in found_paths:
            plan.remove.append(doc_id)  # the file was read and now names the document otherwise
            plan.renamed += 1
        elif everything or _under(path, root_keys):
            # Under a root: the file is gone (not present), or it was read completely without it.
            losses.append(doc_id)
    if losses and not prune and len(losses) > PRUNE_SHARE * len(known):
        plan.withheld = losses
    else:
        plan.remove.extend(losses)
    return plan


@dataclass
class Batch:
    """The documents read from some paths, and what the reading found wrong."""

    documents: dict[str, Document] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    problems: list[LoadProblem] = field(default_factory=list)
    notes: list[LoadNote] = field(default_factory=list)


_EMPTY = "the file is empty; the documents it held are kept (delete the file to remove them)"


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except OSError:
        return False  # reading it will say what is wrong


def read_paths(
    paths: Sequence[Path],
    progress: ProgressFactory | None = None,
    on_document: Callable[[Document], object] | None = None,
) -> Batch:
    """Read every article file under ``paths``; a file that cannot be read completely is
    ``failed`` (its problems say why), and two files giving the same id keep the first.
    ``on_document`` is called with each document kept, as soon as it is read."""
    files, problems = discover(paths)
    batch = Batch(problems=list(problems))
    meta_cache: dict[Path, dict[str, Any]] = {}
    origin: dict[str, str] = {}
    progress = progress or no_progress
    for path, root in progress(files, desc="reading", unit="file", disable=len(files) < 20):
        key = os.path.abspath(path)
        read = len(batch.documents) + len(batch.problems)
        if _is_empty(path):
            batch.problems.append(LoadProblem(str(path), _EMPTY))
            batch.failed.add(key)
            continue
        for item in load_file(path, meta_cache, doc_id=document_id(path, root)):
            if isinstance(item, LoadNote):
                batch.notes.append(item)
                continue
            if isinstance(item, LoadProblem):
                problem = item
            elif not item.text.strip():
                problem = LoadProblem(item.path or item.id, "no article text after cleaning")
            elif item.id in batch.documents:
                problem = LoadProblem(
                    item.path or item.id, f"document id {item.id!r} is also given by {origin[item.id]}; kept that one"
                )
            else:
                batch.documents[item.id] = item
                origin[item.id] = str(path)
                if on_document is not None:
                    on_document(item)
                continue
            batch.problems.append(problem)
            batch.failed.add(key)
        if len(batch.documents) + len(batch.problems) == read:
            batch.problems.append(LoadProblem(str(path), _EMPTY))
            batch.failed.add(key)
    return batch


class Chunker:
    """Chunks documents as they are read and hands the chunks of new and changed ones to the
    embedding run at once, so that embedding overlaps reading, chunking and statistics."""

    def __init__(self, parts: IndexParts, chunk_chars: int, run: EmbeddingRun | None, *, rebuild: bool = False):
        self.chunk_chars = chunk_chars
        self.run = run
        self.rebuild = rebuild
        self.known = {doc_id: Known(h, p) for doc_id, (h, p) in parts.catalog.document_hashes().items()}
        self.chunked: dict[str, tuple[Document, str, list[Chunk]]] = {}

    def add(self, document: Document) -> tuple[Document, str, list[Chunk]]:
        """Chunk ``document`` (once) and queue its chunks for embedding when it is new or changed."""
        entry = self.chunked.get(document.id)
        if entry is None or entry[0] is not document:
            chunks = chunk_document(document, self.chunk_chars)
            entry = self.chunked[document.id] = (document, document_hash(document, chunks), chunks)
            known = self.known.get(document.id)
            if self.run is not None and (self.rebuild or known is None or known.hash != entry[1]):
                self.run.submit(chunks)
        return entry


@contextmanager
def preparing(parts: IndexParts, chunk_chars: int, *, rebuild: bool = False) -> Iterator[Chunker]:
    """A :class:`Chunker` for one ingest, with an embedding run beside it when the index embeds
    (an index built with another embedder is re-embedded: see ``IndexParts.adopt_embedder``)."""
    parts.adopt_embedder()
    if parts.embedder is None or not parts.dense_ok:
        yield Chunker(parts, chunk_chars, None, rebuild=rebuild)
        return
    with EmbeddingRun(parts.embedder, parts.catalog, progress=parts.progress) as run:
        yield Chunker(parts, chunk_chars, run, rebuild=rebuild)


def apply_batch(
    parts: IndexParts,
    batch: Batch,
    roots: Sequence[Path],
    chunker: Chunker,
    *,
    rebuild: bool = False,
    prune: bool = False,
    started: float | None = None,
) -> IngestReport:
    """Bring the index in line with ``batch``: embed and store the vectors of changed chunks, write
    the catalog in one transaction, then bring the lexical index and the vector store up to the
    catalog and mark the generation. An interrupted run leaves the previous index answering; the
    next run finishes what it left."""
    started = time.perf_counter() if started is None else started
    report = IngestReport(problems=batch.problems, notes=batch.notes)
    known = dict(chunker.known)
    chunked: dict[str, tuple[Document, str, list[Chunk]]] = {}
    poisoned: set[str] = set()  # articles that speak to the assistant: no statistics rows either
    for document in parts.progress(
        batch.documents.values(), desc="chunking", unit="doc", disable=len(batch.documents) < 200
    ):
        if orders := instructions_in(document.text):
            poisoned.add(document.id)
            report.notes.append(
                LoadNote(
                    document.path or document.id,
                    (
                        f"{len(orders)} sentence(s) speak to the assistant, e.g. {orders[0][:80]!r}: this article is "
                        "never quoted and gives no figure"
                    ),
                )
            )
        chunked[document.id] = chunker.add(document)
    chunker.chunked.clear()
    found = {doc_id: Found(h, d.path) for doc_id, (d, h, _) in chunked.items()}
    if rebuild:  # every document is written again
        known = {doc_id: Known("", k.path) for doc_id, k in known.items()}
    plan = plan_changes(
        known, found, roots=[str(r) for r in roots if r.exists()], failed=batch.failed, everything=rebuild, prune=prune
    )
    report.added, report.updated, report.unchanged = plan.added, plan.updated, plan.unchanged
    report.removed, report.renamed = len(plan.remove) - plan.renamed, plan.renamed
    report.kept, report.withheld = len(plan.kept), plan.withheld

    changed = [chunked[doc_id] for doc_id in plan.write]
    chunked.clear()
    stats = {
        document.id: [] if document.id in poisoned else extract_stats(document)
        for document, _, _ in parts.progress(changed, desc="statistics", unit="doc", disable=len(changed) < 200)
    }
    batch.documents.clear()
    if chunker.run is not None:
        report.chunks_embedded = chunker.run.finish()  # every vector is in the embedding cache now
        report.chunks_embedded += parts.store_vectors([c for _, _, chunks in changed for c in chunks])
    if changed or plan.remove:
        complete = rebuild or not known or parts.catalog.stats_current()
        parts.catalog.replace_documents(changed, plan.remove, uuid.uuid4().hex, stats, stats_complete=complete)
    del changed
    report.chunks_embedded += finish(parts, report, rebuild=rebuild)
    report.seconds = time.perf_counter() - started
    return report


def finish(parts: IndexParts, report: IngestReport | None = None, *, rebuild: bool = False) -> int:
    """Bring the saved lexical index and the vector store (and a Chroma server's documents) up to
    the catalog, then mark the generation; return how many chunks had to be embedded. A part that
    cannot be written raises, and the generation marker stays where it was: servers keep answering
    from what they hold."""
    generation = parts.catalog.get_meta("catalog_generation")
    if generation is None:  # an index from before generations were recorded
        generation = parts.catalog.get_meta("generation") or uuid.uuid4().hex
        with parts.catalog.db:
            parts.catalog.set_meta("catalog_generation", generation)
    if rebuild or parts.lexical_saved_from() != generation:
        parts.rebuild_lexical(strict=True)
    embedded = 0
    if parts.embedder is not None and parts.dense_ok:
        moved = parts.catalog.get_meta("generation") != generation
        if moved or rebuild or parts.store_needs_sync():
            embedded, restored = parts.sync_store()
            if report is not None and not (moved or rebuild):
                report.vectors_restored = restored
    refresh_stats(parts)
    parts.publish()  # with a Chroma server: the replicas' copy, before the marker
    parts.mark_complete()
    if report is not None:
        report.chunks_total = parts.catalog.count_chunks()
    return embedded


def refresh_stats(parts: IndexParts) -> int:
    """Extract the statistics rows of every document again when the extractor changed since they
    were written (an index built before the table existed gets its table); return how many
    documents were read."""
    catalog = parts.catalog
    if catalog.read_only or catalog.stats_current():
        return 0
    documents = [d for d, _ in catalog.documents()]
    stats = {
        d.id: [] if instructions_in(d.text) else extract_stats(d)
        for d in parts.progress(documents, desc="statistics", unit="doc", disable=len(documents) < 200)
    }
    catalog.replace_stats(stats, complete=True)
    return len(documents)


def ingest_documents(
    parts: IndexParts, documents: Iterable[Document], *, rebuild: bool = False, chunk_chars: int = 1000
) -> IngestReport:
    """Index documents built in memory (benchmarks, tests); nothing is removed unless ``rebuild``."""
    started = time.perf_counter()
    with preparing(parts, chunk_chars, rebuild=rebuild) as chunker:
        batch = Batch(documents={d.id: d for d in documents})
        return apply_batch(parts, batch, [], chunker, rebuild=rebuild, prune=True, started=started)
