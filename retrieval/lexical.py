"""BM25 over folded Vietnamese unigrams and bigrams, saved as a folder of plain files."""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

from retrieval.errors import IndexCorruptError
from retrieval.vietnamese import lexical_terms

IDS_FILE = "chunk_ids.json"
BUILT_FROM_FILE = "built_from.txt"  # the catalog generation the index was built from


class _BM25(Protocol):
    """What this module uses of a ``bm25s.BM25`` (bm25s ships no type information)."""

    vocab_dict: dict[str, int]

    def save(self, save_dir: str, *, show_progress: bool = ...) -> None: ...

    def get_scores(self, query_tokens_single: list[str]) -> np.ndarray: ...


def _bm25s() -> ModuleType:
    """Import bm25s, which sets its logger to DEBUG on import; put it back to WARNING."""
    bm25s = importlib.import_module("bm25s")  # a module, not Any: bm25s ships no type information
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


class LexicalIndex:
    """A bm25s index whose rows are chunk ids."""

    def __init__(self, retriever: _BM25 | None, ids: list[str], built_from: str | None = None) -> None:
        self.retriever = retriever
        self.ids = ids
        self.built_from = built_from

    @classmethod
    def build(cls, ids: Sequence[str], texts: Iterable[str], k1: float = 1.2, b: float = 0.75) -> LexicalIndex:
        """Index ``texts`` (an iterable, one per chunk id).

        Terms become vocabulary ids as each text is read, kept as compact int arrays: a corpus of
        100k chunks does not hold tens of millions of term strings at once.
        """
        from bm25s.tokenization import Tokenized

        retriever = _bm25s().BM25(k1=k1, b=b)
        vocab: dict[str, int] = {}
        token_ids = [array("i", [vocab.setdefault(term, len(vocab)) for term in lexical_terms(text)]) for text in texts]
        if token_ids:
            retriever.index(Tokenized(ids=token_ids, vocab=vocab), show_progress=False)
        return cls(retriever, list(ids))

    def save(self, folder: Path) -> None:
        """Write the index to ``folder`` atomically: a new folder, then a rename. A failed write
        (disk full) leaves the previous folder as it was."""
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            tmp.mkdir(parents=True)
            if self.ids and self.retriever is not None:
                self.retriever.save(str(tmp), show_progress=False)
            (tmp / IDS_FILE).write_text(json.dumps(self.ids), encoding="utf-8")
            (tmp / BUILT_FROM_FILE).write_text(self.built_from or "", encoding="utf-8")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by :meth:`save`."""
        bm25s = _bm25s()
        try:
            ids = json.loads((folder / IDS_FILE).read_text(encoding="utf-8"))
            built = folder / BUILT_FROM_FILE
            built_from = built.read_text(encoding="utf-8").strip() or None if built.exists() else None
            retriever = bm25s.BM25.load(str(folder), mmap=False, show_progress=False, verbosity=0) if ids else None
        except Exception as exc:  # numpy and bm25s raise many kinds (EOFError on a zero-byte .npy)
            raise IndexCorruptError(
                f"the lexical index in {folder} is unreadable "
                f"({type(exc).__name__}: {exc}); it is rebuilt from the catalog"
            ) from exc
        return cls(retriever, ids, built_from)

    def scores(self, query: str) -> np.ndarray:
        """Return the BM25 score of every chunk for ``query``."""
        if not self.ids or self.retriever is None:
            return np.zeros(0, dtype=np.float32)
        known = self.retriever.vocab_dict
        terms = [t for t in lexical_terms(query, query=True) if t in known]
        if not terms:  # "???", "😀": no word to score (bm25s raises IndexError on an empty query)
            return np.zeros(len(self.ids), dtype=np.float32)
        return self.retriever.get_scores(terms)

    def top(self, query: str, k: int) -> list[tuple[str, float]]:
        """Return up to ``k`` (chunk id, score) pairs with a positive score, best first."""
        scores = self.scores(query)
        if scores.size == 0:
            return []
        k = min(k, scores.size)
        best = np.argpartition(-scores, k - 1)[:k]
        best = best[np.argsort(-scores[best])]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]
