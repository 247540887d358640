"""The composition root: builds the index and the answerer from settings, for every channel."""

from __future__ import annotations

import contextlib
import enum
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any, Final

from bot.database import Database, DatabaseUnavailable, open_database
from bot.feedback import FeedbackStore
from bot.settings import Settings
from retrieval.answering import AnswerConfig, Answerer, ExtractiveAnswerer
from retrieval.embeddings import Embedder, create_embedder, models_folder
from retrieval.errors import HtxError
from retrieval.index import Index, IngestReport, SearchConfig
from retrieval.parts import ProgressFactory
from retrieval.places import gazetteer
from retrieval.store import ChromaServerConfig

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from retrieval.generation import LLMAnswerer

log = logging.getLogger(__name__)


class _FromSettings(enum.Enum):
    """Sentinel type of ``build_services(embedder=...)``: build the embedder the settings name."""

    FROM_SETTINGS = enum.auto()


FROM_SETTINGS: Final = _FromSettings.FROM_SETTINGS


def app_version() -> str:
    """Return htxbot's version as installed (pyproject.toml is the one place it is written)."""
    try:
        return version("htxbot")
    except PackageNotFoundError:  # a checkout run without `pip install -e .`
        return "0+unknown"


@dataclass
class Services:
    """What the channels use: the index and the answerer."""

    settings: Settings
    index: Index
    answerer: Answerer  # an ExtractiveAnswerer, or a retrieval.generation.LLMAnswerer
    feedback: FeedbackStore
    database: Database  # the feedback's and the Telegram memory's, shared by replicas

    def ensure_seeded(self) -> IngestReport | None:
        """Ingest the seed articles when the index is empty."""
        if not self.index.is_empty():
            return None
        log.info("index is empty: ingesting the seed articles from %s", self.settings.seeds_dir)
        return self.index.ingest([self.settings.seeds_dir])

    def warm_up(self) -> None:
        """Load the indexes and the model before the first question (a failure is left for the
        questions to report, each with its message), and prepare the database."""
        self.prepare_database()
        started = time.perf_counter()
        try:
            self.index.warm_up()
            gazetteer()  # the place names, read by every question
        except HtxError as exc:
            log.warning("warm-up failed: %s", exc)
            return
        log.info("index and model loaded in %.1f s", time.perf_counter() - started)

    def prepare_database(self) -> None:
        """Create or migrate the database's tables and import older files before the first use; a
        database that cannot be used is logged with what to do (by the database), and answering goes on."""
        with contextlib.suppress(DatabaseUnavailable):
            self.database.prepare()

    def close(self) -> None:
        """Release the index and the database."""
        self.index.close()
        self.database.close()


def _progress(iterable: Iterable[Any] | None = None, **kwargs: Any) -> Any:  # a tqdm bar (tqdm has no types)
    from tqdm.auto import tqdm

    return tqdm(iterable, **kwargs)


def build_services(
    settings: Settings,
    *,
    embedder: Embedder | None | _FromSettings = FROM_SETTINGS,
    progress: bool = False,
    reset: bool = False,
) -> Services:
    """Build the services; tests may pass their own embedder (or None for lexical only).

    ``reset`` prepares a rebuild: the vector store and lexical index are dropped first.
    """
    if embedder is FROM_SETTINGS:
        embedder = create_embedder(
            settings.embedder,
            settings.embedding_model,
            query_prefix=settings.embedding_query_prefix,
            passage_prefix=settings.embedding_passage_prefix,
            batch_size=settings.embedding_batch_size,
            threads=settings.embedding_threads,
            models_dir=models_folder(settings.models_dir, settings.data_dir),
            engine=settings.e5_engine_backend,
            device=settings.embedding_device,
            base_url=settings.embedding_url,
            api_key=settings.embedding_api_key.get_secret_value() if settings.embedding_api_key else None,
            concurrency=settings.embedding_concurrency,
            timeout=settings.embedding_timeout,
            input_type=settings.embedding_input_type,
        )
    search = SearchConfig(
        k=settings.retrieval_k,
        candidates=settings.retrieval_candidates,
        fusion=settings.fusion,
        lexical_weight=settings.lexical_weight,
    )
    bars: ProgressFactory | None = None
    if progress:
        bars = _progress
    index = Index(
        settings.data_dir,
        embedder,
        chunk_chars=settings.chunk_chars,
        search=search,
        progress=bars,
        reset=reset,
        server=chroma_server(settings),
    )
    extractive = ExtractiveAnswerer(
        index,
        AnswerConfig(
            passages=settings.retrieval_k,
            min_coverage=settings.min_coverage,
            max_question_chars=settings.max_question_chars,
        ),
    )
    answerer: Answerer = _llm_answerer(settings, extractive) if settings.answerer == "llm" else extractive
    database = open_database(settings)
    return Services(
        settings=settings, index=index, answerer=answerer, feedback=FeedbackStore(database), database=database
    )


def chroma_server(settings: Settings) -> ChromaServerConfig | None:
    """The Chroma server the settings name (HTX_CHROMA_*), or None for the embedded Chroma."""
    if not settings.chroma_url:
        return None
    return ChromaServerConfig(
        url=settings.chroma_url,
        token=settings.chroma_token.get_secret_value() if settings.chroma_token else None,
        tenant=settings.chroma_tenant,
        database=settings.chroma_database,
    )


def create_chat_model(settings: Settings) -> BaseChatModel:
    """Build the LangChain chat model the settings name (OpenAI-compatible servers, Ollama…)."""
    from langchain.chat_models import init_chat_model

    from retrieval.errors import ConfigError

    if not settings.llm_model:
        raise ConfigError("HTX_ANSWERER=llm needs HTX_LLM_MODEL (and HTX_LLM_BASE_URL for a local server)")
    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature, "timeout": settings.llm_timeout}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_provider == "openai":
        kwargs["api_key"] = settings.llm_api_key.get_secret_value() if settings.llm_api_key else "not-needed"
        kwargs["max_retries"] = 0  # a slow or failing server falls back to the extractive answer at once
    elif settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key.get_secret_value()
    try:
        # A model name and no configurable_fields: init_chat_model's BaseChatModel overload (mypy
        # cannot pick it itself, as **kwargs might hold configurable_fields).
        model: BaseChatModel = init_chat_model(settings.llm_model, model_provider=settings.llm_provider, **kwargs)
    except (ImportError, ValueError) as exc:
        raise ConfigError(
            f"cannot build the chat model {settings.llm_provider}:{settings.llm_model}: {exc} "
            "(for ollama: pip install langchain-ollama)"
        ) from exc
    return model


def _llm_answerer(settings: Settings, extractive: ExtractiveAnswerer) -> LLMAnswerer:
    from retrieval.generation import GenerationConfig, LLMAnswerer

    return LLMAnswerer(
        extractive,
        create_chat_model(settings),
        GenerationConfig(context_passages=settings.llm_context_passages, timeout_s=settings.llm_timeout),
    )
