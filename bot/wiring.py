"""The composition root: builds the index and the answerer from settings, for every channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.feedback import FeedbackStore
from bot.settings import Settings
from retrieval.answering import AnswerConfig, ExtractiveAnswerer
from retrieval.embeddings import Embedder, create_embedder
from retrieval.index import Index, IngestReport, SearchConfig

log = logging.getLogger(__name__)


@dataclass
class Services:
    """What the channels use: the index and the answerer."""

    settings: Settings
    index: Index
    answerer: ExtractiveAnswerer
    feedback: FeedbackStore

    def ensure_seeded(self) -> IngestReport | None:
        """Ingest the seed articles when the index is empty."""
        if not self.index.is_empty():
            return None
        log.info("index is empty: ingesting the seed articles from %s", self.settings.seeds_dir)
        return self.index.ingest([self.settings.seeds_dir])

    def close(self) -> None:
        """Release the index and the feedback store."""
        self.index.close()
        self.feedback.close()


def _progress(iterable=None, **kwargs):
    from tqdm.auto import tqdm

    return tqdm(iterable, **kwargs)


def build_services(settings: Settings, *, embedder: Embedder | None | str = "settings",
                   progress: bool = False, reset: bool = False) -> Services:
    """Build the services; tests may pass their own embedder (or None for lexical only).

    ``reset`` prepares a rebuild: the vector store and lexical index are dropped first.
    """
    if embedder == "settings":
        embedder = create_embedder(settings.embedder, settings.embedding_model,
                                   query_prefix=settings.embedding_query_prefix,
                                   passage_prefix=settings.embedding_passage_prefix,
                                   batch_size=settings.embedding_batch_size, threads=settings.embedding_threads)
    search = SearchConfig(k=settings.retrieval_k, candidates=settings.retrieval_candidates,
                          fusion=settings.fusion, lexical_weight=settings.lexical_weight)
    index = Index(settings.data_dir, embedder, chunk_chars=settings.chunk_chars, search=search,
                  progress=_progress if progress else None, reset=reset)
    answerer = ExtractiveAnswerer(index, AnswerConfig(passages=settings.retrieval_k,
                                                      min_coverage=settings.min_coverage,
                                                      max_question_chars=settings.max_question_chars))
    return Services(settings=settings, index=index, answerer=answerer, feedback=FeedbackStore(settings.data_dir))
