"""Which embedder the settings build, on which device, and where its converted model is kept."""

from __future__ import annotations

import os

import pytest
import torch
from pydantic import ValidationError

from bot.settings import Settings
from retrieval.e5_engine import CACHE_FOLDER_NAME, E5EngineEmbedder
from retrieval.embeddings import create_embedder, models_folder, resolve_device
from retrieval.errors import ConfigError


def test_the_default_embedder_is_the_e5_engine_in_the_shared_models_folder(tmp_path, monkeypatch):
    from bot.wiring import build_services

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    settings = Settings(data_dir=tmp_path / "data", _env_file=None)
    assert (settings.embedder, settings.e5_engine_backend, settings.embedding_device) == (
        "e5-engine",
        "onnx-int8",
        "auto",
    )
    services = build_services(settings)
    try:
        embedder = services.index.embedder
        assert isinstance(embedder, E5EngineEmbedder)
        assert embedder.folder == tmp_path / "cache" / "htxbot" / "models" / CACHE_FOLDER_NAME
        assert embedder.key == "e5engine/multilingual-e5-small-q4/onnx-int8" and embedder.device == "cpu"
    finally:
        services.close()


def test_auto_picks_the_gpu_torch_sees_and_a_missing_gpu_is_an_error():
    cuda = torch.cuda.is_available()
    mps = bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())
    assert resolve_device("auto") == ("cuda" if cuda else "mps" if mps else "cpu")
    assert resolve_device(" CPU ") == "cpu"
    if cuda:
        assert resolve_device("cuda") == "cuda"
    else:
        with pytest.raises(ConfigError, match=r"HTX_EMBEDDING_DEVICE=cuda but torch sees no CUDA GPU"):
            resolve_device("cuda")
    with pytest.raises(ConfigError, match="unknown embedding device 'tpu'"):
        resolve_device("tpu")


def test_the_device_setting_is_checked_when_it_is_read():
    assert Settings(embedding_device=" Cuda:1 ", _env_file=None).embedding_device == "cuda:1"
    with pytest.raises(ValidationError, match="expected auto, cpu, cuda, cuda:N or mps"):
        Settings(embedding_device="gpu", _env_file=None)


def test_the_torch_backends_and_sentence_transformers_run_on_the_resolved_device(tmp_path):
    expected = resolve_device("auto")
    torch_engine = create_embedder("e5-engine", models_dir=tmp_path, engine="torch", device="auto")
    assert isinstance(torch_engine, E5EngineEmbedder) and torch_engine.device == expected
    onnx_engine = create_embedder("e5-engine", models_dir=tmp_path, engine="onnx-int8", device="auto")
    assert isinstance(onnx_engine, E5EngineEmbedder) and onnx_engine.device == "cpu"  # onnxruntime: CPU here
    st = create_embedder("sentence-transformers", str(tmp_path / "model"), device="auto")
    assert getattr(st, "device", None) == expected


def test_the_models_folder_is_the_setting_then_an_earlier_conversion_then_the_user_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    data = tmp_path / "data"
    assert models_folder(tmp_path / "mine", data) == tmp_path / "mine"
    assert models_folder(None, data) == tmp_path / "cache" / "htxbot" / "models"
    (data / "models" / CACHE_FOLDER_NAME).mkdir(parents=True)  # converted by an earlier version
    assert models_folder(None, data) == data / "models"


def test_an_unwritable_user_cache_falls_back_to_the_data_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert models_folder(None, tmp_path / "data") == tmp_path / "data" / "models"
    if os.geteuid() != 0:  # root writes anywhere: a read-only folder only stops other users
        readonly = tmp_path / "ro"
        (readonly / "htxbot" / "models").mkdir(parents=True)
        (readonly / "htxbot" / "models").chmod(0o555)
        monkeypatch.setenv("XDG_CACHE_HOME", str(readonly))
        assert models_folder(None, tmp_path / "data") == tmp_path / "data" / "models"
